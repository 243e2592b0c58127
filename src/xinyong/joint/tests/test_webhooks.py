"""Signed webhooks with retries, dead letters and at-least-once delivery, tested against a
real HTTP receiver on 127.0.0.1 (issue 4 §5 and "Bad input and faults": a receiver that is
down gets the event later, once; nothing is lost if the worker is killed mid-delivery)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.joint.actions import (
    do_disable_webhook_endpoint,
    do_register_webhook_endpoint,
    do_rotate_webhook_secret,
    do_start_webhook_attempt,
)
from xinyong.joint.actions.webhooks import BACKOFF, MAX_ATTEMPTS
from xinyong.joint.delivery import deliver_due
from xinyong.joint.errors import WebhookUrlInvalid
from xinyong.joint.models import WebhookDelivery, WebhookEndpoint
from xinyong.joint.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    compute_signature,
    sign,
    verify_signature,
)
from xinyong.joint.tasks import deliver_due_webhooks, deliver_webhook
from xinyong.joint.tests.conftest import People, bearer, decided_case, publish
from xinyong.joint.tests.receiver import Receiver, free_port


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(port=free_port())
    yield r
    r.stop()


def endpoint_for(people: People, url: str) -> tuple[WebhookEndpoint, str]:
    return do_register_webhook_endpoint(
        people.finance, url=url, description="财政一体化系统", acting_user=people.finance_reporter
    )


def test_a_receiver_that_is_down_gets_the_event_once_after_the_retry(
    people: People, company: Any, receiver: Receiver
) -> None:
    endpoint, secret = endpoint_for(people, receiver.url)
    receiver.secret = secret
    publish(people, decided_case(people, company))
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint and delivery.status == "pending"

    # The receiver is down: the connection is refused, the retry is due in 1 minute.
    started = timezone.now()
    assert deliver_webhook.call(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "refused" in delivery.last_error.lower()
    assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(seconds=BACKOFF[0])
    assert AuditEvent.objects.filter(event_type=EventType.WEBHOOK_ATTEMPT_FAILED).count() == 1
    assert deliver_due() == {}  # not due yet

    # The receiver comes up; the sweep a minute later delivers the event.
    receiver.start()
    assert deliver_due(now=started + timedelta(seconds=61)) == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 204)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.headers[EVENT_ID_HEADER] == str(delivery.event_id)
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.headers["X-Xinyong-Event-Type"] == "listing.took_effect"
    assert got.headers["X-Xinyong-Attempt"] == "2"
    body = json.loads(got.body)
    assert body["event_id"] == str(delivery.event_id)
    assert body["type"] == "listing.took_effect"
    assert body["department"]["code"] == people.finance.code
    assert any(m["code"] == "restrict-fiscal-funds" for m in body["measures"])
    # The signature verifies; a tampered body does not.
    assert verify_signature(secret, got.headers, got.body)
    tampered = got.body.replace(b"took_effect", b"ended")
    assert tampered != got.body
    assert not verify_signature(secret, got.headers, tampered)
    assert not verify_signature("whsec_wrong", got.headers, got.body)
    assert receiver.processed == [str(delivery.event_id)]

    # Nothing more is sent: not by the sweep, not by the task.
    assert deliver_due(now=started + timedelta(days=1)) == {}
    assert deliver_webhook.call(delivery.pk) == "skipped"
    assert deliver_due_webhooks.call() == {}
    assert len(receiver.requests) == 1
    assert AuditEvent.objects.filter(event_type=EventType.WEBHOOK_DELIVERED).count() == 1


def test_a_worker_killed_mid_delivery_loses_nothing(
    people: People, company: Any, receiver: Receiver
) -> None:
    _endpoint, secret = endpoint_for(people, receiver.url)
    receiver.secret = secret
    receiver.start()
    publish(people, decided_case(people, company))
    delivery = WebhookDelivery.objects.get()
    t0 = timezone.now()
    # A worker takes the delivery and dies before it sends (or before it records the answer).
    attempt = do_start_webhook_attempt(delivery.pk, now=t0)
    assert attempt is not None and attempt.number == 1
    assert do_start_webhook_attempt(delivery.pk, now=t0) is None  # nobody else takes it
    assert deliver_due(now=t0 + timedelta(seconds=60)) == {}  # still leased
    assert receiver.requests == []
    # Once the lease has run out, the next sweep sends it.
    assert deliver_due(now=t0 + timedelta(seconds=121)) == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 1


def test_after_the_last_attempt_the_delivery_is_a_dead_letter_that_can_be_sent_again(
    people: People, company: Any, receiver: Receiver, client: Client
) -> None:
    _endpoint, secret = endpoint_for(people, receiver.url)
    receiver.secret = secret
    publish(people, decided_case(people, company))
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    waits = []
    for n in range(MAX_ATTEMPTS):
        assert deliver_due(now=now) == {("dead" if n == MAX_ATTEMPTS - 1 else "pending"): 1}
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append((delivery.next_attempt_at - now).total_seconds())
            now = delivery.next_attempt_at
    assert waits == [60, 300, 1800, 7200, 43200]  # 1 min, 5 min, 30 min, 2 h, 12 h
    assert (delivery.status, delivery.attempts) == ("dead", MAX_ATTEMPTS)
    assert delivery.dead_at is not None
    assert AuditEvent.objects.filter(event_type=EventType.WEBHOOK_DEAD_LETTERED).count() == 1
    assert deliver_due(now=now + timedelta(days=30)) == {}  # a dead letter is not retried

    # Visible in the console of the department, and sent again from there.
    client.force_login(people.finance_reporter)
    page = client.get("/console/joint/webhooks/")
    html = page.content.decode()
    assert page.status_code == 200
    assert str(delivery.event_id) in html and "/redeliver/" in html
    response = client.post(f"/console/joint/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    receiver.start()
    assert deliver_due() == {"delivered": 1}
    assert len(receiver.requests) == 1
    assert verify_signature(secret, receiver.requests[0].headers, receiver.requests[0].body)


def test_a_receiver_answering_an_error_is_retried(
    people: People, company: Any, receiver: Receiver
) -> None:
    endpoint_for(people, receiver.url)  # the receiver checks nothing, but answers 500
    receiver.status = 500
    receiver.start()
    publish(people, decided_case(people, company))
    delivery = WebhookDelivery.objects.get()
    assert deliver_due() == {"pending": 1}
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_error) == (500, "HTTP 500")
    receiver.status = 200
    assert deliver_due(now=timezone.now() + timedelta(minutes=2)) == {"delivered": 1}
    assert len(receiver.requests) == 2
    # Both attempts carried the same event id and the same body (receivers dedupe by id).
    assert receiver.requests[0].body == receiver.requests[1].body
    assert receiver.processed == [str(delivery.event_id)]


def test_rotating_the_secret_signs_pending_deliveries_with_the_new_one(
    people: People, company: Any, receiver: Receiver
) -> None:
    endpoint, old = endpoint_for(people, receiver.url)
    publish(people, decided_case(people, company))
    _endpoint, new = do_rotate_webhook_secret(endpoint, acting_user=people.finance_reporter)
    assert new != old and new.startswith("whsec_")
    receiver.secret = new
    receiver.start()
    assert deliver_due() == {"delivered": 1}
    got = receiver.requests[0]
    assert verify_signature(new, got.headers, got.body)
    assert not verify_signature(old, got.headers, got.body)


def test_disabling_an_endpoint_dead_letters_what_is_pending(
    people: People, company: Any, receiver: Receiver
) -> None:
    endpoint, _secret = endpoint_for(people, receiver.url)
    publish(people, decided_case(people, company))
    do_disable_webhook_endpoint(endpoint, acting_user=people.finance_reporter)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("dead", "endpoint disabled")
    receiver.start()
    assert deliver_due() == {}
    assert receiver.requests == []


def test_signature_scheme() -> None:
    body = '{"event_id":"e","type":"listing.ended","名称":"示范"}'.encode()
    headers = sign("whsec_test", body, now=1_790_000_000)
    assert headers[TIMESTAMP_HEADER] == "1790000000"
    assert headers[SIGNATURE_HEADER] == compute_signature("whsec_test", "1790000000", body)
    assert headers[SIGNATURE_HEADER].startswith("v1=") and len(headers[SIGNATURE_HEADER]) == 67
    lower = {k.lower(): v for k, v in headers.items()}  # header names are case-insensitive
    assert verify_signature("whsec_test", lower, body, now=1_790_000_100)
    # A replayed request (old timestamp) fails even with a valid signature.
    assert not verify_signature("whsec_test", headers, body, now=1_790_000_301)
    assert not verify_signature("whsec_test", {**headers, TIMESTAMP_HEADER: "x"}, body)
    assert not verify_signature("whsec_test", {}, body)
    # During a rotation several signatures may be sent; one matching is enough.
    both = {**headers, SIGNATURE_HEADER: "v1=00, " + headers[SIGNATURE_HEADER]}
    assert verify_signature("whsec_test", both, body, now=1_790_000_000)


@pytest.mark.parametrize(
    "url",
    [
        "http://finance.example.gov.cn/hook",  # http outside loopback
        "ftp://example.gov.cn/x",
        "https://user:pw@example.gov.cn/x",
        "not a url",
    ],
)
def test_endpoint_urls_must_be_https(people: People, url: str) -> None:
    with pytest.raises(WebhookUrlInvalid):
        endpoint_for(people, url)
    assert not WebhookEndpoint.objects.exists()


def test_endpoints_through_the_api(
    people: People, client: Client, token: Callable[..., str]
) -> None:
    value = token("report")
    created = client.post(
        "/api/v1/joint/webhooks",
        {"url": "https://finance.example.gov.cn/xinyong", "description": "一体化系统"},
        content_type="application/json",
        **bearer(value),
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["secret"].startswith("whsec_") and data["secret"].endswith(data["secret_hint"])
    assert data["department"]["code"] == people.finance.code
    listed = client.get("/api/v1/joint/webhooks", **bearer(value)).json()
    assert [e["id"] for e in listed] == [data["id"]]
    assert "secret" not in listed[0]
    rotated = client.post(f"/api/v1/joint/webhooks/{data['id']}/rotate-secret", **bearer(value))
    assert rotated.status_code == 200 and rotated.json()["secret"] != data["secret"]
    bad = client.post(
        "/api/v1/joint/webhooks",
        {"url": "http://finance.example.gov.cn/x"},
        content_type="application/json",
        **bearer(value),
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "WEBHOOK_URL_INVALID")
    # A token without the scope, or of another department, may not.
    check_only = token("check")
    denied = client.post(
        "/api/v1/joint/webhooks",
        {"url": "https://x.example.gov.cn/"},
        content_type="application/json",
        **bearer(check_only),
    )
    assert (denied.status_code, denied.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")
    other = token("report", department=people.centre)
    gone = client.delete(f"/api/v1/joint/webhooks/{data['id']}", **bearer(other))
    assert (gone.status_code, gone.json()["code"]) == (404, "WEBHOOK_ENDPOINT_NOT_FOUND")
    assert WebhookEndpoint.objects.get().active
    disabled = client.delete(f"/api/v1/joint/webhooks/{data['id']}", **bearer(value))
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert client.get("/api/v1/joint/webhooks").status_code == 401


def test_endpoints_in_the_console_show_the_secret_once(people: People, client: Client) -> None:
    client.force_login(people.finance_reporter)
    response = client.post(
        "/console/joint/webhooks/",
        {"department": people.finance.code, "url": "https://finance.example.gov.cn/hook"},
    )
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    html = response.content.decode()
    assert 'id="new-secret"' in html
    page = client.get("/console/joint/webhooks/").content.decode()
    assert 'id="new-secret"' not in page and endpoint.url in page
    assert endpoint.secret_hint in page
    # A checker of the same department (no report scope) cannot register.
    client.force_login(people.finance_checker)
    refused = client.post(
        "/console/joint/webhooks/",
        {"department": people.finance.code, "url": "https://finance.example.gov.cn/2"},
    )
    assert refused.status_code == 422
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_the_commit_enqueued(
    people: People, company: Any, receiver: Receiver
) -> None:
    _endpoint, secret = endpoint_for(people, receiver.url)
    receiver.secret = secret
    receiver.start()
    publish(people, decided_case(people, company))  # commits; the delivery task is enqueued
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered"
    assert len(receiver.requests) == 1
    assert verify_signature(secret, receiver.requests[0].headers, receiver.requests[0].body)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_cannot_both_take_the_same_delivery(people: People, company: Any) -> None:
    import threading

    from django.db import connections

    endpoint_for(people, f"http://127.0.0.1:{free_port()}/x")
    publish(people, decided_case(people, company))
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    barrier = threading.Barrier(2)
    taken: list[object] = []

    def work() -> None:
        try:
            barrier.wait()
            taken.append(do_start_webhook_attempt(delivery.pk, now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a is None for a in taken) == [False, True]
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_the_deliver_command_sends_what_is_due(
    people: People, company: Any, receiver: Receiver
) -> None:
    import io

    out = io.StringIO()
    call_command("joint", "deliver", stdout=out)
    assert out.getvalue().strip() == "0 deliveries attempted (nothing due)"
    endpoint_for(people, receiver.url)
    receiver.start()
    publish(people, decided_case(people, company))
    out = io.StringIO()
    call_command("joint", "deliver", stdout=out)
    assert out.getvalue().strip() == "1 deliveries attempted (delivered: 1)"
    assert len(receiver.requests) == 1
