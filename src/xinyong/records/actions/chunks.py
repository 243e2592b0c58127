"""Writing one chunk of a batch: the unit of commit of collection.

Why this exists: a batch of a million rows must survive a crash or a kill without losing
anything accepted and without writing anything twice. So rows are written in chunks (2,000
by default), each in ONE transaction that

1. locks the batch and checks that no other process moved its ``last_committed_row``
   (two workers resuming the same batch: the second stops with ``BATCH_BUSY``);
2. looks up the existing records of the chunk's decision numbers in one query;
3. rejects duplicates within the batch (the same decision number twice: the second row is
   rejected with ``BATCH_DUPLICATE_ROW`` naming the first, in this chunk or an earlier one);
4. resolves subjects in bulk, creating unknown ones (:mod:`.subjects`);
5. classifies each row: new, unchanged re-send (nothing written), or correction (the
   superseded version goes to ``RecordVersion``; re-sending the same record creates
   nothing new, issue 3 §5);
6. writes records, versions and batch rows in bulk, moves the batch's counters with ``F()``
   and its ``last_committed_row`` to the chunk's last row;
7. writes ONE audit event, ``BATCH_CHUNK_PROCESSED``, with the counts and a digest of the
   chunk's outcomes (corrections also get their own ``RECORD_CORRECTED`` event).

A crash loses at most the chunk in flight; resuming starts after ``last_committed_row``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import digest, record_event
from xinyong.core.models import User
from xinyong.records import protect
from xinyong.records.actions.subjects import resolve_subjects
from xinyong.records.choices import BatchStatus, RecordStatus, RowOutcome
from xinyong.records.errors import BatchBusy, BatchNotResumable
from xinyong.records.issues import issue
from xinyong.records.models import Batch, BatchRow, Record, RecordVersion
from xinyong.records.prepare import PreparedRow, jsonable_cells
from xinyong.records.writers import insert_batch_rows, insert_records, probe_each, use_copy

#: How often a chunk is retried when a concurrent batch won a unique constraint.
MAX_ATTEMPTS = 4

#: Batch counter of each outcome.
COUNTER = {
    RowOutcome.ACCEPTED: "accepted",
    RowOutcome.WARNING: "accepted_with_warnings",
    RowOutcome.REJECTED: "rejected",
    RowOutcome.UNCHANGED: "unchanged",
    RowOutcome.CORRECTED: "corrected",
}

#: Fields a correction replaces on the record (the rest is the first report's).
CORRECTED_FIELDS = [
    "subject",
    "decision_date",
    "valid_until",
    "values",
    "original",
    "sealed",
    "digest",
    "severity",
    "specific_serious",
    "categories",
    "disclosure",
    "publication_rule",
    "published",
    "publication_from",
    "publication_min_end",
    "publication_max_end",
    "regime_code",
    "version",
    "batch",
    "batch_row",
    "channel",
    "received_at",
]


@dataclass(frozen=True)
class SourceInfo:
    """What the first chunk records about the source (the header to write rejected rows
    back with, the format and the encoding found)."""

    header: list[str]
    format: str
    encoding: str
    rows_total: int | None
    personal_columns: frozenset[int]


@dataclass(frozen=True)
class ChunkResult:
    batch: Batch
    counts: dict[str, int]
    subjects_created: int


def do_process_batch_chunk(
    batch: Batch,
    rows: Sequence[PreparedRow],
    *,
    item: Any,
    expected_last_row: int,
    progress: float | None,
    source: SourceInfo,
    received_on: date,
    acting_user: User | None,
    actor_label: str = "",
) -> ChunkResult:
    """Write ``rows`` (prepared, in row order) as one committed chunk of ``batch``.

    ``expected_last_row`` is the batch's ``last_committed_row`` the caller read before
    preparing the chunk. Raises ``BATCH_BUSY`` when another process committed meanwhile,
    ``BATCH_NOT_RESUMABLE`` when the batch is finished.
    """
    if not rows:
        raise ValueError("a chunk has at least one row")
    # An attempt adds issues and rejections to the rows; a retry starts from these.
    pristine = [(list(r.issues), r.rejected, r.issues_json) for r in rows]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if attempt > 1:
            for row, (issues, rejected, text) in zip(rows, pristine, strict=True):
                row.issues, row.rejected, row.issues_json = list(issues), rejected, text
        try:
            with transaction.atomic():
                return _write(
                    batch.pk,
                    list(rows),
                    item=item,
                    expected_last_row=expected_last_row,
                    progress=progress,
                    source=source,
                    received_on=received_on,
                    acting_user=acting_user,
                    actor_label=actor_label,
                )
        except IntegrityError:
            # A concurrent batch created a subject (or the same record) first; start the
            # chunk again: the look-ups now find what it created.
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _write(
    batch_id: int,
    rows: list[PreparedRow],
    *,
    item: Any,
    expected_last_row: int,
    progress: float | None,
    source: SourceInfo,
    received_on: date,
    acting_user: User | None,
    actor_label: str,
) -> ChunkResult:
    if connection.vendor == "postgresql":
        # The chunk is durable once the batch finishes: that commit is synchronous and
        # flushes the write-ahead log up to it, earlier chunks included. A server crash
        # before then loses the last chunks together with the batch's own progress
        # (``last_committed_row`` is in the same transactions), so resuming redoes exactly
        # them: nothing accepted is lost and nothing is written twice.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    batch = Batch.objects.select_for_update().select_related("department").get(pk=batch_id)
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        raise BatchNotResumable(
            message_zh=f"批次 {batch.pk} 已结束（{batch.get_status_display()}），不能再写入。",
            message_en=f"Batch {batch.pk} is finished ({batch.status}); nothing more is written.",
            batch=batch.pk,
        )
    if batch.last_committed_row != expected_last_row:
        raise BatchBusy(
            message_zh=f"批次 {batch.pk} 正由另一个进程处理（已提交到第 "
            f"{batch.last_committed_row} 行）。",
            message_en=f"Batch {batch.pk} is being processed by another process (committed "
            f"up to row {batch.last_committed_row}).",
            batch=batch.pk,
        )
    now = timezone.now()
    existing = _existing(batch, rows)
    _reject_duplicates(batch, rows, existing, item)
    resolution = resolve_subjects(rows, item=item)

    outcomes: dict[int, str] = {}
    new_records: list[tuple[int, PreparedRow]] = []
    corrections: list[tuple[PreparedRow, Record, RecordVersion]] = []
    linked: dict[int, int] = {}
    for row in rows:
        if row.rejected:
            outcomes[row.row_number] = RowOutcome.REJECTED
            continue
        subject_id = resolution.subject_ids[row.row_number]
        found = existing.get(row.decision_number)
        if found is None:
            new_records.append((subject_id, row))
            outcomes[row.row_number] = (
                RowOutcome.WARNING if row.has_warnings else (RowOutcome.ACCEPTED)
            )
            continue
        # A re-send: timeliness is the first report's, not this one's.
        row.drop_issues("REPORTING_LATE")
        linked[row.row_number] = found.pk
        if found.digest == row.digest:
            outcomes[row.row_number] = RowOutcome.UNCHANGED
            if found.status == RecordStatus.WITHDRAWN:
                row.add_issue(_withdrawn_resent(item, found))
            continue
        if found.status == RecordStatus.WITHDRAWN:
            row.reject(_withdrawn_changed(item, found))
            outcomes[row.row_number] = RowOutcome.REJECTED
            del linked[row.row_number]
            continue
        version = _supersede(found, batch, now)
        _apply_correction(found, batch, row, item, subject_id)
        corrections.append((row, found, version))
        outcomes[row.row_number] = RowOutcome.CORRECTED

    record_ids = insert_records(new_records)
    for (_subject_id, row), pk in zip(new_records, record_ids, strict=True):
        linked[row.row_number] = pk
    if corrections:
        RecordVersion.objects.bulk_create([v for _row, _rec, v in corrections])
        Record.objects.bulk_update([rec for _row, rec, _v in corrections], CORRECTED_FIELDS)
    insert_batch_rows(
        [
            {
                "batch_id": batch.pk,
                "row_number": row.row_number,
                "outcome": outcomes[row.row_number],
                "decision_number": row.decision_number[:128],
                "issues": row.issues_text(),
                "raw": protect.seal_cells(jsonable_cells(row.cells), source.personal_columns)
                if row.rejected
                else None,
                "record_id": linked.get(row.row_number),
            }
            for row in rows
        ]
    )
    for row, corrected, version in corrections:
        record_event(
            EventType.RECORD_CORRECTED,
            acting_user=acting_user,
            obj=corrected,
            department=batch.department,
            subject_id=corrected.subject_id,
            actor_label=actor_label,
            before={"version": version.version, "digest": version.digest},
            after={
                "version": corrected.version,
                "digest": corrected.digest,
                "batch": batch.pk,
                "row": row.row_number,
            },
        )

    counts = Counter(outcomes.values())
    _advance(batch, rows, counts, progress=progress, source=source, now=now)
    record_event(
        EventType.BATCH_CHUNK_PROCESSED,
        acting_user=acting_user,
        obj=batch,
        department=batch.department,
        actor_label=actor_label,
        after={
            "rows": [rows[0].row_number, rows[-1].row_number],
            "counts": {str(k): v for k, v in sorted(counts.items())},
            "records_created": len(record_ids),
            "first_record_id": min(record_ids) if record_ids else None,
            "last_record_id": max(record_ids) if record_ids else None,
            "subjects": resolution.summary(),
            "digest": _chunk_digest(rows, outcomes, linked),
        },
    )
    batch.refresh_from_db()
    return ChunkResult(batch, {str(k): v for k, v in counts.items()}, len(resolution.created))


def _chunk_digest(rows: list[PreparedRow], outcomes: dict[int, str], linked: dict[int, int]) -> str:
    return digest(
        [
            [
                r.row_number,
                outcomes[r.row_number],
                linked.get(r.row_number),
                r.digest,
                [i["code"] for i in r.issues],
            ]
            for r in rows
        ]
    )


def _reject_duplicates(
    batch: Batch, rows: list[PreparedRow], existing: dict[str, Record], item: Any
) -> None:
    """The same decision number twice in a batch: every row after the first accepted one is
    rejected, naming it (issue 3 §4).

    An earlier row of this batch that was accepted as new or as a correction left its record
    pointing to this batch and row; one that was an unchanged re-send left a batch row with
    outcome ``unchanged`` (found through the partial index ``records_batchrow_unchanged``).
    So only decision numbers that already have a record need a look-up, and a fresh import
    needs none.
    """
    first: dict[str, int] = {}
    for number, record in existing.items():
        if record.batch_id == batch.pk:
            first[number] = record.batch_row
    elsewhere = sorted(n for n, r in existing.items() if r.batch_id != batch.pk)
    if elsewhere:
        first.update(
            BatchRow.objects.filter(
                batch_id=batch.pk, outcome=RowOutcome.UNCHANGED, decision_number__in=elsewhere
            )
            .values("decision_number")
            .annotate(first=Min("row_number"))
            .values_list("decision_number", "first")
        )
    for row in rows:
        if row.rejected or not row.decision_number:
            continue
        earlier = first.get(row.decision_number)
        if earlier is None:
            first[row.decision_number] = row.row_number
            continue
        row.reject(
            issue(
                str(getattr(item, "key_field", "") or ""),
                "BATCH_DUPLICATE_ROW",
                f"决定文书号 {row.decision_number} 与本批次第 {earlier} 行重复，本行未处理。"
                "同一决定在一个批次中只能报送一次。",
                f"Decision number {row.decision_number} repeats row {earlier} of this batch; "
                "this row was not processed. Report each decision once per batch.",
            )
        )


def _existing(batch: Batch, rows: list[PreparedRow]) -> dict[str, Record]:
    numbers = sorted({r.decision_number for r in rows if not r.rejected})
    if not numbers:
        return {}
    found: Iterable[Record]
    if use_copy():
        # One array parameter instead of 2,000 placeholders, one index probe each
        # (see writers.probe_each).
        found = Record.objects.raw(
            probe_each(Record, None, "decision_number", ["department_id", "item_code"]),
            [numbers, batch.department_id, batch.item_code],
        )
    else:
        found = Record.objects.filter(
            department_id=batch.department_id,
            item_code=batch.item_code,
            decision_number__in=numbers,
        )
    return {r.decision_number: r for r in found}


def _supersede(record: Record, batch: Batch, now: Any) -> RecordVersion:
    return RecordVersion(
        record=record,
        version=record.version,
        subject_id=record.subject_id,
        values=record.values,
        original=record.original,
        sealed=record.sealed,
        digest=record.digest,
        batch_id=record.batch_id,
        batch_row=record.batch_row,
        channel=record.channel,
        received_at=record.received_at,
        superseded_at=now,
        superseded_by_batch_id=batch.pk,
    )


def _apply_correction(
    record: Record, batch: Batch, row: PreparedRow, item: Any, subject_id: int
) -> None:
    window = row.window
    assert window is not None
    record.subject_id = subject_id
    record.decision_date = row.decision_date
    record.valid_until = row.valid_until
    record.values = row.values
    record.original = row.original
    record.sealed = row.sealed
    record.digest = row.digest
    record.severity = row.severity
    record.specific_serious = row.specific_serious
    record.categories = row.categories
    record.disclosure = item.disclosure
    record.publication_rule = window.rule
    record.published = window.published
    record.publication_from = window.start
    record.publication_min_end = window.min_end
    record.publication_max_end = window.max_end
    record.regime_code = window.regime_code
    record.version += 1
    record.batch_id = batch.pk
    record.batch_row = row.row_number
    record.channel = batch.channel
    record.received_at = batch.received_at


def _withdrawn_resent(item: Any, record: Record) -> dict[str, Any]:
    when = timezone.localtime(record.withdrawn_at).date() if record.withdrawn_at else ""
    return issue(
        str(getattr(item, "key_field", "") or ""),
        "RECORD_WITHDRAWN",
        f"该决定已于 {when} 撤销公示，重新报送不会恢复公示。",
        f"This decision was withdrawn on {when}; sending it again does not publish it again.",
        level="warning",
    )


def _withdrawn_changed(item: Any, record: Record) -> dict[str, Any]:
    when = timezone.localtime(record.withdrawn_at).date() if record.withdrawn_at else ""
    return issue(
        str(getattr(item, "key_field", "") or ""),
        "RECORD_WITHDRAWN",
        f"该决定已于 {when} 撤销公示，不能再更正。变更后的决定请以新的决定文书号报送。",
        f"This decision was withdrawn on {when} and cannot be corrected. Report the changed "
        "decision under its new decision number.",
    )


def _advance(
    batch: Batch,
    rows: list[PreparedRow],
    counts: Counter[str],
    *,
    progress: float | None,
    source: SourceInfo,
    now: Any,
) -> None:
    changes: dict[str, Any] = {
        COUNTER[RowOutcome(outcome)]: F(COUNTER[RowOutcome(outcome)]) + n
        for outcome, n in counts.items()
    }
    changes.update(
        rows_processed=F("rows_processed") + len(rows),
        chunks_committed=F("chunks_committed") + 1,
        last_committed_row=rows[-1].row_number,
        status=BatchStatus.PROCESSING,
    )
    if progress is not None:
        changes["progress_permille"] = max(0, min(999, int(progress * 1000)))
    if batch.started_at is None:
        changes["started_at"] = now
    if batch.last_committed_row == 0:
        changes.update(
            header=source.header,
            source_format=source.format or batch.source_format,
            source_encoding=source.encoding,
        )
        if source.rows_total is not None:
            changes["rows_total"] = source.rows_total
    Batch.objects.filter(pk=batch.pk).update(**changes)
