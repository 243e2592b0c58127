"""Read-only admin pages for catalog items and code lists.

Why this exists: staff need to look up what an item requires (fields, types, required rules,
disclosure, periods, reporters) next to the other admin pages. The catalog changes only by
loading a new edition (a reviewed file, or a supplement pasted under 政策数据 → Policy
editions), so there is no add, change or delete here.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.models import CatalogCodeList, CatalogItem

_ITEM_FIELDS = ("code", "name_zh", "name_en", "edition_label", "category_zh", "record_kind",
                "legal_basis", "disclosure", "sharing_scope", "publication_rule",
                "reporting_deadline_working_days", "subject_kinds", "reporter_kinds",
                "reporter_codes", "requires_legal_document", "key_field", "date_field",
                "jurisdiction", "note", "unconfirmed", "fields_table")  # fmt: skip
_LIST_FIELDS = ("code", "name_zh", "name_en", "edition_label", "legal_source", "note",
                "unconfirmed", "entries_display")  # fmt: skip


def _is_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to active staff; nothing can be added, changed or deleted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogItem)
class CatalogItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "edition_label", "category_zh", "record_kind",
                    "disclosure", "reporting_deadline_working_days", "jurisdiction"]  # fmt: skip
    list_filter = ["jurisdiction", "record_kind", "disclosure", "edition__edition"]
    search_fields = ["code", "name_zh", "name_en", "legal_basis"]
    list_select_related = ["edition"]
    fields = _ITEM_FIELDS
    readonly_fields = _ITEM_FIELDS

    @admin.display(description=_("edition"), ordering="edition__edition")
    def edition_label(self, obj: CatalogItem) -> str:
        return obj.edition.label

    @admin.display(description=_("fields"))
    def fields_table(self, obj: CatalogItem) -> str:
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    f["code"],
                    f["name_zh"],
                    f["name_en"],
                    f["type"],
                    "是" if f["required"] else ", ".join(f["required_for_kinds"]),
                    f["code_list"] or "",
                    f["role"] or "",
                )
                for f in obj.fields
            ),
        )
        return format_html(
            "<table><thead><tr><th>code</th><th>名称</th><th>name</th><th>type</th>"
            "<th>required</th><th>code list</th><th>role</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


@admin.register(CatalogCodeList)
class CatalogCodeListAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "edition_label", "unconfirmed"]
    list_filter = ["edition__code", "edition__edition"]
    list_select_related = ["edition"]
    fields = _LIST_FIELDS
    readonly_fields = _LIST_FIELDS

    @admin.display(description=_("edition"), ordering="edition__edition")
    def edition_label(self, obj: CatalogCodeList) -> str:
        return obj.edition.label

    @admin.display(description=_("entries"))
    def entries_display(self, obj: CatalogCodeList) -> str:
        text = json.dumps(obj.entries, ensure_ascii=False, indent=1)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)
