"""Reads of subject self-service: a subject's own full record and who checked it.

Why this exists: a subject may see what the platform holds about it (个人信息保护法 art. 45,
the right of access; seed 003: 信息主体有权查询自身信用信息) and the uses other bodies made
of it (issue 7: "subject X sees the same list in the portal" as the auditor's search).

Everything here is about one subject, the one logged in (``selfservice_auth``); every query
filters by that subject's id, so no other subject's row can appear. What is shown
(docs/portal.md, "Self-service"):

- **records**: all of them, whatever their status and disclosure, with their publication
  status and window; of their content only the catalog's public fields (the same display
  as the subject page): a record can name other people (a legal representative's ID
  number), whose data is not the subject's to read here;
- **listings**: every case past the draft (the prior notice was served on the subject);
- **objections and repair applications**, with their status and query codes;
- **who checked me**: the query-register rows about the subject — department, purpose,
  legal basis, kind of read and date — not the staff member or the token (the register
  keeps them for the auditor; a subject learns which body used its data and why, which is
  what 个人信息保护法 art. 17/44 require, while staff are not exposed to the subject).

Reading these pages is the subject's own access, not a use by a third party: it writes no
query-register row (it would then show up as "someone checked me"); the log-in is audited
instead (event 8903).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from xinyong.catalog.choices import Disclosure
from xinyong.core.models import Subject
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.portal.queries import ShownField, _item, _shown, items_under_objection
from xinyong.records.models import Record
from xinyong.repair.models import Objection, RepairApplication
from xinyong.security.choices import LegalBasis
from xinyong.security.models import AccessRecord


@dataclass(frozen=True)
class OwnRecord:
    id: int
    item_name: str
    decision_number: str
    decision_date: date | None
    department: str
    status: str
    disclosure: str
    published_now: bool
    publication_from: date | None
    publication_min_end: date | None
    publication_max_end: date | None
    fields: list[ShownField]
    under_objection: bool


@dataclass(frozen=True)
class CheckEntry:
    """One row of "who checked me"."""

    accessed_at: datetime
    department: str
    department_code: str
    purpose: str
    legal_basis: str
    basis_reference: str
    kind: str


@dataclass(frozen=True)
class OwnFile:
    subject: Subject
    records: list[OwnRecord]
    listings: list[ListingCase]
    objections: list[Objection]
    applications: list[RepairApplication]
    checks: list[CheckEntry]


def own_records(subject: Subject, *, language: str) -> list[OwnRecord]:
    """Every record of ``subject``, newest decision first, with its publication status."""
    objected = items_under_objection(subject)
    records = (
        Record.objects.filter(subject_id=subject.pk)
        .select_related("department")
        .order_by("-decision_date", "-pk")
    )
    en = language.startswith("en")
    disclosures = dict(Disclosure.choices)
    result = []
    for record in records:
        item = _item(record.item_code, record.decision_date)
        result.append(
            OwnRecord(
                id=record.pk,
                item_name=(item.name_en if en else item.name_zh) if item else record.item_code,
                decision_number=record.decision_number,
                decision_date=record.decision_date,
                department=record.department.name,
                status=record.get_status_display(),
                disclosure=str(disclosures.get(record.disclosure, record.disclosure)),
                published_now=record.is_published,
                publication_from=record.publication_from,
                publication_min_end=record.publication_min_end,
                publication_max_end=record.publication_max_end,
                fields=_shown(record, item, language),
                under_objection=("record", record.pk) in objected,
            )
        )
    return result


def own_listings(subject: Subject) -> list[ListingCase]:
    """The subject's listing cases past the draft (current and past), newest first."""
    return list(
        ListingCase.objects.filter(subject_id=subject.pk)
        .exclude(state=CaseState.DRAFT)
        .select_related("list_type", "initiating_department")
        .order_by("-pk")
    )


def checks_of(subject: Subject) -> QuerySet[AccessRecord]:
    """The query-register rows about ``subject``: those naming it by id, and those naming its
    unified social credit code without an id (a check made before the platform knew it).
    The same rows a credit-office auditor finds searching the register for the subject's
    code (``xinyong.security.queries.search_register``)."""
    match = Q(subject_id=subject.pk)
    if subject.uscc:
        match |= Q(subject_id__isnull=True, subject_code=subject.uscc)
    return AccessRecord.objects.filter(match).order_by("-accessed_at", "-pk")


#: What kind of read a register row is, by its object type (others: "other access").
KINDS = {
    "checks.check": "check",
    "checks.as_of": "check",
    "records.record": "record",
    "core.subject": "personal",
    "security.accessrecord": "export",
}


def who_checked_me(subject: Subject) -> list[CheckEntry]:
    bases = dict(LegalBasis.choices)
    return [
        CheckEntry(
            accessed_at=row.accessed_at,
            department=row.department_name,
            department_code=row.department_code,
            purpose=row.purpose,
            legal_basis=str(bases.get(row.legal_basis, row.legal_basis)),
            basis_reference=row.basis_reference,
            kind=KINDS.get(row.object_type, "other"),
        )
        for row in checks_of(subject).only(
            "accessed_at",
            "department_name",
            "department_code",
            "purpose",
            "legal_basis",
            "basis_reference",
            "object_type",
        )
    ]


def own_file(subject: Subject, *, language: str) -> OwnFile:
    return OwnFile(
        subject=subject,
        records=own_records(subject, language=language),
        listings=own_listings(subject),
        objections=list(
            Objection.objects.filter(subject_id=subject.pk)
            .select_related("department")
            .order_by("-received_on", "-pk")
        ),
        applications=list(
            RepairApplication.objects.filter(subject_id=subject.pk)
            .select_related("department", "record")
            .order_by("-submitted_on", "-pk")
        ),
        checks=who_checked_me(subject),
    )
