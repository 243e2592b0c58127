"""Reads of the security domain: the query register as an auditor may see and search it.

Department scope is data (STYLE.md §7): an auditor who holds the role in a credit office
sees the whole register (the office supervises every department's queries, seed 000
§3(1): 登记台帐和审核制度); an auditor elsewhere sees the records of their own department and
of the departments below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from xinyong.core import crypto
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.permissions import departments_with_role
from xinyong.security.models import AccessRecord

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


def register_departments(user: User) -> list[str] | None:
    """Department codes whose records ``user`` may see; None means all, [] none."""
    held = departments_with_role(user, Role.AUDITOR)
    if any(d.kind == DepartmentKind.CREDIT_OFFICE for d in held):
        return None
    codes: set[str] = set()
    frontier = [d.pk for d in held]
    seen: set[int] = set()
    while frontier:
        seen.update(frontier)
        rows = list(Department.objects.filter(pk__in=frontier).values_list("pk", "code"))
        codes.update(code for _pk, code in rows)
        frontier = [
            pk
            for pk in Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in seen
        ]
    return sorted(codes)


def register_visible_to(user: User) -> QuerySet[AccessRecord]:
    codes = register_departments(user)
    records = AccessRecord.objects.all()
    return records if codes is None else records.filter(department_code__in=codes)


@dataclass(frozen=True)
class RegisterQuery:
    """One search of the register; empty criteria are not applied."""

    subject: str = ""
    user: str = ""
    department: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in (
                ("subject", self.subject),
                ("user", self.user),
                ("department", self.department),
                ("date_from", self.date_from or ""),
                ("date_to", self.date_to or ""),
            )
            if value
        }


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _subject_filter(text: str) -> Q:
    text = text.strip()
    code = text.upper().replace(" ", "")
    subjects = Q(name__icontains=text) | Q(names__name__icontains=text) | Q(uscc=code)
    subjects |= Q(identifiers__value=code)
    if _RESIDENT_ID.match(code):
        # A full ID number is found through its keyed hash (it is never stored in clear).
        subjects |= Q(id_number_hash=crypto.lookup_hash("id01", code))
    ids = Subject.objects.filter(subjects).values("pk")
    return Q(subject_id__in=ids) | Q(subject_name__icontains=text) | Q(subject_code=code)


def search_register(user: User, query: RegisterQuery) -> QuerySet[AccessRecord]:
    """The visible records matching every given criterion, newest first."""
    records = register_visible_to(user)
    if query.subject.strip():
        records = records.filter(_subject_filter(query.subject))
    if query.user.strip():
        records = records.filter(actor_label__icontains=query.user.strip())
    if query.department.strip():
        text = query.department.strip()
        records = records.filter(
            Q(department_code=text.upper()) | Q(department_name__icontains=text)
        )
    if query.date_from:
        records = records.filter(accessed_at__gte=_local_midnight(query.date_from))
    if query.date_to:
        records = records.filter(accessed_at__lt=_local_midnight(query.date_to + timedelta(days=1)))
    return records.order_by("-accessed_at", "-pk")
