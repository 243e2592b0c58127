"""Admin pages of the measure lists and memoranda (policy data, read-only: a change is a new
edition loaded through the audited load action)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinyong.core.adminbase import PolicyDataAdmin, ReadOnlyInline
from xinyong.measures.models import Measure, Memorandum, MemorandumLink


@admin.register(Measure)
class MeasureAdmin(PolicyDataAdmin):
    list_display = ["code", "name_zh", "measure_class", "side", "list_scope", "edition_label",
                    "unconfirmed"]  # fmt: skip
    list_filter = ["side", "list_scope", "measure_class", "unconfirmed"]
    search_fields = ["code", "name_zh", "name_en", "legal_basis"]
    readonly_fields = [f.name for f in Measure._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Measure]:
        return super().get_queryset(request).select_related("edition")

    @admin.display(description=_("edition"))
    def edition_label(self, obj: Measure) -> str:
        return obj.edition.label


class LinkInline(ReadOnlyInline):
    model = MemorandumLink
    fields = ["list_type_code", "measure_code", "implementing_department_kinds",
              "implementing_department_codes", "note"]  # fmt: skip


@admin.register(Memorandum)
class MemorandumAdmin(PolicyDataAdmin):
    list_display = ["code", "name_zh", "legal_source", "edition_label", "unconfirmed"]
    search_fields = ["code", "name_zh", "legal_source"]
    readonly_fields = [f.name for f in Memorandum._meta.fields]
    inlines = [LinkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Memorandum]:
        return super().get_queryset(request).select_related("edition")

    @admin.display(description=_("edition"))
    def edition_label(self, obj: Memorandum) -> str:
        return obj.edition.label
