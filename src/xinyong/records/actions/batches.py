"""Receiving, finishing and failing batches.

Why this exists: a batch's life has three audited moments besides its chunks — received
(``BATCH_RECEIVED``: who sent what, by which channel, with which idempotency key), finished
(``BATCH_FINISHED``: the totals) and failed (``BATCH_FAILED``: the whole file could not be
processed, with the coded error). Chunks are written by :mod:`xinyong.records.actions.chunks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.catalog.queries import CatalogItemDef, catalog_item, check_department_may_report
from xinyong.core.models import Department, User
from xinyong.errors import CodedError
from xinyong.records.choices import BatchStatus, Channel
from xinyong.records.errors import IdempotencyKeyReused
from xinyong.records.models import Batch


def check_item_for_department(
    item_code: str, department: Department, *, on: date
) -> CatalogItemDef:
    """The catalog item ``item_code`` in force on ``on``, if ``department`` may report it.

    Raises ``CATALOG_ITEM_UNKNOWN`` (RULES §5: nothing outside the catalog is recorded) or
    ``CATALOG_ITEM_NOT_ALLOWED`` (a department reports only its own items).
    """
    item = catalog_item(item_code, on=on)
    check_department_may_report(item, department)
    return item


@dataclass(frozen=True)
class Received:
    """The batch, and whether this call created it (False: an idempotent re-send)."""

    batch: Batch
    created: bool


def _snapshot(batch: Batch) -> dict[str, Any]:
    return {
        "item": batch.item_code,
        "edition": batch.item_edition,
        "channel": batch.channel,
        "source_name": batch.source_name,
        "source_format": batch.source_format,
        "source_size": batch.source_size,
        "rows_total": batch.rows_total,
        "idempotency_key": batch.idempotency_key,
        "content_digest": batch.content_digest,
    }


def _replay(existing: Batch, content_digest: str) -> Received:
    if existing.content_digest and content_digest and existing.content_digest != content_digest:
        raise IdempotencyKeyReused(
            message_zh=(
                f"幂等键 {existing.idempotency_key} 已用于批次 {existing.pk}，但内容不同。"
                "重新发送同一批次请使用相同内容；新的批次请使用新的幂等键。"
            ),
            message_en=(
                f"Idempotency key {existing.idempotency_key} was used for batch {existing.pk} "
                "with different content. Re-send the same content, or use a new key for a "
                "new batch."
            ),
            batch=existing.pk,
        )
    return Received(existing, created=False)


def do_receive_batch(
    *,
    department: Department,
    item: CatalogItemDef,
    channel: Channel | str,
    acting_user: User | None,
    actor_label: str = "",
    idempotency_key: str = "",
    content_digest: str = "",
    source_name: str = "",
    source_path: str = "",
    source_format: str = "",
    source_size: int | None = None,
    rows_total: int | None = None,
) -> Received:
    """Record a new batch (``BATCH_RECEIVED``), or return the batch an earlier submission
    with the same idempotency key created (re-sending is safe; a different content under the
    same key is refused with ``IDEMPOTENCY_KEY_REUSED``)."""
    check_department_may_report(item, department)
    key = idempotency_key.strip()
    if key:
        existing = Batch.objects.filter(department=department, idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, content_digest)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                department=department,
                item_code=item.code,
                item_edition=item.edition,
                record_kind=item.record_kind,
                channel=channel,
                idempotency_key=key,
                content_digest=content_digest,
                source_name=source_name[:255],
                source_path=source_path,
                source_format=source_format,
                source_size=source_size,
                rows_total=rows_total,
                created_by=acting_user,
                actor_label=actor_label,
                received_at=timezone.now(),
            )
            record_event(
                EventType.BATCH_RECEIVED,
                acting_user=acting_user,
                obj=batch,
                department=department,
                actor_label=actor_label,
                after=_snapshot(batch),
            )
    except IntegrityError:
        # Two submissions with the same key at once: the other one won.
        if not key:
            raise
        existing = Batch.objects.get(department=department, idempotency_key=key)
        return _replay(existing, content_digest)
    return Received(batch, created=True)


@transaction.atomic
def do_finish_batch(batch: Batch, *, acting_user: User | None, actor_label: str = "") -> Batch:
    """Mark a batch whose every row is processed as done (``BATCH_FINISHED`` with totals).
    Finishing a finished batch changes nothing."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return batch
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.progress_permille = 1000
    if batch.rows_total is None:
        batch.rows_total = batch.rows_processed
    batch.save(update_fields=["status", "finished_at", "progress_permille", "rows_total"])
    record_event(
        EventType.BATCH_FINISHED,
        acting_user=acting_user,
        obj=batch,
        department=batch.department,
        actor_label=actor_label,
        after=totals(batch),
    )
    return batch


def totals(batch: Batch) -> dict[str, Any]:
    return {
        "rows": batch.rows_processed,
        "accepted": batch.accepted,
        "accepted_with_warnings": batch.accepted_with_warnings,
        "rejected": batch.rejected,
        "unchanged": batch.unchanged,
        "corrected": batch.corrected,
        "last_committed_row": batch.last_committed_row,
        "chunks": batch.chunks_committed,
    }


@transaction.atomic
def do_fail_batch(
    batch: Batch, error: CodedError, *, acting_user: User | None, actor_label: str = ""
) -> Batch:
    """Mark a batch failed as a whole (``BATCH_FAILED``): the file or submission could not
    be processed. Rows committed before the failure stay accepted (nothing accepted is
    lost); the clerk fixes the file and sends it again (re-sent rows are unchanged)."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return batch
    batch.status = BatchStatus.FAILED
    batch.finished_at = timezone.now()
    batch.error_code = error.code
    batch.error_message_zh = error.message_zh
    batch.error_message_en = error.message_en
    batch.error_details = _jsonable(error.details) or None
    batch.save(
        update_fields=[
            "status",
            "finished_at",
            "error_code",
            "error_message_zh",
            "error_message_en",
            "error_details",
        ]
    )
    record_event(
        EventType.BATCH_FAILED,
        acting_user=acting_user,
        obj=batch,
        department=batch.department,
        actor_label=actor_label,
        after={"error": error.code, **totals(batch)},
    )
    return batch


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    from xinyong.audit.record import to_jsonable

    value = to_jsonable(details)
    return value if isinstance(value, dict) else {}
