"""Deadlines in working days: across holidays and adjusted working weekends, the jurisdiction's
own numbers, provisional deadlines and their recomputation when a calendar year is loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.models import Subject
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.choices import AlarmKind, CaseState, DueKind
from xinyong.lists.models import ListingCase, ListingObjection
from xinyong.lists.tests.conftest import People, no_grounds, open_wage_case
from xinyong.lists.tick import run_listing_tick
from xinyong.policy.actions import LoadOutcome

pytestmark = pytest.mark.django_db

D = date

CALENDAR_2027 = """
kind = "calendar"
code = "cn-holiday-arrangement"
edition = "2027"
year = 2027
effective_from = 2027-01-01
effective_to = 2027-12-31
jurisdiction = "national"
legal_source = "test: a 2027 arrangement with New Year's Day off"

[[holidays]]
name = "元旦"
dates = ["2027-01-01", "2027-01-02", "2027-01-03"]
"""

KASHGAR = """
kind = "settings"
code = "local-kashgar"
edition = "2026.1"
effective_from = 2026-01-01
jurisdiction = "local"
legal_source = "喀署办发〔2021〕70号"

[[settings]]
key = "listing.objection_answer_working_days"
value = 3
legal_source = "喀署办发〔2021〕70号 二(二)2(3)：…在3个工作日内反馈结果"
"""


def test_objection_window_across_labour_day_and_an_adjusted_saturday(
    people: People, company: Subject
) -> None:
    # 2026-04-29 (Wed) + 5 working days: 04-30 (1); 05-01..05-05 off (劳动节); 05-06 (2),
    # 05-07 (3), 05-08 (4); Saturday 05-09 is an adjusted working day (5).
    case = open_wage_case(people, company, today=D(2026, 4, 29))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 4, 29))
    assert case.objection_window_ends_on == D(2026, 5, 9)
    assert (case.due_kind, case.due_on, case.due_provisional) == (
        DueKind.OBJECTION_WINDOW,
        D(2026, 5, 9),
        False,
    )
    assert (case.due_from, case.due_working_days) == (D(2026, 4, 29), 5)
    # An objection on that Saturday is in time; Monday 05-11 is late.
    with pytest.raises(CodedError) as exc:
        actions.do_file_objection(
            case, received_on=D(2026, 5, 11), grounds="x", acting_user=people.clerk,
            today=D(2026, 5, 11),
        )  # fmt: skip
    assert exc.value.code == "LISTING_OBJECTION_LATE"
    objection = actions.do_file_objection(
        case, received_on=D(2026, 5, 9), grounds="x", acting_user=people.clerk,
        today=D(2026, 5, 11),
    )  # fmt: skip
    # 10 working days from Saturday 05-09: 05-11 .. 05-15 (5), 05-18 .. 05-22 (10).
    assert objection.answer_due_on == D(2026, 5, 22)


def test_answer_deadline_across_mid_autumn_and_national_day(
    people: People, company: Subject, load_policy_text: Callable[..., LoadOutcome]
) -> None:
    case = open_wage_case(people, company, today=D(2026, 9, 21))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 9, 21))
    # 09-22 (1), 09-23 (2), 09-24 (3); 09-25..27 off (中秋); 09-28 (4), 09-29 (5).
    assert case.objection_window_ends_on == D(2026, 9, 29)
    objection = actions.do_file_objection(
        case, received_on=D(2026, 9, 24), grounds="x", acting_user=people.clerk,
        today=D(2026, 9, 24),
    )  # fmt: skip
    # 09-28 (1) 09-29 (2) 09-30 (3); 10-01..07 off (国庆); 10-08 (4) 10-09 (5);
    # Saturday 10-10 adjusted working day (6); 10-12 (7) … 10-15 (10).
    assert objection.answer_due_on == D(2026, 10, 15)
    # A jurisdiction that answers in 3 working days (seed 000, 喀什) gets 09-30.
    load_policy_text(KASHGAR)
    other = open_wage_case(people, company, today=D(2026, 9, 21))
    other = actions.do_issue_prior_notice(other, acting_user=people.clerk, today=D(2026, 9, 21))
    quick = actions.do_file_objection(
        other, received_on=D(2026, 9, 24), grounds="x", acting_user=people.clerk,
        today=D(2026, 9, 24),
    )  # fmt: skip
    assert quick.answer_due_on == D(2026, 9, 30)
    event = AuditEvent.objects.filter(event_type=EventType.LISTING_OBJECTION_FILED).last()
    assert event is not None and isinstance(event.after, dict)
    assert event.after["answer_period_source"].startswith(
        "setting:listing.objection_answer_working_days@settings/local-kashgar@2026.1"
    )


def test_publication_deadline_over_a_weekend(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.READY_FOR_DECISION)
    no_grounds(case, people.clerk, today=D(2026, 3, 12))
    decided = actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 12))
    # Thursday 03-12 + 2 working days: Friday 03-13, Monday 03-16.
    assert (decided.due_kind, decided.due_on) == (DueKind.PUBLICATION, D(2026, 3, 16))


def test_removal_deadline_after_performance(people: People, company: Subject) -> None:
    case = actions.do_create_listing_case(
        list_type_code="dishonest-judgment-debtor",
        subject=company,
        department=people.court,
        basis_document_type="judgment",
        basis_document_number="（2025）示01民初9号",
        basis_document_date=D(2025, 12, 1),
        basis_document_issuer="示范市中级人民法院",
        facts="拒不履行。",
        acting_user=people.judge,
        today=D(2026, 4, 1),
    )
    no_grounds(case, people.judge, today=D(2026, 4, 1))
    case = actions.do_decide_listing(case, acting_user=people.judge, today=D(2026, 4, 1))
    case = actions.do_publish_listing(case, acting_user=people.judge, today=D(2026, 4, 2))
    # Performance on Thursday 04-02; 法释〔2017〕7号第十条: deleted within 3 working days —
    # 04-03 (1); 04-04..06 off (清明); 04-07 (2), 04-08 (3).
    case = actions.do_request_early_removal(
        case, ground="performance", occurred_on=D(2026, 4, 2), acting_user=people.judge,
        today=D(2026, 4, 2),
    )  # fmt: skip
    assert (case.due_kind, case.due_on) == (DueKind.REMOVAL, D(2026, 4, 8))
    assert run_listing_tick(today=D(2026, 4, 8)).alarms == []
    assert run_listing_tick(today=D(2026, 4, 9)).alarms == [(case.pk, AlarmKind.REMOVAL_OVERDUE)]
    removed = actions.do_remove_listing_early(case, acting_user=people.judge, today=D(2026, 4, 9))
    assert removed.removed_on == D(2026, 4, 9)  # no waiting period for performance
    event = AuditEvent.objects.get(event_type=EventType.LISTING_REMOVED)
    assert isinstance(event.after, dict) and event.after["late"] is True
    assert removed.alarms.get().resolved_at is not None


def test_provisional_deadline_is_recomputed_when_the_year_is_loaded(
    people: People, company: Subject, load_policy_text: Callable[..., LoadOutcome]
) -> None:
    # 2026-12-28 + 5 working days crosses into 2027, whose arrangement is not loaded: by the
    # weekends-only rule 12-29, 12-30, 12-31, 2027-01-01, 01-04 → provisional 2027-01-04.
    case = open_wage_case(people, company, today=D(2026, 12, 28))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 12, 28))
    assert case.objection_window_ends_on == D(2027, 1, 4)
    assert case.due_provisional and case.due_uncovered_years == [2027]
    # The tick does not act on a provisional deadline, and neither may a person.
    report = run_listing_tick(today=D(2027, 1, 6))
    assert report.provisional == [case.pk] and report.windows_closed == []
    with pytest.raises(CodedError) as exc:
        actions.do_close_objection_window(case, acting_user=people.clerk, today=D(2027, 1, 6))
    assert exc.value.code == "LISTING_DEADLINE_PROVISIONAL"
    # Loading 2027 (New Year's Day off) runs the recompute hook in the same transaction.
    outcome = load_policy_text(CALENDAR_2027)
    assert (
        outcome.summary["recomputed"]["xinyong.lists.deadlines.recompute_provisional_deadlines"]
        == 1
    )
    case.refresh_from_db()
    assert case.objection_window_ends_on == D(2027, 1, 5)
    assert (case.due_on, case.due_provisional, case.due_uncovered_years) == (
        D(2027, 1, 5),
        False,
        [],
    )
    event = AuditEvent.objects.get(event_type=EventType.LISTING_DEADLINE_RECOMPUTED)
    assert event.before == {
        "due_on": "2027-01-04",
        "provisional": True,
        "uncovered_years": [2027],
    }
    # Idempotent: nothing provisional is left.
    assert not actions.do_recompute_listing_deadline(case, acting_user=None)
    closed = run_listing_tick(today=D(2027, 1, 6))
    assert closed.windows_closed == [case.pk]


def test_a_pending_objection_answer_is_recomputed_too(
    people: People, company: Subject, load_policy_text: Callable[..., LoadOutcome]
) -> None:
    case = open_wage_case(people, company, today=D(2026, 12, 21))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 12, 21))
    objection = actions.do_file_objection(
        case, received_on=D(2026, 12, 24), grounds="x", acting_user=people.clerk,
        today=D(2026, 12, 24),
    )  # fmt: skip
    # 12-25, 12-28 … 12-31, 2027-01-01 (a working day by the weekends-only rule), 01-04 …
    # 01-07: provisional; with New Year's Day off, 01-08.
    assert objection.answer_due_on == D(2027, 1, 7) and objection.answer_due_provisional
    load_policy_text(CALENDAR_2027)
    objection = ListingObjection.objects.get(pk=objection.pk)
    assert (objection.answer_due_on, objection.answer_due_provisional) == (D(2027, 1, 8), False)
    assert ListingCase.objects.get(pk=case.pk).due_on == D(2027, 1, 8)
