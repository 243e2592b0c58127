"""Sending webhook deliveries over HTTP (the only place joint action touches the network).

One attempt: :func:`~xinyong.joint.actions.webhooks.do_start_webhook_attempt` (count, lease),
an HTTP POST outside any transaction (no database lock is held while a slow receiver
answers), :func:`~xinyong.joint.actions.webhooks.do_finish_webhook_attempt` (outcome, audit,
next attempt). Success is a 2xx answer; redirects are not followed (a receiver that moved
registers its new URL); anything else — refused connection, time-out, 3xx, 4xx, 5xx — is a
failed attempt retried with back-off.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone

from xinyong.joint.actions.webhooks import (
    Attempt,
    do_finish_webhook_attempt,
    do_start_webhook_attempt,
)
from xinyong.joint.choices import DeliveryStatus
from xinyong.joint.models import WebhookDelivery
from xinyong.joint.signing import EVENT_ID_HEADER, EVENT_TYPE_HEADER, sign

logger = logging.getLogger(__name__)

#: Seconds to connect and to wait for the answer.
TIMEOUT = 10
USER_AGENT = "xinyong-webhooks/1"
#: Deliveries one sweep sends at most (the next sweep continues).
SWEEP_LIMIT = 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(url: str) -> urllib.request.OpenerDirector:
    handlers: list[Any] = [_NoRedirect()]
    host = urlsplit(url).hostname or ""
    if host in ("127.0.0.1", "::1", "localhost"):
        handlers.append(urllib.request.ProxyHandler({}))  # never through a proxy to loopback
    return urllib.request.build_opener(*handlers)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str


def post(attempt: Attempt, *, now: datetime) -> Outcome:
    """POST the attempt's body with its signature headers; never raises."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: attempt.event_id,
        EVENT_TYPE_HEADER: attempt.event_type,
        "X-Xinyong-Attempt": str(attempt.number),
        **sign(attempt.secret, attempt.body, now=now.timestamp()),
    }
    # Only http(s) URLs are ever registered (check_webhook_url), never file: or custom schemes.
    request = urllib.request.Request(  # noqa: S310
        attempt.url, data=attempt.body, headers=headers, method="POST"
    )
    try:
        with _opener(attempt.url).open(request, timeout=TIMEOUT) as response:
            status = response.status
            response.read(1024)
    except urllib.error.HTTPError as exc:
        return Outcome(False, exc.code, f"HTTP {exc.code}")
    except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(False, None, f"{type(exc).__name__}: {reason}")
    if 200 <= status < 300:
        return Outcome(True, status, "")
    return Outcome(False, status, f"HTTP {status}")


def deliver_one(delivery_id: int, *, now: datetime | None = None) -> str:
    """One attempt of one delivery if it is due: returns its status afterwards, or
    ``"skipped"`` when there was nothing to do (delivered, dead, not due, leased)."""
    now = now or timezone.now()
    attempt = do_start_webhook_attempt(delivery_id, now=now)
    if attempt is None:
        return "skipped"
    outcome = post(attempt, now=now)
    if not outcome.ok:
        logger.info("webhook %s attempt %s failed: %s", delivery_id, attempt.number, outcome.error)
    delivery = do_finish_webhook_attempt(
        attempt, ok=outcome.ok, status_code=outcome.status_code, error=outcome.error, now=now
    )
    return delivery.status


def due_deliveries(now: datetime) -> list[int]:
    """Pending deliveries whose next attempt is due and that nobody holds (a lease that ran
    out means the worker that took it died)."""
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, endpoint__active=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )


def deliver_due(*, now: datetime | None = None) -> dict[str, int]:
    """Send every due delivery once (the sweep run by ``xinyong joint deliver`` and the
    ``deliver_due_webhooks`` task); idempotent. Returns counts by resulting status."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for pk in due_deliveries(now):
        status = deliver_one(pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
