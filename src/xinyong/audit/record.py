"""Writing and verifying the audit chain.

``record_event`` must be called inside the transaction of the change it records (every
``do_*`` action does); it locks the chain head, so concurrent writers append one at a time
in commit order and the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from xinyong.audit.context import current_request_id
from xinyong.audit.events import EventType
from xinyong.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from xinyong.core.models import Department, User

GENESIS_HASH = "0" * 64


def to_jsonable(value: Any) -> Any:
    """Dates, decimals and UUIDs as the strings JSON storage will give back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = {
        "seq": event.seq,
        "occurred_at": occurred,
        "event_type": int(event.event_type),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "department_code": event.department_code,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject_id": event.subject_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def digest(value: Any) -> str:
    """SHA-256 of a JSON value: stored instead of large or sensitive before/after values."""
    data = json.dumps(to_jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def record_event(
    event_type: EventType,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    department: Department | None = None,
    subject_id: int | None = None,
    before: Any = None,
    after: Any = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``acting_user`` None means the platform itself (a command, a scheduled job); pass an
    ``actor_label`` such as ``"system:policy-load"`` to say which.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if department is None and acting_user is not None:
        department = acting_user.primary_department
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        event_type=int(event_type),
        actor_id=acting_user.pk if acting_user is not None else None,
        actor_label=(acting_user.get_username() if acting_user is not None else "")
        or actor_label
        or "system",
        department_code=department.code if department is not None else "",
        object_type=object_type,
        object_id=str(object_id),
        subject_id=subject_id,
        before=to_jsonable(before),
        after=to_jsonable(after),
        request_id=current_request_id(),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason_code: str = ""
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS_HASH


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain(*, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Recompute the chain from the first event; name the first broken link.

    ``expect_head`` is a (seq, hash) pair published earlier: the chain must still contain
    it, which catches a rewrite of the whole tail together with the head row.
    """
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    seen_anchor = expect_head is None
    for event in _events():
        if event.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                "AUDIT_EVENT_MISSING",
                f"event {expected_seq} is missing (next present is {event.seq})",
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                "AUDIT_LINK_BROKEN",
                f"event {event.seq} does not link to event {event.seq - 1}",
            )
        if compute_hash(event) != event.hash:
            return VerifyResult(
                False,
                checked,
                event.seq,
                "AUDIT_EVENT_ALTERED",
                f"event {event.seq} was changed after it was written",
            )
        if expect_head is not None and event.seq == expect_head[0]:
            if event.hash != expect_head[1]:
                return VerifyResult(
                    False,
                    checked,
                    event.seq,
                    "AUDIT_ANCHOR_MISMATCH",
                    f"event {event.seq} differs from the published anchor",
                )
            seen_anchor = True
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            "AUDIT_TAIL_MISSING",
            f"the chain head names event {head.last_seq} but the trail ends at {last_seq}",
        )
    if not seen_anchor:
        assert expect_head is not None
        return VerifyResult(
            False,
            checked,
            expect_head[0],
            "AUDIT_ANCHOR_MISSING",
            f"published anchor event {expect_head[0]} is not in the trail",
        )
    return VerifyResult(True, checked, head_seq=last_seq, head_hash=prev_hash)
