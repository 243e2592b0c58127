"""The public API of the lists: list types in force and list entries (suspended ones marked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from xinyong.core.models import Subject
from xinyong.lists import actions
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People, no_grounds, open_wage_case

pytestmark = pytest.mark.django_db


def test_list_types(client: Client, people: People) -> None:
    response = client.get("/api/v1/lists/types?on=2026-06-01")
    assert response.status_code == 200
    body = response.json()
    assert [t["code"] for t in body][:1] == ["dishonest-judgment-debtor"]
    wages = next(t for t in body if t["code"] == "wage-arrears")
    assert wages["term_months"] == 36
    assert wages["domains"] == ["fair_competition_social_order"]
    assert wages["early_removal"][0]["after_months"] == 6
    assert wages["objection_window_working_days"] is None  # the setting applies
    assert wages["edition"] == "list_types/national-list-types@2026.1"
    assert [t["code"] for t in client.get("/api/v1/lists/types?on=2021-06-01").json()] == [
        "dishonest-judgment-debtor",
        "government-procurement-serious-dishonesty",
        "contract-abiding-enterprise",
        "tax-credit-grade-a",
    ]
    red = client.get("/api/v1/lists/types?side=red&on=2026-06-01").json()
    assert {t["side"] for t in red} == {"red"}
    bad = client.get("/api/v1/lists/types?on=2026-02-30")
    assert bad.status_code == 422 and bad.json()["code"] == "DATE_INVALID"


def test_entries_show_listed_and_suspended_subjects(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    person: Subject,
) -> None:
    listed = case_in(CaseState.LISTED)
    suspended = case_in(CaseState.SUSPENDED)
    case_in(CaseState.DECIDED)  # not on the list yet
    case_in(CaseState.REMOVED)  # no longer on it
    case = open_wage_case(people, person, today=date(2026, 3, 2))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=date(2026, 3, 2))
    case = actions.do_close_objection_window(case, acting_user=None, today=date(2026, 3, 10))
    no_grounds(case, people.clerk, today=date(2026, 3, 10))
    case = actions.do_decide_listing(case, acting_user=people.clerk, today=date(2026, 3, 10))
    person_case = actions.do_publish_listing(
        case, acting_user=people.clerk, today=date(2026, 3, 13)
    )

    response = client.get("/api/v1/lists/entries?type=wage-arrears")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 50)
    rows = body["results"]
    assert {r["subject_name"] for r in rows} == {"示范建筑工程有限公司", "张三"}
    by_flag = {r["measures_suspended"] for r in rows}
    assert by_flag == {True, False}
    marked = [r for r in rows if r["measures_suspended"]]
    assert len(marked) == 1 and marked[0]["suspended_since"] == "2026-06-01"
    first = next(r for r in rows if r["listed_on"] == "2026-03-13")
    assert first["subject_identifier"] == person.id_number_masked  # never the full number
    assert first["decision_number"] == person_case.documents.get(kind="decision").number
    assert set(first) == {
        "list_type",
        "list_type_name",
        "side",
        "subject_name",
        "subject_kind",
        "subject_identifier",
        "department",
        "decision_number",
        "decision_date",
        "listed_on",
        "term_end",
        "measures_suspended",
        "suspended_since",
    }
    assert listed.pk != suspended.pk
    assert client.get("/api/v1/lists/entries?type=tax-credit-grade-a").json()["count"] == 0
    assert client.get("/api/v1/lists/entries?page=2").json()["results"] == []


def test_entries_query_count_does_not_grow_with_the_page(
    client: Client,
    case_in: Callable[..., ListingCase],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(3):
        case_in(CaseState.LISTED)
    # count, page of cases with subject/department/list type, decision numbers.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/lists/entries")
    assert response.json()["count"] == 3
