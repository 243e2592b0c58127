"""Webhook endpoints (register, rotate the secret, disable) and the delivery state machine:
pending → (attempt) → delivered | pending with a later next attempt | dead (dead letter);
dead → pending again when someone asks for a redelivery.

Back-off (docs/decisions/0038-webhook-signatures.md): after failed attempt n the next one is
``BACKOFF[n-1]`` later — 1 min, 5 min, 30 min, 2 h, 12 h — and after the sixth failure the
delivery is dead-lettered (visible in the console, redeliverable by hand).

An attempt is two short transactions around the HTTP request (``xinyong.joint.delivery``):
:func:`do_start_webhook_attempt` counts the attempt and leases the row, so a second worker
leaves it alone; :func:`do_finish_webhook_attempt` records the outcome with its audit event.
A worker killed between the two leaves a leased pending row: once the lease has run out the
next sweep sends it again (at-least-once; receivers dedupe by the event id).
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core import crypto
from xinyong.core.models import Department, User
from xinyong.joint.choices import DeliveryStatus
from xinyong.joint.errors import (
    WebhookDeliveryNotDead,
    WebhookDeliveryNotFound,
    WebhookEndpointDisabled,
    WebhookEndpointNotFound,
    WebhookUrlInvalid,
)
from xinyong.joint.models import WebhookDelivery, WebhookEndpoint
from xinyong.joint.scheduling import schedule_deliveries

#: Wait after failed attempt 1, 2, … (seconds): 1 min, 5 min, 30 min, 2 h, 12 h.
BACKOFF: Final = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS: Final = len(BACKOFF) + 1
#: How long a started attempt keeps other workers away (longer than the HTTP timeout).
LEASE: Final = timedelta(seconds=120)
SECRET_PREFIX: Final = "whsec_"  # noqa: S105 (a prefix, not a secret)


def _label(acting_user: User | None, actor_label: str) -> str:
    return ((acting_user.get_username() if acting_user else actor_label) or "system")[:200]


def check_webhook_url(url: str) -> str:
    """An absolute ``https`` URL without credentials; ``http`` only to a loopback address
    (a receiver on the same host) or when ``XINYONG["WEBHOOK_ALLOW_HTTP"]`` is set (an
    isolated government network)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    problem = ""
    if parts.scheme not in ("https", "http") or not parts.hostname:
        problem = "scheme"
    elif parts.username or parts.password:
        problem = "credentials"
    elif parts.scheme == "http" and not settings.XINYONG.get("WEBHOOK_ALLOW_HTTP"):
        host = parts.hostname
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            problem = "http"
    if problem or len(url) > 500:
        raise WebhookUrlInvalid(
            message_zh="接收地址应为完整的 https 地址（如 https://example.gov.cn/xinyong/events），"
            "不得包含用户名或密码；http 仅限本机地址。",
            message_en="the endpoint must be an absolute https URL (e.g. "
            "https://example.gov.cn/xinyong/events) without user name or password; http only "
            "to a loopback address.",
            url=url[:200],
            problem=problem or "length",
        )
    return url


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def do_register_webhook_endpoint(
    department: Department,
    *,
    url: str,
    description: str = "",
    acting_user: User | None,
    actor_label: str = "",
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for ``department`` (the caller checked the actor may act for it).
    Returns the endpoint and its secret — shown once; only its last four characters are kept
    in clear."""
    url = check_webhook_url(url)
    secret = new_secret()
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(
        department=department,
        url=url,
        description=description.strip()[:200],
        secret_encrypted=crypto.encrypt(secret),
        secret_hint=secret[-4:],
        created_by_label=_label(acting_user, actor_label),
        secret_rotated_at=now,
    )
    record_event(
        EventType.WEBHOOK_ENDPOINT_REGISTERED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=endpoint,
        department=department,
        after={"url": url, "department": department.code, "secret_hint": endpoint.secret_hint},
    )
    return endpoint, secret


def _locked_endpoint(endpoint: WebhookEndpoint | int) -> WebhookEndpoint:
    pk = endpoint.pk if isinstance(endpoint, WebhookEndpoint) else endpoint
    found = WebhookEndpoint.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise WebhookEndpointNotFound(
            message_zh=f"接收地址 {pk} 不存在。",
            message_en=f"webhook endpoint {pk} does not exist.",
        )
    return found


@transaction.atomic
def do_rotate_webhook_secret(
    endpoint: WebhookEndpoint | int, *, acting_user: User | None, actor_label: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Issue a new secret (the old one stops working at once: deliveries still pending are
    signed with the new one)."""
    locked = _locked_endpoint(endpoint)
    secret = new_secret()
    before = {"secret_hint": locked.secret_hint}
    locked.secret_encrypted = crypto.encrypt(secret)
    locked.secret_hint = secret[-4:]
    locked.secret_rotated_at = timezone.now()
    locked.save(update_fields=["secret_encrypted", "secret_hint", "secret_rotated_at"])
    record_event(
        EventType.WEBHOOK_SECRET_ROTATED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=locked,
        department=locked.department,
        before=before,
        after={"secret_hint": locked.secret_hint},
    )
    return locked, secret


@transaction.atomic
def do_disable_webhook_endpoint(
    endpoint: WebhookEndpoint | int, *, acting_user: User | None, actor_label: str = ""
) -> WebhookEndpoint:
    """Stop sending to the endpoint; its pending deliveries become dead letters (visible, and
    redeliverable once an endpoint works again). The inbox is unaffected."""
    locked = _locked_endpoint(endpoint)
    if not locked.active:
        return locked
    now = timezone.now()
    locked.active = False
    locked.disabled_at = now
    locked.save(update_fields=["active", "disabled_at"])
    dead = WebhookDelivery.objects.filter(endpoint=locked, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DEAD, dead_at=now, last_error="endpoint disabled", leased_until=None
    )
    record_event(
        EventType.WEBHOOK_ENDPOINT_DISABLED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=locked,
        department=locked.department,
        after={"url": locked.url, "pending_dead_lettered": dead},
    )
    return locked


@dataclass(frozen=True)
class Attempt:
    """What a worker needs to send one attempt (read under the row lock)."""

    delivery_id: int
    number: int
    url: str
    secret: str
    body: bytes
    event_id: str
    event_type: str


def is_due(delivery: WebhookDelivery, now: datetime) -> bool:
    return (
        delivery.status == DeliveryStatus.PENDING
        and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)
        and (delivery.leased_until is None or delivery.leased_until <= now)
    )


@transaction.atomic
def do_start_webhook_attempt(delivery_id: int, *, now: datetime | None = None) -> Attempt | None:
    """Count an attempt and lease the delivery, if it is due and nobody holds it; None
    otherwise (delivered, dead, not due yet, or being sent by another worker). Not audited
    on its own: the outcome is (:func:`do_finish_webhook_attempt`)."""
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not is_due(delivery, now) or not delivery.endpoint.active:
        return None
    delivery.attempts += 1
    delivery.leased_until = now + LEASE
    delivery.last_attempt_at = now
    delivery.save(update_fields=["attempts", "leased_until", "last_attempt_at"])
    return Attempt(
        delivery_id=delivery.pk,
        number=delivery.attempts,
        url=delivery.endpoint.url,
        secret=crypto.decrypt(delivery.endpoint.secret_encrypted),
        body=delivery.body.encode("utf-8"),
        event_id=str(delivery.event_id),
        event_type=delivery.event_type,
    )


@transaction.atomic
def do_finish_webhook_attempt(
    attempt: Attempt,
    *,
    ok: bool,
    status_code: int | None = None,
    error: str = "",
    now: datetime | None = None,
) -> WebhookDelivery:
    """Record the outcome of ``attempt``: delivered; or failed with the next attempt after the
    back-off; or, after the last attempt, dead-lettered. An outcome that arrives after the
    lease ran out and another worker took the row over is kept only if it is a success."""
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "endpoint__department")
        .get(pk=attempt.delivery_id)
    )
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    if not ok and delivery.attempts != attempt.number:
        return delivery  # a newer attempt owns the row
    delivery.last_status_code = status_code
    delivery.last_error = error[:500]
    delivery.leased_until = None
    common = {
        "event_id": attempt.event_id,
        "event_type": attempt.event_type,
        "attempt": attempt.number,
        "url": delivery.endpoint.url,
        "status_code": status_code,
    }
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        event = EventType.WEBHOOK_DELIVERED
        after = common
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
        delivery.dead_at = now
        delivery.next_attempt_at = None
        event = EventType.WEBHOOK_DEAD_LETTERED
        after = {**common, "error": delivery.last_error}
    else:
        delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])
        event = EventType.WEBHOOK_ATTEMPT_FAILED
        after = {
            **common,
            "error": delivery.last_error,
            "next_attempt_at": delivery.next_attempt_at,
        }
    delivery.save()
    record_event(
        event,
        acting_user=None,
        actor_label="system:joint-webhooks",
        obj=delivery,
        department=delivery.endpoint.department,
        after=after,
    )
    if event == EventType.WEBHOOK_ATTEMPT_FAILED:
        schedule_deliveries([delivery.pk], run_after=delivery.next_attempt_at)
    return delivery


@transaction.atomic
def do_redeliver_webhook(
    delivery: WebhookDelivery | int, *, acting_user: User | None, actor_label: str = ""
) -> WebhookDelivery:
    """Send a dead letter again: a fresh cycle of attempts to its endpoint (refused when
    the endpoint was disabled)."""
    pk = delivery.pk if isinstance(delivery, WebhookDelivery) else delivery
    locked = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "endpoint__department")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise WebhookDeliveryNotFound(
            message_zh=f"推送记录 {pk} 不存在。", message_en=f"delivery {pk} does not exist."
        )
    if locked.status != DeliveryStatus.DEAD:
        raise WebhookDeliveryNotDead(
            message_zh="只有投递失败（死信）的推送才能重新投递。",
            message_en="only a dead-lettered delivery can be sent again.",
            delivery_status=locked.status,
        )
    if not locked.endpoint.active:
        raise WebhookEndpointDisabled(
            message_zh="该接收地址已停用，无法重新投递；请先登记可用的接收地址。",
            message_en="the endpoint is disabled; register a working endpoint first.",
        )
    before = {"status": locked.status, "attempts": locked.attempts}
    locked.status = DeliveryStatus.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.leased_until = None
    locked.dead_at = None
    locked.save()
    record_event(
        EventType.WEBHOOK_REDELIVERY_REQUESTED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=locked,
        department=locked.endpoint.department,
        before=before,
        after={"status": locked.status, "event_id": str(locked.event_id)},
    )
    schedule_deliveries([locked.pk])
    return locked
