"""The inbox of implementing departments, execution feedback (console and API), and the
credit office's feedback rates with overdue feedback (issue 4 §5; seed 002 (十九)、(二十五))."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.joint.actions import do_record_feedback
from xinyong.joint.errors import FeedbackDateInvalid, FeedbackReasonRequired
from xinyong.joint.models import Feedback, InboxItem
from xinyong.joint.queries import feedback_rates
from xinyong.joint.tests.conftest import People, bearer
from xinyong.lists.models import ListingCase


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[timedelta], None]]:
    """Move ``timezone.now()`` (and so ``localdate()``) forward by a delta."""
    real = timezone.now

    def move(delta: timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real() + delta)

    yield move


def finance_item(people: People) -> InboxItem:
    return InboxItem.objects.get(department=people.finance)


def test_the_inbox_shows_the_departments_items_only(
    people: People, listed_case: Callable[[], ListingCase], client: Client
) -> None:
    listed_case()
    item = finance_item(people)
    client.force_login(people.finance_reporter)
    page = client.get("/console/joint/")
    html = page.content.decode()
    assert page.status_code == 200
    assert item.reference in html and "示范建筑工程有限公司" in html
    assert InboxItem.objects.get(department=people.centre).reference not in html
    detail = client.get(f"/console/joint/items/{item.pk}/").content.decode()
    assert "限制" in detail  # the measures to apply, by name
    assert "rsbl-45-2021" not in detail or "拖欠农民工工资失信联合惩戒措施" in detail
    assert 'name="outcome"' in detail  # a reporter may give feedback
    # Another department's item is not found; an outsider sees an empty inbox.
    other = InboxItem.objects.get(department=people.centre)
    assert client.get(f"/console/joint/items/{other.pk}/").status_code == 404
    client.force_login(people.outsider)
    assert item.reference not in client.get("/console/joint/").content.decode()
    assert client.get(f"/console/joint/items/{item.pk}/").status_code == 404
    # A checker of the department sees the item but has no feedback form.
    client.force_login(people.finance_checker)
    checker_view = client.get(f"/console/joint/items/{item.pk}/").content.decode()
    assert item.reference in checker_view and 'name="outcome"' not in checker_view
    refused = client.post(f"/console/joint/items/{item.pk}/feedback/", {"outcome": "applied"})
    assert refused.status_code == 403 and not Feedback.objects.exists()
    client.logout()
    assert client.get("/console/joint/").status_code == 302  # to the log-in page


def test_the_inbox_page_runs_a_fixed_number_of_queries(
    people: People, listed_case: Callable[[], ListingCase], client: Client
) -> None:
    listed_case()
    client.force_login(people.finance_reporter)
    with CaptureQueriesContext(connection) as one:
        client.get("/console/joint/?show=all")
    from xinyong.lists import actions as lists

    case = ListingCase.objects.get()
    lists.do_revoke_listing(case, reason="撤销。", acting_user=people.clerk, today=date(2026, 4, 1))
    assert InboxItem.objects.filter(department=people.finance).count() == 2
    with CaptureQueriesContext(connection) as two:
        client.get("/console/joint/?show=all")
    assert len(two) == len(one)


def test_feedback_in_the_console(
    people: People, listed_case: Callable[[], ListingCase], client: Client
) -> None:
    listed_case()
    item = finance_item(people)
    client.force_login(people.finance_reporter)
    url = f"/console/joint/items/{item.pk}/feedback/"
    # Not applicable needs a reason: refused, nothing changes.
    refused = client.post(url, {"outcome": "not_applicable", "reason": " "})
    assert refused.status_code == 422
    assert "JOINT_FEEDBACK_REASON_REQUIRED" in refused.content.decode()
    assert not Feedback.objects.exists()
    item.refresh_from_db()
    assert item.feedback_outcome == ""
    done = client.post(url, {"outcome": "failed", "reason": "系统故障，未能冻结拨款。"})
    assert done.status_code == 302
    done = client.post(url, {"outcome": "applied"})
    item.refresh_from_db()
    assert (item.feedback_outcome, item.feedback_count) == ("applied", 2)
    assert item.feedback_on == timezone.localdate()
    history = list(item.feedback.values_list("outcome", "reason", "late", "channel"))
    assert history == [
        ("failed", "系统故障，未能冻结拨款。", False, "console"),
        ("applied", "", False, "console"),
    ]
    events = AuditEvent.objects.filter(event_type=EventType.JOINT_FEEDBACK_RECORDED)
    assert events.count() == 2 and events.last().department_code == people.finance.code  # type: ignore[union-attr]
    page = client.get("/console/joint/?show=answered").content.decode()
    assert item.reference in page


def test_feedback_through_the_api(
    people: People, listed_case: Callable[[], ListingCase], client: Client,
    token: Callable[..., str],
) -> None:  # fmt: skip
    listed_case()
    item = finance_item(people)
    value = token("report")
    inbox = client.get("/api/v1/joint/inbox", **bearer(value))
    assert inbox.status_code == 200
    data = inbox.json()
    assert data["count"] == 1 and data["results"][0]["event_id"] == str(item.event_id)
    assert data["results"][0]["payload"]["listing"]["list_type"] == "wage-arrears"
    post = {"event_id": str(item.event_id), "outcome": "not_applicable"}
    missing = client.post("/api/v1/joint/feedback", post, content_type="application/json",
                          **bearer(value))  # fmt: skip
    assert (missing.status_code, missing.json()["code"]) == (422, "JOINT_FEEDBACK_REASON_REQUIRED")
    unknown = client.post(
        "/api/v1/joint/feedback",
        {"item": item.pk, "outcome": "ignored"},
        content_type="application/json",
        **bearer(value),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "JOINT_FEEDBACK_OUTCOME_UNKNOWN")
    # A token without the report scope, and another department's token, may not.
    reader = token("read_shared")
    denied = client.post("/api/v1/joint/feedback", {**post, "reason": "x"},
                         content_type="application/json", **bearer(reader))  # fmt: skip
    assert (denied.status_code, denied.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")
    other = token("report", department=people.other)
    hidden = client.post("/api/v1/joint/feedback", {**post, "reason": "x"},
                         content_type="application/json", **bearer(other))  # fmt: skip
    assert (hidden.status_code, hidden.json()["code"]) == (404, "JOINT_ITEM_NOT_FOUND")
    assert not Feedback.objects.exists()
    ok = client.post(
        "/api/v1/joint/feedback",
        {**post, "reason": "该主体未在本部门申请财政资金。"},
        content_type="application/json",
        **bearer(value),
    )
    assert ok.status_code == 201, ok.content
    answer = ok.json()
    assert answer["feedback"] == "not_applicable"
    assert answer["feedback_history"][0]["channel"] == "api"
    assert answer["feedback_history"][0]["given_by"].startswith("token ")
    assert client.get(f"/api/v1/joint/inbox/{item.pk}", **bearer(other)).status_code == 404
    assert client.get("/api/v1/joint/inbox").status_code == 401


def test_feedback_dates_and_lateness(
    people: People, listed_case: Callable[[], ListingCase], clock: Callable[[timedelta], None]
) -> None:
    listed_case()
    item = finance_item(people)
    today = timezone.localdate()
    with pytest.raises(FeedbackReasonRequired):
        do_record_feedback(item, outcome="failed", acting_user=people.finance_reporter)
    with pytest.raises(FeedbackDateInvalid):
        do_record_feedback(
            item, outcome="applied", given_on=today + timedelta(days=1),
            acting_user=people.finance_reporter,
        )  # fmt: skip
    with pytest.raises(FeedbackDateInvalid):
        do_record_feedback(
            item, outcome="applied", given_on=today - timedelta(days=1),
            acting_user=people.finance_reporter,
        )  # fmt: skip
    clock(timedelta(days=30))
    late = do_record_feedback(item, outcome="applied", acting_user=people.finance_reporter)
    assert late.late and late.given_on > item.due_on


def test_feedback_rates_and_overdue_feedback_for_the_credit_office(
    people: People,
    listed_case: Callable[[], ListingCase],
    client: Client,
    clock: Callable[[timedelta], None],
    token: Callable[..., str],
) -> None:
    listed_case()
    do_record_feedback(finance_item(people), outcome="applied", acting_user=people.finance_reporter)
    centre = InboxItem.objects.get(department=people.centre)
    do_record_feedback(
        centre, outcome="not_applicable", reason="本中心未受理该主体的交易。",
        acting_user=people.centre_reporter,
    )  # fmt: skip
    due = finance_item(people).due_on
    # Two weeks later, the bureau and the government have not answered: overdue.
    clock(timedelta(days=14))
    today = timezone.localdate()
    assert today > due
    rates = {r.code: r for r in feedback_rates(today=today)}
    assert (rates[people.finance.code].answered, rates[people.finance.code].on_time) == (1, 1)
    assert rates[people.finance.code].rate == 1.0
    assert rates[people.government.code].overdue == 1
    assert rates[people.government.code].rate == 0.0
    assert rates[people.centre.code].not_applicable == 1

    client.force_login(people.reviewer)
    page = client.get("/console/joint/rates/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html
    assert people.government.name in html and "100%" in html
    assert InboxItem.objects.get(department=people.government).reference in html  # overdue list
    api = client.get("/api/v1/joint/feedback-rates").json()
    by_code = {d["department"]["code"]: d for d in api["departments"]}
    assert by_code[people.finance.code]["feedback_rate"] == 1.0
    assert by_code[people.government.code]["overdue"] == 1
    overdue = client.get("/api/v1/joint/feedback/overdue").json()
    assert {o["department"]["code"] for o in overdue} == {
        people.government.code,
        people.bureau.code,
    }
    assert all(o["days_overdue"] > 0 for o in overdue)
    overdue_inbox = client.get("/console/joint/?show=overdue")
    assert overdue_inbox.status_code == 200

    # Not for departments: 404 page, 403 problem.
    client.force_login(people.finance_reporter)
    assert client.get("/console/joint/rates/").status_code == 404
    denied = client.get("/api/v1/joint/feedback-rates")
    assert (denied.status_code, denied.json()["code"]) == (403, "PERMISSION_DENIED")
    # A credit-office system with read_shared may; a sector authority's may not.
    office = token("read_shared", department=people.credit_office)
    assert client.get("/api/v1/joint/feedback-rates", **bearer(office)).status_code == 200
    sector = token("read_shared", department=people.finance)
    assert client.get("/api/v1/joint/feedback-rates", **bearer(sector)).status_code == 403
