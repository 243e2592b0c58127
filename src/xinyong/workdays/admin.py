"""Admin pages of the working-day calendar: the covered years and their days, and a page to
import a year's arrangement from a file — through the same policy load action as
``xinyong workdays import`` (validated, versioned, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.core.adminbase import PolicyDataAdmin, ReadOnlyInline
from xinyong.policy.admin import policy_upload_view
from xinyong.workdays.models import CalendarDay, CalendarYear


class CalendarDayInline(ReadOnlyInline):
    model = CalendarDay
    fields = ["date", "working", "name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(PolicyDataAdmin):
    list_display = ["year", "edition_label", "status", "legal_source", "days", "loaded_at"]
    inlines = [CalendarDayInline]
    readonly_fields = ["year", "edition"]

    allow_add = True  # through the calendar file import (the same load action)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .select_related("edition", "edition__superseded_by")
            .annotate(day_count=Count("days"))
        )

    @admin.display(description=_("edition"))
    def edition_label(self, obj: CalendarYear) -> str:
        return obj.edition.label

    @admin.display(description=_("status"))
    def status(self, obj: CalendarYear) -> str:
        return obj.edition.status

    @admin.display(description=_("legal source"))
    def legal_source(self, obj: CalendarYear) -> str:
        return obj.edition.legal_source

    @admin.display(description=_("days off and working weekends"))
    def days(self, obj: CalendarYear) -> int:
        return int(getattr(obj, "day_count", 0))

    @admin.display(description=_("loaded at"))
    def loaded_at(self, obj: CalendarYear) -> Any:
        return obj.edition.loaded_at

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return policy_upload_view(
            self,
            request,
            expected_kind="calendar",
            title=str(_("Import a year's holiday arrangement")),
            success_url=reverse("admin:workdays_calendaryear_changelist"),
        )
