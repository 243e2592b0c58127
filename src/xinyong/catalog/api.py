"""API of the catalog (``/api/v1/catalog/``): the items that may be recorded on a date and one
item's metadata with its typed fields and code lists. Public and read-only: the catalog is
published policy (RULES §5). Thin layer over ``xinyong.catalog.queries``; schemas list their
fields explicitly so that a new column never leaks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from xinyong.catalog.queries import CatalogItemDef, catalog_item, items_in_force
from xinyong.workdays.errors import parse_date_param

router = Router()


class ItemSummaryOut(Schema):
    code: str
    name_zh: str
    name_en: str
    category: str
    category_zh: str
    category_en: str
    record_kind: str
    legal_basis: str
    disclosure: str
    sharing_scope: list[str]
    publication_rule: dict[str, Any]
    reporting_deadline_working_days: int
    subject_kinds: list[str]
    reporter_kinds: list[str]
    reporter_codes: list[str]
    requires_legal_document: bool
    edition: str
    jurisdiction: str
    unconfirmed: bool
    note: str


class FieldOut(Schema):
    code: str
    name_zh: str
    name_en: str
    type: str
    required: bool
    required_for_kinds: list[str]
    max_length: int | None
    code_list: str | None
    public: bool
    description: str
    role: str | None


class CodeEntryOut(Schema):
    code: str
    name_zh: str
    name_en: str
    aliases: list[str]
    decisions_from: date | None
    decisions_to: date | None
    counterparts: list[str]


class CodeListOut(Schema):
    code: str
    name_zh: str
    name_en: str
    legal_source: str
    unconfirmed: bool
    note: str
    entries: list[CodeEntryOut]


class ItemOut(ItemSummaryOut):
    on: date
    key_field: str
    date_field: str
    fields: list[FieldOut]
    code_lists: list[CodeListOut]


def _on(on: str | None) -> date:
    return parse_date_param(on, name="on") if on else timezone.localdate()


def _summary(item: CatalogItemDef) -> dict[str, Any]:
    data = item.as_dict()
    data.pop("fields")
    return data


@router.get("/items", response=list[ItemSummaryOut], summary="Catalog items in force on a date")
def list_items(request: HttpRequest, on: str | None = None) -> list[dict[str, Any]]:
    """Every item that may be recorded on ``on`` (default today): the national edition's items,
    then the supplements'. ``DATE_INVALID`` (422) for a bad date."""
    return [_summary(item) for item in items_in_force(on=_on(on))]


@router.get("/items/{code}", response=ItemOut, summary="One catalog item with its fields")
def get_item(request: HttpRequest, code: str, on: str | None = None) -> dict[str, Any]:
    """The item ``code`` in the catalog in force on ``on`` (default today), with its typed
    fields and the code lists they use. ``CATALOG_ITEM_UNKNOWN`` (404) when it is not in the
    catalog on that date."""
    day = _on(on)
    item = catalog_item(code, on=day)
    lists = {f.code_list.code: f.code_list for f in item.fields if f.code_list is not None}
    return {
        **_summary(item),
        "on": day,
        "fields": [f.as_dict() for f in item.fields],
        "code_lists": [cl.as_dict() for cl in lists.values()],
    }
