"""Read-only admin view of the audit trail, for auditors."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinyong.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "occurred_at",
        "event_type",
        "event_type_label",
        "actor_label",
        "department_code",
        "object_type",
        "object_id",
        "request_id",
    ]
    list_filter = ["department_code"]
    search_fields = ["object_id", "actor_label", "request_id"]
    date_hierarchy = "occurred_at"

    @admin.display(description=_("event"))
    def event_type_label(self, obj: AuditEvent) -> str:
        return obj.event_type_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
