"""Deadline upkeep that is not a transition: recomputing a provisional deadline once its
calendar year is loaded, and raising an alarm for an overdue one."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.lists.actions._base import set_working_deadline
from xinyong.lists.choices import DueKind, ObjectionOutcome
from xinyong.lists.models import ListingAlarm, ListingCase, ListingObjection


@transaction.atomic
def do_recompute_listing_deadline(
    case: ListingCase | int, *, acting_user: User | None, actor_label: str = ""
) -> bool:
    """Recompute a provisional working-day deadline from the date and the number of working
    days it was counted from (docs/decisions/0002-uncovered-calendar-years.md). Returns
    whether anything changed. Idempotent: a final deadline is left alone."""
    pk = case.pk if isinstance(case, ListingCase) else case
    locked = ListingCase.objects.select_for_update(of=("self",)).get(pk=pk)
    if not locked.due_provisional or locked.due_from is None or locked.due_working_days is None:
        return False
    before = {
        "due_on": locked.due_on,
        "provisional": True,
        "uncovered_years": list(locked.due_uncovered_years),
    }
    kind = DueKind(locked.due_kind)
    new_due = set_working_deadline(
        locked, kind, start=locked.due_from, working_days=locked.due_working_days
    )
    fields = ["due_on", "due_provisional", "due_uncovered_years"]
    if kind == DueKind.OBJECTION_WINDOW:
        locked.objection_window_ends_on = new_due
        fields.append("objection_window_ends_on")
    elif kind == DueKind.OBJECTION_ANSWER:
        ListingObjection.objects.filter(case=locked, outcome=ObjectionOutcome.PENDING).update(
            answer_due_on=new_due, answer_due_provisional=locked.due_provisional
        )
    locked.save(update_fields=[*fields, "updated_at"])
    record_event(
        EventType.LISTING_DEADLINE_RECOMPUTED,
        acting_user=acting_user,
        obj=locked,
        subject_id=locked.subject_id,
        actor_label=actor_label,
        before=before,
        after={
            "due_kind": kind,
            "due_on": new_due,
            "provisional": locked.due_provisional,
            "uncovered_years": list(locked.due_uncovered_years),
        },
    )
    return True


def do_raise_listing_alarm(
    case: ListingCase, kind: str, *, due_on: date, today: date, actor_label: str = ""
) -> bool:
    """Raise the alarm ``kind`` for ``case`` and ``due_on`` unless it was raised before
    (one per case, kind and due date: the tick may run any number of times)."""
    # The unique constraint (case, kind, due_on) decides, also between two concurrent runs:
    # the second insert fails inside its savepoint and nothing of it is kept.
    try:
        with transaction.atomic():
            alarm = ListingAlarm.objects.create(
                case=case, kind=kind, due_on=due_on, raised_on=today
            )
            record_event(
                EventType.LISTING_DEADLINE_OVERDUE,
                acting_user=None,
                obj=case,
                subject_id=case.subject_id,
                department=case.initiating_department,
                actor_label=actor_label or "system:lists-tick",
                after={
                    "alarm": alarm.pk,
                    "kind": kind,
                    "due_on": due_on,
                    "raised_on": today,
                    "state": case.state,
                },
            )
    except IntegrityError:
        return False  # raised before (by an earlier or a concurrent run)
    return True
