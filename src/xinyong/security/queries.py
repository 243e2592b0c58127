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
from xinyong.core.permissions import ScopeRule, department_scope, restrict
from xinyong.security.models import AccessRecord

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


#: Who sees which rows of the register (``core.permissions.restrict``, STYLE.md §7).
REGISTER_RULES = {
    "view": ScopeRule(
        roles=frozenset({Role.AUDITOR}),
        oversight_kinds=frozenset({DepartmentKind.CREDIT_OFFICE}),
        descendants=True,
    ),
}


def register_departments(user: User) -> list[str] | None:
    """Department codes whose records ``user`` may see; None means all, [] none."""
    allowed = department_scope(user, REGISTER_RULES["view"])
    if allowed is None:
        return None
    return sorted(Department.objects.filter(pk__in=allowed).values_list("code", flat=True))


def register_visible_to(user: User) -> QuerySet[AccessRecord]:
    return restrict(
        AccessRecord.objects.all(), user, "view", rules=REGISTER_RULES, field="department_code"
    )


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


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the platform's time zone (Asia/Shanghai), as an aware datetime."""
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
        records = records.filter(accessed_at__gte=local_midnight(query.date_from))
    if query.date_to:
        records = records.filter(accessed_at__lt=local_midnight(query.date_to + timedelta(days=1)))
    return records.order_by("-accessed_at", "-pk")
