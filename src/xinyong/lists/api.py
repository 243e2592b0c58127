"""Public API of the lists (``/api/v1/lists/``): the list types in force and the list entries
for publicity. Read-only, anonymous — this is what the lists publish.

Decisions (docs/lists.md, "Publicity"): an entry is public while the subject is on the list,
i.e. in the states ``listed`` and ``suspended``; a suspended entry is shown with
``measures_suspended: true`` and the date, because the listing stands while the objection is
examined (seed 004 suspends the *measures*, not the listing). Natural persons appear with the
masked ID number only. Fields are listed one by one: a new column never leaks by itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from xinyong.lists.choices import CaseState, DocumentKind
from xinyong.lists.models import ListingCase, ListingDocument
from xinyong.lists.queries import list_types_in_force, public_entries
from xinyong.paging import PageNumber
from xinyong.workdays.errors import parse_date_param

router = Router()

PAGE_SIZE = 50


class DescribedItemOut(Schema):
    code: str
    zh: str
    en: str
    legal_source: str
    unconfirmed: bool


class EarlyRemovalOut(DescribedItemOut):
    after_months: int | None
    counted_from: str | None
    requires_commitment: bool
    removal_working_days: int | None


class ListTypeOut(Schema):
    code: str
    side: str
    name_zh: str
    name_en: str
    legal_basis: str
    domains: list[str]
    initiating_department_kinds: list[str]
    subject_kinds: list[str]
    term_months: int
    term_months_min: int
    term_months_max: int
    extension: dict[str, Any] | None
    early_removal: list[EarlyRemovalOut]
    removal_procedure: dict[str, Any]
    remedies: list[DescribedItemOut]
    prior_notice_required: bool
    objection_window_working_days: int | None
    objection_answer_working_days: int | None
    effective_from: date
    effective_to: date | None
    edition: str
    jurisdiction: str
    unconfirmed: bool
    note: str


@router.get("/types", response=list[ListTypeOut], summary="List types in force")
def list_types(
    request: HttpRequest, on: str | None = None, side: str | None = None
) -> list[dict[str, Any]]:
    """The list types in force on ``on`` (default today), serious lists first. Period
    overrides that are null mean the jurisdiction setting applies
    (``/api/v1/policy/settings/listing.objection_window_working_days``)."""
    day = parse_date_param(on, name="on") if on else timezone.localdate()
    return [
        {
            "code": t.code,
            "side": t.side,
            "name_zh": t.name_zh,
            "name_en": t.name_en,
            "legal_basis": t.legal_basis,
            "domains": t.domains,
            "initiating_department_kinds": t.initiating_department_kinds,
            "subject_kinds": t.subject_kinds,
            "term_months": t.term_months,
            "term_months_min": t.term_months_min,
            "term_months_max": t.term_months_max,
            "extension": t.extension,
            "early_removal": t.early_removal,
            "removal_procedure": t.removal_procedure,
            "remedies": t.remedies,
            "prior_notice_required": t.prior_notice_required,
            "objection_window_working_days": t.objection_window_working_days,
            "objection_answer_working_days": t.objection_answer_working_days,
            "effective_from": t.effective_from,
            "effective_to": t.effective_to,
            "edition": t.edition.label,
            "jurisdiction": t.jurisdiction,
            "unconfirmed": t.unconfirmed,
            "note": t.note,
        }
        for t in list_types_in_force(on=day, side=side)
    ]


class EntryOut(Schema):
    list_type: str
    list_type_name: str
    side: str
    subject_name: str
    subject_kind: str
    subject_identifier: str = Field(description="USCC, or the masked ID number of a person")
    department: str
    decision_number: str | None
    decision_date: date | None
    listed_on: date | None
    term_end: date | None
    measures_suspended: bool
    suspended_since: date | None


def _decision_number(case: ListingCase) -> str | None:
    decisions: list[ListingDocument] = getattr(case, "decisions", [])
    return decisions[0].number if decisions else None


class EntriesPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EntryOut]


@router.get("/entries", response=EntriesPage, summary="Public list entries")
def entries(request: HttpRequest, type: str | None = None, page: PageNumber = 1) -> dict[str, Any]:
    """Subjects currently on a list (``type`` = a list type code), newest first, 50 a page.
    Suspended entries are included and marked."""
    page = max(page, 1)
    qs = public_entries(type).prefetch_related(
        Prefetch(
            "documents",
            queryset=ListingDocument.objects.filter(kind=DocumentKind.DECISION)
            .only("pk", "case_id", "number", "kind")
            .order_by("-pk"),
            to_attr="decisions",
        )
    )
    count = qs.count()
    rows: list[ListingCase] = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "count": count,
        "page": page,
        "page_size": PAGE_SIZE,
        "results": [
            {
                "list_type": c.list_type_code,
                "list_type_name": c.list_type.name_zh,
                "side": c.list_type.side,
                "subject_name": c.subject.name,
                "subject_kind": c.subject.kind,
                "subject_identifier": c.subject.display_identifier,
                "department": c.initiating_department.name,
                "decision_number": _decision_number(c),
                "decision_date": c.decision_date,
                "listed_on": c.listed_on,
                "term_end": c.term_end,
                "measures_suspended": c.state == CaseState.SUSPENDED,
                "suspended_since": c.suspended_since,
            }
            for c in rows
        ],
    }
