"""The periodic job: windows that ended, overdue alarms, expiry on the right day; idempotent;
the command and the background task call the same function."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.lists import actions
from xinyong.lists.choices import AlarmKind, CaseState, RemovalReason
from xinyong.lists.models import ListingAlarm, ListingCase
from xinyong.lists.tasks import listing_tick
from xinyong.lists.tests.conftest import People
from xinyong.lists.tick import run_listing_tick

pytestmark = pytest.mark.django_db

D = date


def test_window_closes_the_day_after_its_last_day(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)  # window ends 2026-03-09
    assert run_listing_tick(today=D(2026, 3, 9)).windows_closed == []
    report = run_listing_tick(today=D(2026, 3, 10))
    assert report.windows_closed == [case.pk]
    assert report.alarms == [(case.pk, AlarmKind.READY_FOR_DECISION)]
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_DECISION
    closed = AuditEvent.objects.get(event_type=EventType.LISTING_OBJECTION_WINDOW_CLOSED)
    assert closed.actor_id is None and closed.actor_label == "system:lists-tick"
    # Idempotent: nothing new on a second run, the same day or later.
    again = run_listing_tick(today=D(2026, 3, 10))
    assert (again.windows_closed, again.alarms) == ([], [])
    assert run_listing_tick(today=D(2026, 3, 20)).alarms == []
    assert ListingAlarm.objects.count() == 1


def test_overdue_objection_answer_raises_one_alarm(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.OBJECTION_REVIEW)  # received 2026-03-05, due 2026-03-19
    assert run_listing_tick(today=D(2026, 3, 19)).alarms == []
    assert run_listing_tick(today=D(2026, 3, 20)).alarms == [
        (case.pk, AlarmKind.OBJECTION_ANSWER_OVERDUE)
    ]
    assert run_listing_tick(today=D(2026, 3, 21)).alarms == []
    alarm = ListingAlarm.objects.get(case=case)
    assert (alarm.due_on, alarm.raised_on, alarm.resolved_at) == (
        D(2026, 3, 19),
        D(2026, 3, 20),
        None,
    )
    overdue = AuditEvent.objects.get(event_type=EventType.LISTING_DEADLINE_OVERDUE)
    assert overdue.department_code == people.bureau.code
    # Answering resolves the alarm.
    actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2026, 3, 23)
    )
    alarm.refresh_from_db()
    assert alarm.resolved_at is not None


def test_publication_and_removal_overdue(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    decided = case_in(CaseState.DECIDED)  # decided 2026-03-10, publication due 2026-03-12
    assert run_listing_tick(today=D(2026, 3, 12)).alarms == []
    assert run_listing_tick(today=D(2026, 3, 13)).alarms == [
        (decided.pk, AlarmKind.PUBLICATION_OVERDUE)
    ]


def test_expiry_on_the_day_after_the_last_day(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.LISTED)  # term 2026-03-12 + 36 months: last day 2029-03-12
    assert run_listing_tick(today=D(2029, 3, 12)).expired == []
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.LISTED
    assert run_listing_tick(today=D(2029, 3, 13)).expired == [case.pk]
    case.refresh_from_db()
    assert (case.state, case.removal_reason, case.removed_on) == (
        CaseState.REMOVED,
        RemovalReason.EXPIRY,
        D(2029, 3, 13),
    )
    assert run_listing_tick(today=D(2029, 3, 14)).expired == []


def test_a_late_run_removes_on_the_legal_day(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.LISTED)
    assert run_listing_tick(today=D(2029, 4, 20)).expired == [case.pk]
    assert ListingCase.objects.get(pk=case.pk).removed_on == D(2029, 3, 13)


def test_expiry_cannot_be_early(people: People, case_in: Callable[..., ListingCase]) -> None:
    from xinyong.errors import CodedError

    case = case_in(CaseState.LISTED)
    with pytest.raises(CodedError) as exc:
        actions.do_expire_listing(case, today=D(2029, 3, 12))
    assert exc.value.code == "LISTING_TERM_NOT_ENDED"
    with pytest.raises(CodedError) as exc:
        actions.do_expire_listing(case, today=D(2029, 3, 13), acting_user=people.clerk)
    assert exc.value.code == "PERMISSION_DENIED"  # only the platform expires terms


def test_the_command(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)
    out = StringIO()
    call_command("lists", "tick", "--today", "2026-03-10", stdout=out)
    assert out.getvalue().splitlines() == [
        "today\t2026-03-10",
        f"ready_for_decision\t{case.reference}",
        f"alarm\t{case.reference}\tready_for_decision",
    ]
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("lists", "tick", "--today", "2026-02-30", stderr=err)
    assert exc.value.code == 1
    assert err.getvalue().startswith("DATE_INVALID")


def test_the_task_runs_the_same_job(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.LISTED)
    result = listing_tick.call(today="2029-03-13")
    assert result["expired"] == [case.pk]
    assert result["today"] == "2029-03-13"


def test_the_diagram_command() -> None:
    out = StringIO()
    call_command("lists", "diagram", stdout=out)
    assert out.getvalue().startswith("<!-- procedure:begin")
    assert "stateDiagram-v2" in out.getvalue()
