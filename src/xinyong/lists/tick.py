"""The periodic job of the listing procedure: ``xinyong lists tick [--today DATE]`` (and the
``listing_tick`` background task) call :func:`run_listing_tick`.

Why this exists (STYLE §5): deadlines are stored on the cases; one idempotent job selects what
is due in bulk and calls the same actions a person would. Run it daily (cron or a systemd
timer; docs/lists.md). Running it twice on the same day, or catching up after days off, gives
the same result: each step re-checks under the case lock, alarms are unique per case, kind and
due date, and an expiry takes effect on the legal day (``term_end + 1``), not on the day the
job happened to run.

What it does, with ``today`` (default: today in Asia/Shanghai):

1. prior notices whose objection window ended before ``today`` without an objection →
   ``close_objection_window`` (ready for decision) and a ``ready_for_decision`` alarm;
2. objections not answered by their due date → ``objection_answer_overdue`` alarm;
3. decisions not entered on the list in time → ``publication_overdue`` alarm;
4. early-removal deadlines (performance) passed → ``removal_overdue`` alarm;
5. listings whose term ended before ``today`` → ``expire`` (removed on ``term_end + 1``).

Deadlines that are only provisional (their calendar year is not loaded) are not acted on;
they are reported and wait for the recompute hook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from xinyong.errors import CodedError
from xinyong.lists.actions import (
    do_close_objection_window,
    do_expire_listing,
    do_raise_listing_alarm,
)
from xinyong.lists.choices import AlarmKind, CaseState, DueKind
from xinyong.lists.models import ListingCase

ACTOR = "system:lists-tick"


@dataclass
class TickReport:
    """What one run did (printed by the command, returned by the task)."""

    today: date
    windows_closed: list[int] = field(default_factory=list)
    alarms: list[tuple[int, str]] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    provisional: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today.isoformat(),
            "windows_closed": self.windows_closed,
            "alarms": [list(a) for a in self.alarms],
            "expired": self.expired,
            "provisional": self.provisional,
            "refused": [list(r) for r in self.refused],
        }

    def lines(self) -> list[str]:
        out = [f"today\t{self.today.isoformat()}"]
        out += [f"ready_for_decision\tLC-{pk:06d}" for pk in self.windows_closed]
        out += [f"alarm\tLC-{pk:06d}\t{kind}" for pk, kind in self.alarms]
        out += [f"expired\tLC-{pk:06d}" for pk in self.expired]
        out += [f"provisional\tLC-{pk:06d}" for pk in self.provisional]
        out += [f"refused\tLC-{pk:06d}\t{code}" for pk, code in self.refused]
        return out


_ALARMS = (
    ((CaseState.OBJECTION_REVIEW, CaseState.SUSPENDED), DueKind.OBJECTION_ANSWER,
     AlarmKind.OBJECTION_ANSWER_OVERDUE),
    ((CaseState.DECIDED,), DueKind.PUBLICATION, AlarmKind.PUBLICATION_OVERDUE),
    ((CaseState.LISTED,), DueKind.REMOVAL, AlarmKind.REMOVAL_OVERDUE),
)  # fmt: skip


def run_listing_tick(*, today: date | None = None) -> TickReport:
    """One run of the job (see the module docstring)."""
    today = today or timezone.localdate()
    report = TickReport(today=today)

    windows = ListingCase.objects.filter(
        state=CaseState.NOTICE_ISSUED, objection_window_ends_on__lt=today
    ).order_by("pk")
    for case in windows.select_related("initiating_department"):
        if case.due_provisional:
            report.provisional.append(case.pk)
            continue
        try:
            closed = do_close_objection_window(
                case, acting_user=None, actor_label=ACTOR, today=today
            )
        except CodedError as exc:
            report.refused.append((case.pk, exc.code))
            continue
        report.windows_closed.append(case.pk)
        assert closed.objection_window_ends_on is not None
        if do_raise_listing_alarm(
            closed,
            AlarmKind.READY_FOR_DECISION,
            due_on=closed.objection_window_ends_on,
            today=today,
            actor_label=ACTOR,
        ):
            report.alarms.append((case.pk, AlarmKind.READY_FOR_DECISION))

    for states, due_kind, alarm in _ALARMS:
        overdue = ListingCase.objects.filter(
            state__in=states, due_kind=due_kind, due_on__lt=today
        ).select_related("initiating_department")
        for case in overdue.order_by("pk"):
            if case.due_provisional:
                report.provisional.append(case.pk)
                continue
            assert case.due_on is not None
            if do_raise_listing_alarm(
                case, alarm, due_on=case.due_on, today=today, actor_label=ACTOR
            ):
                report.alarms.append((case.pk, alarm))

    ended = ListingCase.objects.filter(state=CaseState.LISTED, term_end__lt=today).order_by("pk")
    for pk in ended.values_list("pk", flat=True):
        try:
            do_expire_listing(pk, today=today, acting_user=None, actor_label=ACTOR)
        except CodedError as exc:
            report.refused.append((pk, exc.code))
            continue
        report.expired.append(pk)
    return report
