"""Signing webhook deliveries, and the check a receiver makes (copy :func:`verify_signature`).

Scheme (docs/joint-action.md, "Webhooks"; docs/decisions/0038-webhook-signatures.md):

- ``X-Xinyong-Timestamp``: the send time in Unix seconds (a new value on every attempt);
- ``X-Xinyong-Signature``: ``v1=`` + hex HMAC-SHA256, keyed with the endpoint's secret (its
  UTF-8 bytes), over ``timestamp + "." + body`` (the body exactly as received, bytes);
- ``X-Xinyong-Event-Id``: the event's UUID, the same on every attempt — receivers dedupe by it
  (delivery is at-least-once).

A receiver recomputes the HMAC over the raw body, compares in constant time, and refuses a
timestamp more than ``tolerance`` seconds away from its clock (a replayed old request fails
even with a valid signature). This module uses the standard library only, so that a
department can copy it into its own system as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Xinyong-Signature"
TIMESTAMP_HEADER = "X-Xinyong-Timestamp"
EVENT_ID_HEADER = "X-Xinyong-Event-Id"
EVENT_TYPE_HEADER = "X-Xinyong-Event-Type"
SCHEME = "v1"
#: Seconds a timestamp may differ from the receiver's clock.
DEFAULT_TOLERANCE = 300


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=<hex>``: HMAC-SHA256 keyed with ``secret`` over ``timestamp.`` + ``body``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def sign(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The timestamp and signature headers for one attempt."""
    timestamp = str(int(now if now is not None else time.time()))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: compute_signature(secret, timestamp, body),
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Whether ``body`` with these ``headers`` was signed with ``secret`` recently.

    ``headers`` is any mapping (names are compared case-insensitively); ``body`` the raw
    request body as received. False when a header is missing, the timestamp is not a number or
    is more than ``tolerance`` seconds away, or no ``v1=`` signature matches (several may be
    sent, separated by commas, while a secret is being rotated)."""
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    if not timestamp or not signature:
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    current = now if now is not None else time.time()
    if abs(current - sent) > tolerance:
        return False
    expected = compute_signature(secret, timestamp, body)
    return any(
        hmac.compare_digest(expected.encode(), candidate.strip().encode())
        for candidate in signature.split(",")
    )
