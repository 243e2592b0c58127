"""As of date D: the legal timeline (term, suspension, removal) and the recorded one (what the
platform answered to the checks made that day), which can differ."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from xinyong.checks.actions import do_answer_as_of, do_check_subject
from xinyong.checks.choices import Answer
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.models import Subject
from xinyong.errors import CodedError
from xinyong.lists import actions as list_actions
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People, no_grounds, open_wage_case
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

D = date
PROCUREMENT = "government_procurement"


def as_of(checkers: Checkers, subject: Subject, on: date, today: date | None = None) -> str:
    result = do_answer_as_of(
        str(subject.uscc),
        matter=PROCUREMENT,
        on=on,
        purpose="核实历史核查结论",
        department=checkers.centre,
        acting_user=checkers.checker,
        today=today,
    )
    return str(result.legal.answer)


def test_legal_timeline_follows_term_suspension_and_moved_end(
    people: People, checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.SUSPENDED)  # listed 2026-03-12; objection received 2026-06-01
    list_actions.do_answer_objection(
        case,
        upheld=False,
        answer="经核实，工资尚未支付。",
        acting_user=people.clerk,
        today=D(2026, 6, 11),
    )
    # The term end moved 2029-03-12 → 2029-03-22.
    assert as_of(checkers, company, D(2026, 3, 11)) == Answer.CLEAR
    assert as_of(checkers, company, D(2026, 3, 12)) == Answer.RESTRICTED
    assert as_of(checkers, company, D(2026, 5, 31)) == Answer.RESTRICTED
    assert as_of(checkers, company, D(2026, 6, 1)) == Answer.CLEAR  # suspended
    assert as_of(checkers, company, D(2026, 6, 10)) == Answer.CLEAR
    assert as_of(checkers, company, D(2026, 6, 11)) == Answer.RESTRICTED  # resumed
    later = D(2029, 4, 1)
    assert as_of(checkers, company, D(2029, 3, 22), today=later) == Answer.RESTRICTED
    assert as_of(checkers, company, D(2029, 3, 23), today=later) == Answer.CLEAR


def test_suspended_day_reports_the_suspended_measure(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.SUSPENDED)
    result = do_answer_as_of(
        str(company.uscc),
        matter=PROCUREMENT,
        on=D(2026, 6, 2),
        purpose="x",
        department=checkers.centre,
        acting_user=checkers.checker,
    )
    assert result.legal.objection_pending
    assert result.legal.suspended_codes == ["restrict-government-procurement"]


def test_removal_ends_the_legal_effect(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.REMOVED)  # listed 2026-03-12, revoked 2026-04-01
    assert as_of(checkers, company, D(2026, 3, 31)) == Answer.RESTRICTED
    assert as_of(checkers, company, D(2026, 4, 1)) == Answer.CLEAR


def test_recorded_timeline_keeps_what_was_answered_then(
    people: People, checkers: Checkers, company: Subject
) -> None:
    """A decision entered on the list late, with a term start in the past: a check made in
    between was answered "clear" (nothing was recorded yet); the legal timeline now says the
    subject was restricted that day. Both are answered."""
    case = open_wage_case(people, company, today=D(2026, 3, 2))
    list_actions.do_issue_prior_notice(
        case, notice_date=D(2026, 3, 2), acting_user=people.clerk, today=D(2026, 3, 2)
    )
    list_actions.do_close_objection_window(case, acting_user=None, today=D(2026, 3, 10))
    no_grounds(case, people.clerk, today=D(2026, 3, 10))
    list_actions.do_decide_listing(
        case, decision_date=D(2026, 3, 10), acting_user=people.clerk, today=D(2026, 3, 10)
    )
    made = do_check_subject(
        str(company.uscc),
        matter=PROCUREMENT,
        purpose="资格审查",
        department=checkers.centre,
        acting_user=checkers.checker,
        today=D(2026, 3, 13),
    )
    assert made.answer.answer == Answer.CLEAR
    list_actions.do_publish_listing(
        case, listed_on=D(2026, 3, 12), acting_user=people.reviewer, today=D(2026, 3, 16)
    )
    result = do_answer_as_of(
        str(company.uscc),
        matter=PROCUREMENT,
        on=D(2026, 3, 13),
        purpose="复核",
        department=checkers.centre,
        acting_user=checkers.checker,
    )
    assert result.legal.answer == Answer.RESTRICTED
    [recorded] = result.recorded
    assert recorded.answer == Answer.CLEAR
    assert recorded.receipt_id == str(made.check.public_id)
    # Another department's checks are not shown to this one.
    other = do_answer_as_of(
        str(company.uscc),
        matter=PROCUREMENT,
        on=D(2026, 3, 13),
        purpose="复核",
        department=checkers.other,
        acting_user=checkers.other_checker,
    )
    assert other.recorded == []
    # The as-of reads are registered.
    assert AccessRecord.objects.filter(object_type="checks.as_of").count() == 2


def test_future_date_is_refused(checkers: Checkers, company: Subject) -> None:
    with pytest.raises(CodedError) as caught:
        as_of(checkers, company, D(2030, 1, 1), today=D(2026, 11, 1))
    assert caught.value.code == "CHECK_DATE_IN_FUTURE"


def test_as_of_api(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    case_in: Callable[..., ListingCase],
) -> None:
    case_in(CaseState.LISTED)
    auth = {"Authorization": f"Bearer {token('check').value}"}
    query = {"subject": str(company.uscc), "matter": PROCUREMENT, "purpose": "复核"}
    body = client.get("/api/v1/checks/as-of", {**query, "date": "2026-05-01"}, headers=auth).json()
    assert body["as_of"] == "2026-05-01"
    assert body["legal"]["answer"] == "restricted"
    assert body["legal"]["listings"][0]["term_end"] == "2029-03-12"
    assert body["recorded"] == []
    response = client.get("/api/v1/checks/as-of", {**query, "date": "2026-13-01"}, headers=auth)
    assert response.status_code == 422
    response = client.get("/api/v1/checks/as-of", {**query, "date": "2099-01-01"}, headers=auth)
    assert response.status_code == 422 and response.json()["code"] == "CHECK_DATE_IN_FUTURE"
    response = client.get(
        "/api/v1/checks/as-of", {**query, "date": "2026-05-01", "subject": "123"}, headers=auth
    )
    assert response.json()["code"] == "CHECK_SUBJECT_INVALID"
