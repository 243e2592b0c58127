"""Reads of the lists domain used by more than one caller: list types in force on a date,
the deadlines a jurisdiction sets for the procedure, public list entries.

Why this exists: the procedure, the measures app, the API and the console all ask "which list
type rule applies on date D" and "how many working days does the party have here"; the answer
must be the same everywhere (most local edition in force wins; a list type's own period
overrides the jurisdiction setting — seed 000: 有关部门对核实时间另有规定的，从其规定).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from xinyong.lists.choices import CaseState, ListSide
from xinyong.lists.errors import ListTypeNotFound
from xinyong.lists.models import ListingCase, ListType
from xinyong.policy.choices import JURISDICTION_LEVEL
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.models import in_force_q

#: States in which a subject is on a list (shown on the public list; suspended ones marked).
PUBLIC_STATES = (CaseState.LISTED, CaseState.SUSPENDED)

#: Jurisdiction settings the procedure reads (declared in policy.jurisdiction_settings).
WINDOW_SETTING = "listing.objection_window_working_days"
ANSWER_SETTING = "listing.objection_answer_working_days"
LISTED_ANSWER_SETTING = "objection.answer_working_days"
PUBLICATION_SETTING = "listing.publication_working_days"


def _in_force(on: date) -> Q:
    return (
        in_force_q(on, "edition__")
        & Q(effective_from__lte=on)
        & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))
    )


def _best(rows: list[ListType]) -> ListType:
    rows.sort(
        key=lambda r: (JURISDICTION_LEVEL[r.jurisdiction], r.effective_from, r.pk), reverse=True
    )
    return rows[0]


def list_type_for(code: str, *, on: date) -> ListType:
    """The rule of list type ``code`` in force on ``on`` (most local edition wins); raises
    ``LIST_TYPE_NOT_FOUND``."""
    rows = list(ListType.objects.filter(_in_force(on), code=code).select_related("edition"))
    if not rows:
        raise ListTypeNotFound(
            message_zh=(
                f"{on.isoformat()} 没有有效的名单类型 {code!r}"
                "（是否尚未运行 xinyong policy load？）。"
            ),
            message_en=(
                f"no list type {code!r} is in force on {on.isoformat()} "
                "(were the policy files loaded with `xinyong policy load`?)."
            ),
            list_type=code,
            on=on.isoformat(),
        )
    return _best(rows)


def list_types_in_force(*, on: date, side: str | None = None) -> list[ListType]:
    """Every list type in force on ``on`` (one row per code, the most local), by side and
    code."""
    rows = ListType.objects.filter(_in_force(on)).select_related("edition")
    if side is not None:
        rows = rows.filter(side=side)
    by_code: dict[str, list[ListType]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    chosen = [_best(r) for r in by_code.values()]
    chosen.sort(key=lambda r: (r.side != ListSide.SERIOUS, r.code))
    return chosen


@dataclass(frozen=True)
class Period:
    """A number of working days and where it comes from (a list type or a setting)."""

    working_days: int
    source: str  # "list_type:<code>@<edition>" or "setting:<key>@<edition>"
    legal_source: str
    unconfirmed: bool


def _setting_period(key: str, on: date) -> Period:
    s = policy_setting(key, on=on)
    return Period(int(s.value), f"setting:{key}@{s.edition}", s.legal_source, s.unconfirmed)


def objection_window(list_type: ListType, *, on: date) -> Period:
    """Working days the party has to object after the prior notice."""
    if list_type.objection_window_working_days:
        return Period(
            list_type.objection_window_working_days,
            f"list_type:{list_type.code}@{list_type.edition.label}",
            list_type.legal_basis,
            list_type.unconfirmed,
        )
    return _setting_period(WINDOW_SETTING, on)


def objection_answer_period(list_type: ListType, *, on: date, listed: bool) -> Period:
    """Working days to verify and answer an objection: before listing the listing setting
    (seed 000: 3; seed 003: 10) unless the list type's own rule says otherwise; after listing
    the general objection setting."""
    if not listed and list_type.objection_answer_working_days:
        return Period(
            list_type.objection_answer_working_days,
            f"list_type:{list_type.code}@{list_type.edition.label}",
            list_type.legal_basis,
            list_type.unconfirmed,
        )
    return _setting_period(LISTED_ANSWER_SETTING if listed else ANSWER_SETTING, on)


def publication_period(*, on: date) -> Period:
    """Working days between the decision and its entry on the list."""
    return _setting_period(PUBLICATION_SETTING, on)


def public_entries(list_type_code: str | None = None) -> QuerySet[ListingCase]:
    """Cases currently on a list (listed, or listed with measures suspended), for publicity."""
    qs = ListingCase.objects.filter(state__in=PUBLIC_STATES)
    if list_type_code:
        qs = qs.filter(list_type_code=list_type_code)
    return qs.select_related("subject", "initiating_department", "list_type").order_by(
        "-listed_on", "-pk"
    )
