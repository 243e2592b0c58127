"""Admin pages of the lists: list types (policy data, read-only — a change is a new edition)
and listing cases (read-only for platform administrators; cases change only through the
procedure's actions, from the console)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinyong.core.adminbase import PolicyDataAdmin, ReadOnlyInline
from xinyong.lists.models import (
    LeniencyAssessment,
    ListingCase,
    ListingDocument,
    ListingObjection,
    ListType,
    SuspensionInterval,
)


@admin.register(ListType)
class ListTypeAdmin(PolicyDataAdmin):
    list_display = [
        "code",
        "name_zh",
        "side",
        "term_months",
        "prior_notice_required",
        "effective_from",
        "edition_label",
        "status",
        "unconfirmed",
    ]
    list_filter = ["side", "unconfirmed", "jurisdiction"]
    search_fields = ["code", "name_zh", "name_en", "legal_basis"]
    readonly_fields = [f.name for f in ListType._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListType]:
        return super().get_queryset(request).select_related("edition", "edition__superseded_by")

    @admin.display(description=_("edition"))
    def edition_label(self, obj: ListType) -> str:
        return obj.edition.label

    @admin.display(description=_("status"))
    def status(self, obj: ListType) -> str:
        return obj.edition.status


class ObjectionInline(ReadOnlyInline):
    model = ListingObjection
    fields = ["stage", "received_on", "answer_due_on", "outcome", "answered_on", "answer"]


class SuspensionInline(ReadOnlyInline):
    model = SuspensionInterval
    fields = ["since", "until", "days", "term_end_before", "term_end_after"]


class LeniencyInline(ReadOnlyInline):
    model = LeniencyAssessment
    fields = ["considered", "grounds_found", "outcome", "conclusion", "assessed_on"]


class DocumentInline(ReadOnlyInline):
    model = ListingDocument
    fields = ["kind", "number", "issued_on", "sha256", "size"]


@admin.register(ListingCase)
class ListingCaseAdmin(PolicyDataAdmin):
    list_display = ["reference", "list_type_code", "subject", "state", "due_kind", "due_on"]
    list_filter = ["state", "list_type_code"]
    search_fields = ["subject__name", "subject__uscc", "basis_document_number"]
    inlines = [ObjectionInline, SuspensionInline, LeniencyInline, DocumentInline]
    exclude = ["measures_snapshot"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ListingCase]:
        return super().get_queryset(request).select_related("subject")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ListingCase._meta.fields if f.name != "measures_snapshot"]
