"""Fixtures of the lists tests, built through actions (STYLE §13).

A court (initiates 失信被执行人), a human-resources bureau (a sector authority: initiates the
wage-arrears list), a credit office; a reporter in each initiating department and a
credit-office reviewer; :func:`case_in` drives a case to a state through the actions with
explicit legal dates, so that deadline tests are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from xinyong.core.choices import DepartmentKind, Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.lists import actions
from xinyong.lists.choices import CaseState, LeniencyOutcome
from xinyong.lists.models import ListingCase
from xinyong.policy.loader import FileOutcome


@dataclass
class People:
    court: Department
    bureau: Department
    credit_office: Department
    judge: User  # department reporter at the court
    clerk: User  # department reporter at the bureau
    reviewer: User  # credit-office reviewer
    outsider: User  # department reporter at another sector authority


@pytest.fixture
def people(
    loaded_policy: list[FileOutcome],
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> People:
    court = make_department("示范市中级人民法院", kind=DepartmentKind.COURT, short_name="示范中院")
    bureau = make_department("示范市人力资源和社会保障局", short_name="示范人社")
    credit = make_department("示范市信用办", kind=DepartmentKind.CREDIT_OFFICE)
    other = make_department("示范市文化和旅游局")
    return People(
        court=court,
        bureau=bureau,
        credit_office=credit,
        judge=make_user(Role.DEPARTMENT_REPORTER, department=court, username="judge"),
        clerk=make_user(Role.DEPARTMENT_REPORTER, department=bureau, username="clerk"),
        reviewer=make_user(Role.CREDIT_OFFICE_REVIEWER, department=credit, username="reviewer"),
        outsider=make_user(Role.DEPARTMENT_REPORTER, department=other, username="outsider"),
    )


@pytest.fixture
def company(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("示范建筑工程有限公司")


@pytest.fixture
def person(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("张三", kind=SubjectKind.NATURAL_PERSON)


def open_wage_case(people: People, subject: Subject, *, today: date, **kwargs: Any) -> ListingCase:
    """A wage-arrears case (人社部令第45号: prior notice required, 3-year term) in draft."""
    fields: dict[str, Any] = {
        "list_type_code": "wage-arrears",
        "subject": subject,
        "department": people.bureau,
        "basis_document_type": "order_to_pay",
        "basis_document_number": "示人社监令〔2026〕12号",
        "basis_document_date": date(2026, 1, 5),
        "basis_document_issuer": "示范市人力资源和社会保障局",
        "facts": "拖欠农民工工资 86 万元，经责令限期支付逾期仍未支付。",
        "acting_user": people.clerk,
        "today": today,
    }
    fields.update(kwargs)
    return actions.do_create_listing_case(**fields)


def no_grounds(case: ListingCase, user: User, *, today: date) -> None:
    actions.do_record_leniency_assessment(
        case,
        grounds_found=[],
        outcome=LeniencyOutcome.NO_GROUNDS,
        conclusion="当事人为成年法人，拖欠系故意，不存在宽容审慎情形。",
        acting_user=user,
        today=today,
    )


@pytest.fixture
def case_in(people: People, company: Subject) -> Callable[..., ListingCase]:
    """``case_in(state)``: a wage-arrears case of ``company`` driven to ``state``.

    Dates: notice 2026-03-02 (window of 5 working days ends 2026-03-09), decision 2026-03-10,
    listed 2026-03-12 (term ends 2029-03-12)."""

    def make(state: CaseState, **kwargs: Any) -> ListingCase:
        case = open_wage_case(people, company, today=date(2026, 3, 2), **kwargs)
        if state == CaseState.DRAFT:
            return case
        case = actions.do_issue_prior_notice(
            case, notice_date=date(2026, 3, 2), acting_user=people.clerk, today=date(2026, 3, 2)
        )
        if state == CaseState.NOTICE_ISSUED:
            return case
        if state == CaseState.OBJECTION_REVIEW:
            actions.do_file_objection(
                case,
                received_on=date(2026, 3, 5),
                grounds="已支付部分工资。",
                acting_user=people.clerk,
                today=date(2026, 3, 5),
            )
            return ListingCase.objects.get(pk=case.pk)
        case = actions.do_close_objection_window(case, acting_user=None, today=date(2026, 3, 10))
        if state == CaseState.READY_FOR_DECISION:
            return case
        no_grounds(case, people.clerk, today=date(2026, 3, 10))
        case = actions.do_decide_listing(
            case, decision_date=date(2026, 3, 10), acting_user=people.clerk, today=date(2026, 3, 10)
        )
        if state == CaseState.DECIDED:
            return case
        case = actions.do_publish_listing(
            case, listed_on=date(2026, 3, 12), acting_user=people.reviewer, today=date(2026, 3, 12)
        )
        if state == CaseState.LISTED:
            return case
        if state == CaseState.SUSPENDED:
            actions.do_file_objection(
                case,
                received_on=date(2026, 6, 1),
                grounds="工资已全部支付。",
                acting_user=people.reviewer,
                today=date(2026, 6, 1),
            )
            return ListingCase.objects.get(pk=case.pk)
        if state == CaseState.REMOVED:
            return actions.do_revoke_listing(
                case, reason="依据文书被撤销。", acting_user=people.clerk, today=date(2026, 4, 1)
            )
        assert state == CaseState.CLOSED
        raise AssertionError("use do_close_listing_case")

    return make
