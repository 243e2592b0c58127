"""Admin pages for core data: read-only views.

Subjects, departments and users change only through actions (audited); the admin shows
them so that staff can look things up. Personal ID numbers appear masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinyong.core.models import (
    Department,
    Membership,
    Subject,
    SubjectIdentifier,
    SubjectName,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubjectIdentifierInline(admin.TabularInline):
    model = SubjectIdentifier
    extra = 0
    can_delete = False
    readonly_fields = ["scheme", "value", "recorded_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubjectNameInline(admin.TabularInline):
    model = SubjectName
    extra = 0
    can_delete = False
    readonly_fields = ["name", "valid_from", "valid_to", "recorded_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "uscc", "id_number_masked", "division"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    exclude = ["id_number_encrypted", "id_number_hash"]
    inlines = [SubjectIdentifierInline, SubjectNameInline]
    show_full_result_count = False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "division", "kind", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["department", "role", "granted_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "display_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [MembershipInline]
