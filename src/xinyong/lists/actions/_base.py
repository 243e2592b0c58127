"""Shared steps of the listing actions: lock the case, check the declared transition and the
actor, set deadlines, finish the transition with its audit event.

Lock order (STYLE §6): the case row first (``select_for_update(of=("self",))``), then rows that
hang off it (objections, suspension intervals, alarms), then document counters. Every action
that changes a case takes the case lock before reading the state it decides on, so two
concurrent transitions cannot both win: the second one reads the state the first one wrote
and is refused with ``LISTING_TRANSITION_INVALID`` (or ``LISTING_STALE`` when it carried the
version its form was shown with).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.lists.choices import CaseState, DueKind
from xinyong.lists.errors import ListingCaseNotFound, ListingStale, conflict, refused
from xinyong.lists.models import ListingCase
from xinyong.lists.permissions import check_may_fire
from xinyong.lists.procedure import Transition, check_transition, transition
from xinyong.workdays.queries import add_working_days_result


def today_local() -> date:
    """Today in Asia/Shanghai (legal dates are calendar days there)."""
    return timezone.localdate()


def lock_case(case: ListingCase | int, action: str, *, acting_user: User | None,
              expected_version: int | None = None) -> tuple[ListingCase, Transition]:  # fmt: skip
    """Lock the case row, then check (in this order) the actor, the version the caller saw and
    the declared transition. Returns the locked, fresh case and the transition."""
    pk = case.pk if isinstance(case, ListingCase) else case
    try:
        locked = (
            ListingCase.objects.select_for_update(of=("self",))
            .select_related("list_type", "list_type__edition", "subject", "initiating_department")
            .get(pk=pk)
        )
    except ListingCase.DoesNotExist:
        raise ListingCaseNotFound(
            message_zh=f"名单认定案件 {pk} 不存在。",
            message_en=f"listing case {pk} does not exist.",
        ) from None
    check_may_fire(acting_user, locked, transition(action))
    if expected_version is not None and locked.version != expected_version:
        raise ListingStale(
            message_zh=(
                f"案件 {locked.reference} 已被他人更新（当前状态：{locked.get_state_display()}），"
                "请刷新页面后重试。"
            ),
            message_en=(
                f"case {locked.reference} was changed meanwhile (now {locked.state}); reload "
                "the page and try again."
            ),
            expected_version=expected_version,
            version=locked.version,
            state=locked.state,
        )
    return locked, check_transition(locked.state, action)


def check_legal_date(value: date, *, name: str, today: date, not_before: date | None = None,
                     not_before_name: str = "") -> date:  # fmt: skip
    """A legal date of a step: not in the future, not before the step it follows."""
    if value > today:
        raise refused(
            "LISTING_DATE_IN_FUTURE",
            f"{name}（{value.isoformat()}）不能晚于今天（{today.isoformat()}）。",
            f"{name} ({value.isoformat()}) cannot be after today ({today.isoformat()}).",
            field=name,
        )
    if not_before is not None and value < not_before:
        raise refused(
            "LISTING_DATE_ORDER",
            f"{name}（{value.isoformat()}）不能早于{not_before_name}（{not_before.isoformat()}）。",
            f"{name} ({value.isoformat()}) cannot be before {not_before_name} "
            f"({not_before.isoformat()}).",
            field=name,
        )
    return value


def require_text(value: str, *, name: str, code: str = "LISTING_TEXT_REQUIRED") -> str:
    value = (value or "").strip()
    if not value:
        raise refused(code, f"{name} 不能为空。", f"{name} is required.", field=name)
    return value


def set_working_deadline(
    case: ListingCase, kind: DueKind, *, start: date, working_days: int
) -> date:
    """Set the case's next deadline to ``working_days`` working days after ``start``; a
    result that crossed a year whose arrangement is not loaded is stored as provisional, with
    the years (recomputed by ``xinyong.lists.deadlines`` when they are loaded)."""
    result = add_working_days_result(start, working_days)
    assert isinstance(result.value, date)
    case.due_kind = kind
    case.due_on = result.value
    case.due_from = start
    case.due_working_days = working_days
    case.due_provisional = result.provisional
    case.due_uncovered_years = list(result.uncovered_years)
    return result.value


def set_date_deadline(case: ListingCase, kind: DueKind, due_on: date | None) -> None:
    """Set a deadline fixed in calendar terms (the term end); ``None`` clears it."""
    case.due_kind = kind if due_on is not None else ""
    case.due_on = due_on
    case.due_from = None
    case.due_working_days = None
    case.due_provisional = False
    case.due_uncovered_years = []


def set_listed_deadline(case: ListingCase) -> None:
    """The deadline of a listed case: the removal deadline when an early-removal ground with
    a removal period was recorded (法释〔2017〕7号第十条: deleted within 3 working days of
    performance), otherwise the term end (removal on the next day)."""
    condition = (
        case.list_type.early_removal_condition(case.removal_ground) if case.removal_ground else None
    )
    if condition and condition.get("removal_working_days") and case.removal_ground_on:
        set_working_deadline(
            case,
            DueKind.REMOVAL,
            start=case.removal_ground_on,
            working_days=int(condition["removal_working_days"]),
        )
    else:
        set_date_deadline(case, DueKind.TERM_END, case.term_end)


def clear_deadline(case: ListingCase) -> None:
    set_date_deadline(case, DueKind.TERM_END, None)


def finish(
    case: ListingCase,
    t: Transition,
    event: EventType,
    *,
    acting_user: User | None,
    actor_label: str = "",
    before_state: str,
    after: dict[str, Any] | None = None,
) -> ListingCase:
    """Apply the transition's target state, bump the version, save, resolve open alarms when
    the state changed, and write the audit event — in the caller's transaction."""
    case.state = t.target_from(CaseState(before_state))
    # The row is locked by lock_case, so a plain increment cannot lose an update.
    case.version += 1
    case.save()
    if case.state != before_state:
        case.alarms.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    record_event(
        event,
        acting_user=acting_user,
        obj=case,
        subject_id=case.subject_id,
        actor_label=actor_label,
        before={"state": before_state},
        after={
            "action": t.action,
            "state": case.state,
            "version": case.version,
            "list_type": case.list_type_code,
            "due_kind": case.due_kind,
            "due_on": case.due_on,
            "due_provisional": case.due_provisional,
            **(after or {}),
        },
    )
    return case


def check_not_provisional(case: ListingCase, what_zh: str, what_en: str) -> None:
    """Refuse to act on a deadline that is only provisional (its calendar year not loaded):
    the true date may be later."""
    if case.due_provisional:
        years = ", ".join(str(y) for y in case.due_uncovered_years)
        raise conflict(
            "LISTING_DEADLINE_PROVISIONAL",
            f"{what_zh}（{case.due_on}）为临时计算结果（{years} 年节假日安排尚未载入），"
            "载入后才能据此办理。",
            f"{what_en} ({case.due_on}) is provisional (holiday arrangement of {years} not "
            "loaded); load it before acting on it.",
            years=case.due_uncovered_years,
        )
