"""Fixtures of the joint-action tests, built through actions (STYLE §13).

A human-resources bureau initiates wage-arrears listings (人社部令第45号); the memorandum
``rsbl-45-2021`` names sector authorities, people's governments and public service bodies as
implementing departments, so a finance bureau (sector authority), a district government and
a public resources trading centre (public service) are told; a court, the credit office and a
department of kind "other" are not. :func:`listed_case` drives a wage-arrears case to listed
through the listing actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.lists import actions as lists
from xinyong.lists.choices import LeniencyOutcome
from xinyong.lists.models import ListingCase
from xinyong.policy.loader import FileOutcome
from xinyong.security.actions.tokens import IssuedToken, do_create_api_token

D = date


@dataclass
class People:
    bureau: Department  # initiates wage arrears (sector authority: also implements)
    finance: Department  # sector authority: implements
    government: Department  # people's government: implements
    centre: Department  # public service: implements
    court: Department  # not named by the wage-arrears memorandum
    credit_office: Department
    other: Department  # kind "other": not named
    clerk: User  # reporter at the bureau
    reviewer: User  # credit-office reviewer
    finance_reporter: User
    finance_checker: User
    centre_reporter: User
    outsider: User  # reporter at "other"


@pytest.fixture
def people(
    loaded_policy: list[FileOutcome],
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> People:
    bureau = make_department("示范市人力资源和社会保障局", short_name="示范人社")
    finance = make_department("示范市财政局")
    government = make_department("示范市上城区人民政府", kind=DepartmentKind.GOVERNMENT)
    centre = make_department("示范市公共资源交易中心", kind=DepartmentKind.PUBLIC_SERVICE)
    court = make_department("示范市中级人民法院", kind=DepartmentKind.COURT)
    credit = make_department("示范市信用办", kind=DepartmentKind.CREDIT_OFFICE)
    other = make_department("示范市某协会", kind=DepartmentKind.OTHER)
    return People(
        bureau=bureau,
        finance=finance,
        government=government,
        centre=centre,
        court=court,
        credit_office=credit,
        other=other,
        clerk=make_user(Role.DEPARTMENT_REPORTER, department=bureau, username="clerk"),
        reviewer=make_user(Role.CREDIT_OFFICE_REVIEWER, department=credit, username="reviewer"),
        finance_reporter=make_user(Role.DEPARTMENT_REPORTER, department=finance, username="fin"),
        finance_checker=make_user(Role.DEPARTMENT_CHECKER, department=finance, username="fincheck"),
        centre_reporter=make_user(Role.DEPARTMENT_REPORTER, department=centre, username="centre"),
        outsider=make_user(Role.DEPARTMENT_REPORTER, department=other, username="outsider"),
    )


@pytest.fixture
def company(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("示范建筑工程有限公司")


def decided_case(people: People, subject: Subject) -> ListingCase:
    """A wage-arrears case decided on 2026-03-10 (notice 2026-03-02, no objection)."""
    case = lists.do_create_listing_case(
        list_type_code="wage-arrears",
        subject=subject,
        department=people.bureau,
        basis_document_type="order_to_pay",
        basis_document_number="示人社监令〔2026〕12号",
        basis_document_date=D(2026, 1, 5),
        basis_document_issuer="示范市人力资源和社会保障局",
        facts="拖欠农民工工资 86 万元，经责令限期支付逾期仍未支付。",
        acting_user=people.clerk,
        today=D(2026, 3, 2),
    )
    case = lists.do_issue_prior_notice(
        case, notice_date=D(2026, 3, 2), acting_user=people.clerk, today=D(2026, 3, 2)
    )
    case = lists.do_close_objection_window(case, acting_user=None, today=D(2026, 3, 10))
    lists.do_record_leniency_assessment(
        case,
        grounds_found=[],
        outcome=LeniencyOutcome.NO_GROUNDS,
        conclusion="当事人为成年法人，拖欠系故意，不存在宽容审慎情形。",
        acting_user=people.clerk,
        today=D(2026, 3, 10),
    )
    return lists.do_decide_listing(
        case, decision_date=D(2026, 3, 10), acting_user=people.clerk, today=D(2026, 3, 10)
    )


def publish(people: People, case: ListingCase) -> ListingCase:
    """Enter the case on the list on 2026-03-12 (term ends 2029-03-12)."""
    return lists.do_publish_listing(
        case, listed_on=D(2026, 3, 12), acting_user=people.reviewer, today=D(2026, 3, 12)
    )


@pytest.fixture
def listed_case(people: People, company: Subject) -> Callable[[], ListingCase]:
    def make() -> ListingCase:
        return publish(people, decided_case(people, company))

    return make


@pytest.fixture
def token(people: People) -> Callable[..., str]:
    """``token(*scopes, department=…)``: a bearer token value for a department system."""

    def issue(*scopes: str, department: Department | None = None) -> str:
        issued: IssuedToken = do_create_api_token(
            name="业务系统",
            department=department or people.finance,
            scopes=scopes or ("report",),
            days=30,
            acting_user=None,
            actor_label="test",
        )
        return issued.value

    return issue


def bearer(value: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def log_in(user: User) -> Client:
        client.force_login(user)
        return client

    return log_in
