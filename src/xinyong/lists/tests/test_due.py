"""Listing cases on the console home: due today, overdue, only for those who may see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from xinyong.console.due import due_work
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People

pytestmark = pytest.mark.django_db


def test_a_case_is_due_on_its_deadline_day_and_overdue_after(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)
    assert case.due_on == date(2026, 3, 9)

    before = due_work(people.clerk, date(2026, 3, 6))
    on_the_day = due_work(people.clerk, date(2026, 3, 9))
    after = due_work(people.clerk, date(2026, 3, 10))

    assert [(w.key, w.due_today, w.overdue, w.open) for w in before] == [("lists.cases", 0, 0, 1)]
    assert [(w.due_today, w.overdue) for w in on_the_day] == [(1, 0)]
    assert [(w.due_today, w.overdue) for w in after] == [(0, 1)]
    assert after[0].needs_attention and not before[0].needs_attention


def test_only_those_who_may_see_the_case_count_it(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.NOTICE_ISSUED)
    assert due_work(people.reviewer, date(2026, 3, 10))[0].overdue == 1  # credit office
    assert due_work(people.outsider, date(2026, 3, 10)) == []  # another department
    assert due_work(people.judge, date(2026, 3, 10)) == []  # the court did not initiate it


def test_a_listed_case_waits_for_its_term_not_for_anyone(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    # (the listing's joint-action feedback is other work, counted by xinyong.joint.due)
    assert [w for w in due_work(people.clerk, date(2030, 1, 1)) if w.key == "lists.cases"] == []


def test_the_console_home_shows_the_counts_and_links_to_the_cases(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)  # due 2026-03-09: overdue by now
    client.force_login(people.clerk)

    html = client.get(reverse("console:home")).content.decode()

    assert "今日到期与已逾期" in html
    assert 'data-key="lists.cases" class="overdue"' in html
    link = reverse("console:lists") + "?due=1"
    assert f'href="{link}"' in html
    listing = client.get(link).content.decode()
    assert case.subject.name in listing

    client.force_login(people.outsider)
    html = client.get(reverse("console:home")).content.decode()
    assert 'data-key="lists.cases"' not in html
    assert "没有等待您处理的到期事项" in html
