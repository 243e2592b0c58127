"""Fixtures of the checks tests, built through actions (STYLE §13).

The listing fixtures of ``xinyong.lists.tests`` (a court, a human-resources bureau, a credit
office; ``case_in`` drives a wage-arrears case of ``company`` to a state) plus a procurement
centre whose checker checks subjects, and its department system's API token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.cache import cache

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.lists import actions as list_actions
from xinyong.lists.models import ListingCase
from xinyong.lists.tests import conftest as lists_fixtures
from xinyong.lists.tests.conftest import People
from xinyong.security.actions.tokens import IssuedToken, do_create_api_token

D = date

# The listing fixtures, registered here by name.
people = lists_fixtures.people
company = lists_fixtures.company
person = lists_fixtures.person
case_in = lists_fixtures.case_in


@dataclass
class Checkers:
    centre: Department  # 公共资源交易中心 (a public service body that checks bidders)
    other: Department
    checker: User  # department checker at the centre
    reporter: User  # a reporter at the centre (no checker role)
    other_checker: User


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def checkers(
    people: People,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> Checkers:
    centre = make_department("示范市公共资源交易中心", kind=DepartmentKind.PUBLIC_SERVICE)
    other = make_department("示范市财政局")
    return Checkers(
        centre=centre,
        other=other,
        checker=make_user(Role.DEPARTMENT_CHECKER, department=centre, username="checker"),
        reporter=make_user(Role.DEPARTMENT_REPORTER, department=centre, username="reporter"),
        other_checker=make_user(Role.DEPARTMENT_CHECKER, department=other, username="other"),
    )


@pytest.fixture
def token(checkers: Checkers) -> Callable[..., IssuedToken]:
    def issue(*scopes: str, department: Department | None = None) -> IssuedToken:
        return do_create_api_token(
            name="交易系统",
            department=department or checkers.centre,
            scopes=scopes or ("check",),
            days=30,
            acting_user=None,
            actor_label="test",
        )

    return issue


def red_listing(people: People, subject: Subject) -> ListingCase:
    """``subject`` on the tax-credit A-grade red list (decided 2026-04-02, listed 2026-04-03,
    12 months): incentives for licences, fiscal funds, bidding …"""
    case = list_actions.do_create_listing_case(
        list_type_code="tax-credit-grade-a",
        subject=subject,
        department=people.bureau,
        basis_document_type="evaluation_result",
        basis_document_number="示税信评〔2026〕1号",
        basis_document_date=D(2026, 4, 1),
        basis_document_issuer="国家税务总局示范市税务局",
        facts="2025年度纳税信用评价为A级。",
        acting_user=people.clerk,
        today=D(2026, 4, 2),
    )
    case = list_actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 4, 2))
    return list_actions.do_publish_listing(
        case, listed_on=D(2026, 4, 3), acting_user=people.clerk, today=D(2026, 4, 3)
    )
