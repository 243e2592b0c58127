"""Joint action on the console home (feedback due) and the dashboards (sent and answered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from xinyong.joint.actions import do_record_feedback
from xinyong.joint.dashboard import panel
from xinyong.joint.due import due_work
from xinyong.joint.models import InboxItem
from xinyong.joint.tests.conftest import People
from xinyong.lists.models import ListingCase

pytestmark = pytest.mark.django_db


def test_feedback_is_due_on_its_day_and_overdue_after(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    listed_case()
    item = InboxItem.objects.get(department=people.finance)

    def counts(today: date) -> list[tuple[int, int, int]]:
        work = due_work(people.finance_reporter, today)
        return [(w.due_today, w.overdue, w.open) for w in work]

    assert counts(item.due_on - timedelta(days=1)) == [(0, 0, 1)]
    assert counts(item.due_on) == [(1, 0, 1)]
    after = item.due_on + timedelta(days=1)
    assert counts(after) == [(0, 1, 1)]
    assert due_work(people.outsider, after) == []  # not its department

    do_record_feedback(item, outcome="applied", acting_user=people.finance_reporter)
    assert due_work(people.finance_reporter, after) == []


def test_the_dashboard_panel_is_for_the_credit_office(
    people: People, listed_case: Callable[[], ListingCase], client: Client
) -> None:
    listed_case()
    item = InboxItem.objects.get(department=people.finance)
    do_record_feedback(item, outcome="applied", acting_user=people.finance_reporter)
    today = item.created_at.date()

    figures = panel(people.reviewer, today)
    assert figures is not None
    sent, answered = (sum(int(str(row[i])) for row in figures.rows) for i in (1, 2))
    assert sent == InboxItem.objects.count() and answered == 1
    assert panel(people.finance_reporter, today) is None

    client.force_login(people.reviewer)
    html = client.get(reverse("console:dashboards")).content.decode()
    assert 'data-panel="joint.feedback"' in html
    client.force_login(people.finance_reporter)
    html = client.get(reverse("console:dashboards")).content.decode()
    assert 'data-panel="joint.feedback"' not in html
