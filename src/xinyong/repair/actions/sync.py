"""Applying a synchronised-repair event from another platform (seed 003 五(一): 一次申请、
同步修复、完全修复; RULES §3: local platforms sync a result within 3 working days, the
national platform prevails on conflict).

Idempotent: the event id is unique; a second delivery of the same event answers with the
stored outcome and changes nothing. An event whose record is not held here, or whose record
is no longer published, is stored with that outcome (so a re-delivery is recognised) and
changes nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.records.actions import do_mark_record_repaired
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair.actions._base import today_local
from xinyong.repair.actions.applications import remove_listings_after_repair
from xinyong.repair.choices import SyncDirection, SyncOutcome
from xinyong.repair.models import RepairSyncEvent
from xinyong.repair.sync import parse_repair_event


def _find_record(parts: dict[str, Any]) -> Record | None:
    record = (
        Record.objects.select_related("subject", "department")
        .filter(
            department__code=parts["department_code"],
            item_code=parts["item_code"],
            decision_number=parts["decision_number"],
        )
        .first()
    )
    if record is None:
        return None
    # A code that says another subject: not the same record (never repair on a guess).
    if parts["uscc"] and record.subject.uscc and parts["uscc"] != record.subject.uscc:
        return None
    return record


@transaction.atomic
def do_apply_remote_repair_event(
    payload: Any, *, acting_user: User | None = None, actor_label: str = "exchange:repair"
) -> tuple[RepairSyncEvent, bool]:
    """Apply ``payload`` (schema in ``xinyong.repair.sync``). Returns the stored event and
    whether this call created it (False: already applied before, nothing changed)."""
    parts = parse_repair_event(payload)
    existing = RepairSyncEvent.objects.filter(event_id=parts["event_id"]).first()
    if existing is not None:
        return existing, False
    record = _find_record(parts)
    if record is None:
        outcome = SyncOutcome.UNMATCHED
    elif record.status != RecordStatus.ACTIVE:
        outcome = SyncOutcome.ALREADY_REPAIRED
    else:
        outcome = SyncOutcome.APPLIED
    try:
        with transaction.atomic():
            stored = RepairSyncEvent.objects.create(
                event_id=parts["event_id"],
                direction=SyncDirection.INCOMING,
                outcome=outcome,
                payload=payload,
                record=record,
                origin=parts["origin"][:200],
            )
    except IntegrityError:
        # The same event delivered twice at once: the other delivery applied it.
        return RepairSyncEvent.objects.get(event_id=parts["event_id"]), False
    after: dict[str, Any] = {
        "event_id": str(parts["event_id"]),
        "origin": parts["origin"],
        "reference": parts["reference"],
        "outcome": outcome,
    }
    if outcome == SyncOutcome.APPLIED:
        assert record is not None
        do_mark_record_repaired(
            record,
            reference=f"remote:{parts['event_id']}",
            repaired_on=parts["decided_on"],
            acting_user=acting_user,
            actor_label=actor_label,
            source="remote",
        )
        # No user fires listing transitions on behalf of another platform: the listing's
        # department is told to remove it (xinyong.lists procedure).
        _, told = remove_listings_after_repair(
            record,
            reference=f"remote:{parts['event_id']}",
            removed_on=parts["decided_on"],
            acting_user=None,
            today=today_local(),
        )
        after["listings_told"] = told
    record_event(
        EventType.REMOTE_REPAIR_EVENT_APPLIED
        if outcome == SyncOutcome.APPLIED
        else EventType.REMOTE_REPAIR_EVENT_UNMATCHED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=stored,
        subject_id=record.subject_id if record else None,
        after=after,
    )
    return stored, True
