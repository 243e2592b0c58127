"""Base classes for admin pages of policy data and other audited data.

Policy data (editions, regimes, calendars, catalogs …) is shown to platform administrators;
rows never change or disappear through the admin — a new edition is loaded (through the
audited load action) instead. Pages whose "add" goes through such an action set
``allow_add = True``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinyong.core import permissions


def is_platform_admin(request: HttpRequest) -> bool:
    return permissions.is_platform_admin(request.user)


class PolicyDataAdmin(admin.ModelAdmin):
    """Visible to platform administrators; never changed or deleted through the admin."""

    allow_add = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.allow_add and is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows of a policy edition, shown under it."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
