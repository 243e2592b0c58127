"""Reads of objections and repair used by several callers (portal, console, API, checks).

``items_under_objection`` is the one answer to "is this shown as under objection?" (issue 5:
meanwhile the item is shown as under objection to checkers and in the portal): a record with
a pending objection here, a listing with a pending objection here or in the listing
procedure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from xinyong.lists.choices import ObjectionOutcome as ListOutcome
from xinyong.lists.models import ListingObjection
from xinyong.repair.actions._base import identifier_matches
from xinyong.repair.choices import OPEN_APPLICATION_STATES, ObjectionStatus
from xinyong.repair.models import Notification, Objection, RepairApplication
from xinyong.repair.permissions import restrict


@dataclass(frozen=True)
class UnderObjection:
    record_ids: frozenset[int] = field(default_factory=frozenset)
    listing_case_ids: frozenset[int] = field(default_factory=frozenset)

    def record(self, pk: int) -> bool:
        return pk in self.record_ids

    def listing(self, pk: int) -> bool:
        return pk in self.listing_case_ids


def items_under_objection(
    *,
    subject_ids: Iterable[int] | None = None,
    record_ids: Iterable[int] | None = None,
    listing_case_ids: Iterable[int] | None = None,
) -> UnderObjection:
    """Records and listing cases with an objection pending, limited to the given subjects,
    records or cases when given (two queries, whatever the number asked about)."""
    records = Objection.objects.filter(status=ObjectionStatus.PENDING, record__isnull=False)
    portal_listings = Objection.objects.filter(
        status__in=(ObjectionStatus.PENDING, ObjectionStatus.IN_LISTING_PROCEDURE),
        listing_case__isnull=False,
    )
    procedure = ListingObjection.objects.filter(outcome=ListOutcome.PENDING)
    if subject_ids is not None:
        ids = list(subject_ids)
        records = records.filter(subject_id__in=ids)
        portal_listings = portal_listings.filter(subject_id__in=ids)
        procedure = procedure.filter(case__subject_id__in=ids)
    if record_ids is not None:
        records = records.filter(record_id__in=list(record_ids))
    if listing_case_ids is not None:
        ids = list(listing_case_ids)
        portal_listings = portal_listings.filter(listing_case_id__in=ids)
        procedure = procedure.filter(case_id__in=ids)
    listing_ids = set(portal_listings.values_list("listing_case_id", flat=True))
    listing_ids |= set(procedure.values_list("case_id", flat=True))
    return UnderObjection(
        record_ids=frozenset(r for r in records.values_list("record_id", flat=True) if r),
        listing_case_ids=frozenset(i for i in listing_ids if i),
    )


def lookup_by_code(code: str, identifier: str) -> Objection | RepairApplication | None:
    """The objection or application with query ``code`` whose subject has ``identifier``;
    ``None`` for any mismatch (the page does not say which half was wrong)."""
    code = (code or "").strip().upper()
    model: Any = Objection if code.startswith("OB") else RepairApplication
    found = model.objects.select_related("subject").filter(query_code=code).first()
    if found is None or not identifier_matches(found.subject, identifier):
        return None
    result: Objection | RepairApplication = found
    return result


def subject_notifications(item: Objection | RepairApplication) -> QuerySet[Notification]:
    """What the subject was told about ``item``, oldest first."""
    if isinstance(item, Objection):
        rows = Notification.objects.filter(objection=item)
    else:
        rows = Notification.objects.filter(application=item)
    return rows.filter(recipient="subject").order_by("created_at", "pk")


@dataclass(frozen=True)
class Worklist:
    objections: list[Objection]
    applications: list[RepairApplication]


def worklist(
    user: Any, *, today: date, overdue_only: bool = False, due_only: bool = False
) -> Worklist:
    """Open objections and applications ``user`` may see, the most urgent first;
    ``overdue_only``: past their due date; ``due_only``: due today or overdue."""
    objections = restrict(Objection.objects.all(), user).filter(
        status__in=(ObjectionStatus.PENDING, ObjectionStatus.IN_LISTING_PROCEDURE)
    )
    applications = restrict(RepairApplication.objects.all(), user).filter(
        status__in=sorted(OPEN_APPLICATION_STATES)
    )
    if overdue_only:
        objections = objections.filter(answer_due_on__lt=today)
        applications = applications.filter(due_on__lt=today)
    elif due_only:
        objections = objections.filter(answer_due_on__lte=today)
        applications = applications.filter(due_on__lte=today)
    return Worklist(
        objections=list(
            objections.select_related("subject", "department", "record", "listing_case").order_by(
                "answer_due_on", "pk"
            )[:200]
        ),
        applications=list(
            applications.select_related("subject", "department", "record").order_by("due_on", "pk")[
                :200
            ]
        ),
    )
