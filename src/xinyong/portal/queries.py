"""Reads of public data for the portal: a subject, its published records, the lists it is
on, the list publicity pages, the sections of a credit report.

Why this exists: the subject page, the credit report, the search results' status and the
leak test must agree on what is public. Everything that leaves here is public:

- a subject: the public columns only (``.only``); the encrypted ID number and its hash are
  never loaded, so a template cannot print them by mistake;
- a record: active, of an item disclosed to the public, published (required or optional),
  inside its publication window today — :func:`public_record_q`, the queryset form of
  ``Record.is_published`` (a test checks that they agree). Withdrawn, expired, repaired,
  shared-only and not-disclosed records never appear; of a public record only the catalog
  fields marked public are shown, personal numbers masked;
- a listing: a case in ``listed`` or ``suspended`` (docs/decisions/0024), with the fields the
  public list API shows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from xinyong.catalog.errors import CatalogItemUnknown
from xinyong.catalog.queries import CatalogItemDef, catalog_item
from xinyong.core.models import Subject
from xinyong.lists.choices import CaseState, DocumentKind, ListSide
from xinyong.lists.models import ListingCase, ListingDocument
from xinyong.lists.queries import PUBLIC_STATES, public_entries
from xinyong.portal.search import (
    SEARCH_LIMIT,
    ListingBadge,
    SubjectHit,
    SubjectSearch,
    normalize_query,
    search_subjects,
)
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PUBLIC_SUBJECT_FIELDS",
    "SEARCH_LIMIT",
    "SubjectSearch",
    "normalize_query",
    "search_subjects",
]

# The columns a public page may use: what ``display_identifier`` and ``get_kind_display``
# read, the division, and nothing personal beyond the masked ID number.
PUBLIC_SUBJECT_FIELDS = ("id", "kind", "name", "uscc", "id_number_masked", "division")
#: Values of ``Record.published`` that mean "shown on the portal".
PUBLISHED = ("required", "optional")
LIST_PAGE_SIZE = 20


# --------------------------------------------------------------------------------------------
# Subjects
# --------------------------------------------------------------------------------------------


def public_subjects() -> QuerySet[Subject]:
    return Subject.objects.only(*PUBLIC_SUBJECT_FIELDS)


def subject_by_ref(ref: str) -> Subject | None:
    """The subject a portal address names: an 18-character unified social credit code, or
    the subject's number. Never an ID number (they are not public)."""
    ref = ref.strip()
    if ref.isdigit() and len(ref) < 18:
        return public_subjects().filter(pk=int(ref)).first()
    if len(ref) == 18:
        return public_subjects().filter(uscc=ref.upper()).first()
    return None


def subject_ref(subject: Subject | SubjectHit) -> str:
    return subject.uscc or str(subject.id)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def public_record_q(today: date | None = None) -> Q:
    """Records shown on the portal on ``today``: the queryset form of
    ``Record.is_published`` (active, public, published, inside the window)."""
    today = today or timezone.localdate()
    return (
        Q(status=RecordStatus.ACTIVE, disclosure="public", published__in=PUBLISHED)
        & (Q(publication_from__isnull=True) | Q(publication_from__lte=today))
        & (Q(publication_max_end__isnull=True) | Q(publication_max_end__gte=today))
    )


@dataclass(frozen=True)
class ShownField:
    code: str
    label: str
    value: str


@dataclass
class PublicRecord:
    """One published record as the portal shows it: public fields only, displayed."""

    id: int
    item_code: str
    item_name: str
    category: str
    record_kind: str
    local: bool  # from a provincial or local catalog supplement
    decision_number: str
    decision_date: date | None
    department: str
    published_until: date | None
    repair_possible_from: date | None
    fields: list[ShownField]
    under_objection: bool = False


def _item(code: str, on: date | None) -> CatalogItemDef | None:
    """The catalog item of a record: as in force on its decision date, else today."""
    for day in (on, timezone.localdate()):
        if day is None:
            continue
        try:
            return catalog_item(code, on=day)
        except CatalogItemUnknown:
            continue
    return None


def _shown(record: Record, item: CatalogItemDef | None, language: str) -> list[ShownField]:
    if item is None:
        return []
    values: dict[str, Any] = record.values or {}
    shown = []
    for f in item.fields:
        # Non-public fields (ID numbers …) never leave; the subject's own identifying fields
        # are on the page already.
        if not f.public or f.role in SUBJECT_ROLES:
            continue
        text = f.display(values.get(f.code), lang=language)
        if text:
            label = f.name_en if language.startswith("en") else f.name_zh
            shown.append(ShownField(f.code, label, text))
    return shown


#: Field roles that repeat the subject (shown once, at the top of the page).
SUBJECT_ROLES = frozenset(
    {
        "subject_name",
        "subject_category",
        "uscc",
        "business_reg_no",
        "org_code",
        "tax_reg_no",
        "public_institution_cert",
        "social_org_cert",
        "person_id_type",
        "person_id_number",
        "representative_id_type",
        "representative_id_number",
    }
)


def items_under_objection(subject: Subject) -> set[tuple[str, int]]:
    """``("record", id)`` and ``("listing", id)`` of what an objection is pending against,
    from ``xinyong.repair.queries.items_under_objection`` (a record with a pending objection,
    a listing with one there or in the listing procedure); none while that app is absent."""
    try:
        from xinyong.repair.queries import items_under_objection as from_repair
    except ImportError:  # pragma: no cover - the repair app is part of the project
        return set()
    found = from_repair(subject_ids=[subject.pk])
    return {("record", pk) for pk in found.record_ids} | {
        ("listing", pk) for pk in found.listing_case_ids
    }


def public_records(
    subject: Subject,
    *,
    language: str = "zh",
    today: date | None = None,
    objected: set[tuple[str, int]] | None = None,
) -> list[PublicRecord]:
    """The subject's records published today, newest decision first; ``objected`` from
    :func:`items_under_objection` (read when not given)."""
    rows = (
        Record.objects.filter(public_record_q(today), subject=subject)
        .select_related("department")
        .only(
            "id",
            "item_code",
            "record_kind",
            "decision_number",
            "decision_date",
            "values",
            "publication_min_end",
            "publication_max_end",
            "department__name",
        )
        .order_by("-decision_date", "-pk")
    )
    if objected is None:
        objected = items_under_objection(subject)
    result = []
    for record in rows:
        item = _item(record.item_code, record.decision_date)
        en = language.startswith("en")
        result.append(
            PublicRecord(
                id=record.pk,
                item_code=record.item_code,
                item_name=(item.name_en if en else item.name_zh) if item else record.item_code,
                category=item.category if item else "",
                record_kind=record.record_kind,
                local=bool(item and item.jurisdiction not in ("", "national")),
                decision_number=record.decision_number,
                decision_date=record.decision_date,
                department=record.department.name,
                published_until=record.publication_max_end,
                repair_possible_from=record.publication_min_end,
                fields=_shown(record, item, language),
                under_objection=("record", record.pk) in objected,
            )
        )
    return result


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


@dataclass
class PublicEntry:
    """One list entry as published (the fields of ``GET /api/v1/lists/entries``)."""

    id: int
    list_type_code: str
    list_type_name: str
    side: str
    legal_basis: str
    subject_id: int
    subject_ref: str
    subject_name: str
    subject_kind: str
    subject_identifier: str
    department: str
    decision_number: str | None
    decision_date: date | None
    listed_on: date | None
    term_end: date | None
    measures_suspended: bool
    suspended_since: date | None
    under_objection: bool = False


def _decisions() -> Prefetch:
    return Prefetch(
        "documents",
        queryset=ListingDocument.objects.filter(kind=DocumentKind.DECISION)
        .only("pk", "case_id", "number", "kind")
        .order_by("-pk"),
        to_attr="decisions",
    )


def _entry(case: ListingCase, language: str) -> PublicEntry:
    decisions: list[ListingDocument] = getattr(case, "decisions", [])
    list_type = case.list_type
    en = language.startswith("en")
    subject = case.subject
    return PublicEntry(
        id=case.pk,
        list_type_code=case.list_type_code,
        list_type_name=(list_type.name_en if en and list_type.name_en else list_type.name_zh),
        side=list_type.side,
        legal_basis=list_type.legal_basis,
        subject_id=subject.pk,
        subject_ref=subject_ref(subject),
        subject_name=subject.name,
        subject_kind=str(subject.get_kind_display()),
        subject_identifier=subject.display_identifier,
        department=case.initiating_department.name,
        decision_number=decisions[0].number if decisions else None,
        decision_date=case.decision_date,
        listed_on=case.listed_on,
        term_end=case.term_end,
        measures_suspended=case.state == CaseState.SUSPENDED,
        suspended_since=case.suspended_since,
    )


def _public_cases() -> QuerySet[ListingCase]:
    return (
        public_entries()
        .select_related(None)
        .select_related("list_type", "initiating_department", "subject")
        .only(
            "id",
            "state",
            "list_type_code",
            "decision_date",
            "listed_on",
            "term_end",
            "suspended_since",
            "list_type__name_zh",
            "list_type__name_en",
            "list_type__side",
            "list_type__legal_basis",
            "initiating_department__name",
            "initiating_department__division",
            *(f"subject__{f}" for f in PUBLIC_SUBJECT_FIELDS),
        )
        .prefetch_related(_decisions())
    )


def subject_listings(
    subject: Subject, *, language: str = "zh", objected: set[tuple[str, int]] | None = None
) -> list[PublicEntry]:
    """The lists the subject is on now, newest first."""
    if objected is None:
        objected = items_under_objection(subject)
    entries = [_entry(c, language) for c in _public_cases().filter(subject=subject)]
    for e in entries:
        e.under_objection = e.measures_suspended or ("listing", e.id) in objected
    return entries


def attach_status(hits: Iterable[SubjectHit]) -> None:
    """Fill each search hit's lists and count of published records (two queries)."""
    by_id = {h.id: h for h in hits}
    if not by_id:
        return
    cases = (
        ListingCase.objects.filter(subject_id__in=by_id, state__in=PUBLIC_STATES)
        .order_by("list_type_code", "pk")
        .values_list(
            "subject_id", "list_type_code", "list_type__name_zh", "list_type__name_en",
            "list_type__side", "state",
        )
    )  # fmt: skip
    for subject_id, code, name_zh, name_en, side, state in cases:
        by_id[subject_id].listings.append(
            ListingBadge(code, name_zh, name_en, side, state == CaseState.SUSPENDED)
        )
    counts = (
        Record.objects.filter(public_record_q(), subject_id__in=by_id)
        .values("subject_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counts:
        by_id[row["subject_id"]].public_records = row["n"]


@dataclass(frozen=True)
class EntryFilter:
    """Filters of the list publicity page; empty values mean "any"."""

    side: str = ListSide.SERIOUS
    list_type: str = ""
    division: str = ""  # GB/T 2260 code of the listing department's division (or a parent)
    listed_from: date | None = None
    listed_to: date | None = None
    q: str = ""


def division_prefix(code: str) -> str:
    """``330100`` → ``3301`` (the city and its districts); ``330000`` → ``33``."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def list_entries(
    flt: EntryFilter, *, page: int = 1, language: str = "zh"
) -> tuple[Page[ListingCase], list[PublicEntry]]:
    """A page of public entries of one side of the lists, newest first."""
    qs = _public_cases().filter(list_type__side=flt.side)
    if flt.list_type:
        qs = qs.filter(list_type_code=flt.list_type)
    if flt.division:
        qs = qs.filter(initiating_department__division__startswith=division_prefix(flt.division))
    if flt.listed_from:
        qs = qs.filter(listed_on__gte=flt.listed_from)
    if flt.listed_to:
        qs = qs.filter(listed_on__lte=flt.listed_to)
    if flt.q:
        qs = qs.filter(subject__name__contains=normalize_query(flt.q))
    paginator = Paginator(qs, LIST_PAGE_SIZE)
    current = paginator.get_page(page)
    return current, [_entry(c, language) for c in current.object_list]


def listing_divisions() -> list[str]:
    """Divisions of departments that have public entries (for the filter)."""
    return sorted(
        set(
            ListingCase.objects.filter(state__in=PUBLIC_STATES).values_list(
                "initiating_department__division", flat=True
            )
        )
    )


# --------------------------------------------------------------------------------------------
# The subject page and the credit report
# --------------------------------------------------------------------------------------------

#: Sections of the public credit report (national report standard 2022, RULES §6), in
#: order, with the catalog categories each one holds. "advice" is written by us; "local"
#: holds items of provincial and local catalog supplements.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("administrative", ("administrative",)),
    ("honesty", ("honour",)),
    ("serious", ("serious-dishonesty",)),
    ("abnormal", ("abnormal-operation",)),
    ("commitments", ("commitment",)),
    ("evaluations", ("evaluation",)),
    ("judicial", ("judicial",)),
    ("other", ()),
    ("advice", ()),
    ("local", ()),
]
_CATEGORY_SECTION = {c: key for key, cats in SECTIONS for c in cats}


@dataclass
class SubjectProfile:
    """Everything public about a subject today, grouped in the report's sections."""

    subject: Subject
    today: date
    records: list[PublicRecord]
    listings: list[PublicEntry]
    sections: dict[str, list[PublicRecord]] = field(default_factory=dict)

    @property
    def serious_listings(self) -> list[PublicEntry]:
        return [e for e in self.listings if e.side == ListSide.SERIOUS]

    @property
    def red_listings(self) -> list[PublicEntry]:
        return [e for e in self.listings if e.side == ListSide.RED]

    @property
    def penalties(self) -> list[PublicRecord]:
        return [r for r in self.records if r.record_kind == "penalty"]

    def section_count(self, key: str) -> int:
        extra = {"serious": len(self.serious_listings), "honesty": len(self.red_listings)}
        return len(self.sections.get(key, [])) + extra.get(key, 0)


def subject_profile(
    subject: Subject, *, language: str = "zh", today: date | None = None
) -> SubjectProfile:
    today = today or timezone.localdate()
    objected = items_under_objection(subject)
    records = public_records(subject, language=language, today=today, objected=objected)
    listings = subject_listings(subject, language=language, objected=objected)
    profile = SubjectProfile(subject, today, records, listings)
    grouped: dict[str, list[PublicRecord]] = defaultdict(list)
    for r in records:
        key = "local" if r.local else _CATEGORY_SECTION.get(r.category, "other")
        grouped[key].append(r)
    profile.sections = dict(grouped)
    return profile
