"""Watches (re-screening, issue 4 §6): a department registers grants it wants watched; when a
listing later takes effect that restricts the matter for the subject, it is told."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.models import Subject
from xinyong.joint.actions import do_end_watch, do_register_watch, do_register_webhook_endpoint
from xinyong.joint.delivery import deliver_due
from xinyong.joint.models import InboxItem, Watch, WebhookDelivery
from xinyong.joint.signing import verify_signature
from xinyong.joint.tests.conftest import People, bearer, decided_case, publish
from xinyong.joint.tests.receiver import Receiver, free_port
from xinyong.policy.tests.fixtures import after


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(port=free_port())
    yield r
    r.stop()


def watch(people: People, subject: Subject, matter: str, reference: str) -> Watch:
    return do_register_watch(
        people.finance,
        subject=subject,
        matter=matter,
        grant_reference=reference,
        acting_user=people.finance_checker,
    )


def test_a_watched_grant_is_rescreened_when_a_listing_takes_effect(
    people: People, company: Subject, receiver: Receiver, make_subject: Callable[..., Subject]
) -> None:
    case = decided_case(people, company)
    funds = watch(people, company, "fiscal_funds", "示财补〔2025〕88号")
    travel = watch(people, company, "outbound_travel", "示财外〔2025〕1号")  # not restricted
    ended = watch(people, company, "bidding", "示财招〔2025〕9号")
    do_end_watch(ended, acting_user=people.finance_checker)
    watch(people, make_subject("另一家公司"), "fiscal_funds", "示财补〔2025〕89号")  # not listed
    _endpoint, secret = do_register_webhook_endpoint(
        people.finance, url=receiver.url, acting_user=people.finance_reporter
    )
    receiver.secret = secret
    publish(people, case)

    rescreening = InboxItem.objects.filter(kind="rescreening")
    assert [i.watch_id for i in rescreening] == [funds.pk]
    item = rescreening.get()
    assert item.department == people.finance
    assert [m["code"] for m in item.measures] == ["restrict-fiscal-funds"]
    assert item.payload["type"] == "rescreening"
    assert item.payload["watch"]["grant_reference"] == "示财补〔2025〕88号"
    assert "is now restricted" in item.payload["watch"]["message_en"]
    assert "示财补〔2025〕88号" in item.payload["watch"]["message_zh"]
    assert travel.pk not in {i.watch_id for i in InboxItem.objects.all()}
    # Its own event id, besides the department's listing-change item.
    change = InboxItem.objects.get(department=people.finance, kind="listing_change")
    assert item.event_id != change.event_id
    event = AuditEvent.objects.get(event_type=EventType.JOINT_LISTING_ANNOUNCED)
    assert after(event)["rescreening"] == [funds.pk]

    # Both go to the department's webhook, signed.
    receiver.start()
    assert deliver_due() == {"delivered": 2}
    types = sorted(json.loads(r.body)["type"] for r in receiver.requests)
    assert types == ["listing.took_effect", "rescreening"]
    assert all(verify_signature(secret, r.headers, r.body) for r in receiver.requests)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2

    # Later changes of the listing re-screen nothing again.
    from datetime import date

    from xinyong.lists import actions as lists

    lists.do_revoke_listing(case, reason="撤销。", acting_user=people.clerk, today=date(2026, 4, 1))
    assert InboxItem.objects.filter(kind="rescreening").count() == 1


def test_watches_through_the_api(
    people: People, company: Subject, client: Client, token: Callable[..., str]
) -> None:
    value = token("check")
    body: dict[str, Any] = {
        "subject": company.uscc,
        "matter": "fiscal_funds",
        "grant_reference": "示财补〔2025〕88号",
        "granted_on": "2025-12-01",
    }
    created = client.post("/api/v1/joint/watches", body, content_type="application/json",
                          **bearer(value))  # fmt: skip
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["subject_name"], data["matter"], data["active"]) == (company.name, "fiscal_funds",
                                                                      True)  # fmt: skip
    again = client.post("/api/v1/joint/watches", body, content_type="application/json",
                        **bearer(value))  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (409, "WATCH_DUPLICATE")
    assert company.uscc is not None
    invalid = {**body, "subject": company.uscc[:-1] + ("0" if company.uscc[-1] != "0" else "1")}
    bad = client.post("/api/v1/joint/watches", invalid, content_type="application/json",
                      **bearer(value))  # fmt: skip
    assert (bad.status_code, bad.json()["code"]) == (422, "WATCH_SUBJECT_CODE_INVALID")
    from xinyong.core.tests.fixtures import uscc_for

    unknown = client.post("/api/v1/joint/watches", {**body, "subject": uscc_for()},
                          content_type="application/json", **bearer(value))  # fmt: skip
    assert (unknown.status_code, unknown.json()["code"]) == (404, "WATCH_SUBJECT_UNKNOWN")
    matter = client.post("/api/v1/joint/watches", {**body, "matter": "lottery"},
                         content_type="application/json", **bearer(value))  # fmt: skip
    assert (matter.status_code, matter.json()["code"]) == (422, "WATCH_MATTER_UNKNOWN")
    report_only = token("report")
    denied = client.post("/api/v1/joint/watches", {**body, "grant_reference": "x"},
                         content_type="application/json", **bearer(report_only))  # fmt: skip
    assert (denied.status_code, denied.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")
    assert Watch.objects.count() == 1
    listed = client.get("/api/v1/joint/watches", **bearer(value)).json()
    assert [w["id"] for w in listed] == [data["id"]]
    other = token("check", department=people.centre)
    assert client.delete(f"/api/v1/joint/watches/{data['id']}", **bearer(other)).status_code == 404
    ended = client.delete(f"/api/v1/joint/watches/{data['id']}", **bearer(value))
    assert ended.status_code == 200 and ended.json()["active"] is False
    assert AuditEvent.objects.filter(event_type=EventType.JOINT_WATCH_ENDED).count() == 1


def test_watches_in_the_console(
    people: People, make_subject: Callable[..., Subject], client: Client
) -> None:
    person = make_subject("李四", kind="natural_person", id_number="110101199005173110")
    client.force_login(people.finance_checker)
    response = client.post(
        "/console/joint/watches/",
        {
            "department": people.finance.code,
            "subject": "110101199005173110",
            "matter": "honours",
            "grant_reference": "示财表〔2026〕3号",
        },
    )
    assert response.status_code == 302
    w = Watch.objects.get()
    assert (w.subject, w.matter, w.created_by) == (person, "honours", people.finance_checker)
    page = client.get("/console/joint/watches/").content.decode()
    assert "示财表〔2026〕3号" in page and "110101199005173110" not in page  # masked
    wrong = client.post(
        "/console/joint/watches/",
        {"department": people.finance.code, "subject": "12345", "matter": "honours",
         "grant_reference": "x"},
    )  # fmt: skip
    assert wrong.status_code == 422 and "WATCH_SUBJECT_CODE_INVALID" in wrong.content.decode()
    assert client.post(f"/console/joint/watches/{w.pk}/end/").status_code == 302
    w.refresh_from_db()
    assert not w.active
    # A reporter (no check scope) sees no form.
    client.force_login(people.finance_reporter)
    assert 'name="grant_reference"' not in client.get("/console/joint/watches/").content.decode()
