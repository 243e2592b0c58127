"""Objections against a listing suspend its measures; a rejection resumes the term from the
rejection date and moves its end by the days suspended (seed 004; docs/decisions/0021)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.choices import CaseState, DueKind, ObjectionStage, RemovalReason
from xinyong.lists.models import ListingCase, SuspensionInterval
from xinyong.lists.tests.conftest import People
from xinyong.lists.tick import run_listing_tick

pytestmark = pytest.mark.django_db

D = date


def test_objection_suspends_and_rejection_moves_the_term_end(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)  # listed 2026-03-12, term ends 2029-03-12
    assert case.term_end == D(2029, 3, 12)
    objection = actions.do_file_objection(
        case, received_on=D(2026, 6, 1), grounds="工资已全部支付。", acting_user=people.reviewer,
        today=D(2026, 6, 1),
    )  # fmt: skip
    assert objection.stage == ObjectionStage.AFTER_LISTING
    case.refresh_from_db()
    assert (case.state, case.suspended_since) == (CaseState.SUSPENDED, D(2026, 6, 1))
    # The answer is due 10 working days later (objection.answer_working_days): 06-15.
    assert (case.due_kind, case.due_on) == (DueKind.OBJECTION_ANSWER, D(2026, 6, 15))
    suspended = AuditEvent.objects.get(event_type=EventType.LISTING_SUSPENDED)
    assert isinstance(suspended.after, dict)
    assert "restrict-government-procurement" in suspended.after["measures_suspended"]
    # Rejected on 2026-06-11: suspended 06-01 .. 06-11 → the term stood still 10 days.
    case = actions.do_answer_objection(
        case, upheld=False, answer="经核实，工资尚未支付。", acting_user=people.clerk,
        today=D(2026, 6, 11),
    )  # fmt: skip
    assert case.state == CaseState.LISTED and case.suspended_since is None
    assert case.term_end == D(2029, 3, 22)
    assert case.suspended_days == 10
    assert (case.due_kind, case.due_on) == (DueKind.TERM_END, D(2029, 3, 22))
    interval = SuspensionInterval.objects.get(case=case)
    assert (interval.since, interval.until, interval.days) == (D(2026, 6, 1), D(2026, 6, 11), 10)
    assert (interval.term_end_before, interval.term_end_after) == (
        D(2029, 3, 12),
        D(2029, 3, 22),
    )
    resumed = AuditEvent.objects.get(event_type=EventType.LISTING_RESUMED)
    assert isinstance(resumed.after, dict)
    assert resumed.after["term_end_before"] == "2029-03-12"
    assert resumed.after["term_end_after"] == "2029-03-22"
    assert resumed.after["resumed_on"] == "2026-06-11"


def test_suspensions_add_up_and_a_same_day_rejection_adds_nothing(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)
    actions.do_file_objection(
        case, received_on=D(2026, 7, 1), grounds="x", acting_user=people.clerk, today=D(2026, 7, 1)
    )
    case = actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2026, 7, 1)
    )
    assert (case.term_end, case.suspended_days) == (D(2029, 3, 12), 0)
    actions.do_file_objection(
        case, received_on=D(2026, 8, 3), grounds="x", acting_user=people.clerk, today=D(2026, 8, 3)
    )
    case = actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2026, 8, 31)
    )
    assert (case.term_end, case.suspended_days) == (D(2029, 4, 9), 28)
    actions.do_file_objection(
        case, received_on=D(2027, 1, 4), grounds="x", acting_user=people.clerk, today=D(2027, 1, 4)
    )
    case = actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2027, 3, 4)
    )
    # 2027-01-04 → 2027-03-04 is 59 days: 2029-04-09 + 59 = 2029-06-07.
    assert (case.term_end, case.suspended_days) == (D(2029, 6, 7), 87)
    assert list(case.suspensions.values_list("days", flat=True)) == [0, 28, 59]


def test_an_upheld_objection_revokes_the_listing(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.SUSPENDED)  # objection received 2026-06-01
    case = actions.do_answer_objection(
        case, upheld=True, answer="确认已足额支付。", acting_user=people.clerk,
        today=D(2026, 6, 5),
    )  # fmt: skip
    assert (case.state, case.removal_reason, case.removed_on) == (
        CaseState.REMOVED,
        RemovalReason.REVOCATION,
        D(2026, 6, 5),
    )
    assert SuspensionInterval.objects.get(case=case).until == D(2026, 6, 5)
    kinds = list(
        AuditEvent.objects.filter(object_id=str(case.pk), object_type="lists.listingcase")
        .order_by("-seq")
        .values_list("event_type", flat=True)[:2]
    )
    assert kinds == [EventType.LISTING_REMOVED, EventType.LISTING_OBJECTION_UPHELD]


def test_a_suspended_term_does_not_expire(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)
    actions.do_file_objection(
        case, received_on=D(2029, 3, 12), grounds="x", acting_user=people.clerk,
        today=D(2029, 3, 12),
    )  # fmt: skip
    # The last day of the term was the day of the objection; the term stands still.
    report = run_listing_tick(today=D(2029, 3, 20))
    assert report.expired == []
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.SUSPENDED
    case = actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2029, 3, 20)
    )
    assert case.term_end == D(2029, 3, 20)  # 8 days added to 2029-03-12
    assert run_listing_tick(today=D(2029, 3, 20)).expired == []
    assert run_listing_tick(today=D(2029, 3, 21)).expired == [case.pk]
    assert ListingCase.objects.get(pk=case.pk).removed_on == D(2029, 3, 21)


def test_no_objection_after_the_term(people: People, case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.LISTED)
    with pytest.raises(CodedError) as exc:
        actions.do_file_objection(
            case, received_on=D(2029, 3, 13), grounds="x", acting_user=people.clerk,
            today=D(2029, 3, 13),
        )  # fmt: skip
    assert exc.value.code == "LISTING_TERM_ALREADY_ENDED"
