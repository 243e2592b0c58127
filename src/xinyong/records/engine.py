"""The ingestion engine: stream a batch's rows, prepare them, commit them chunk by chunk.

Why this exists: the API, the console upload (through the ``process_batch_task`` task) and
``xinyong import`` all process batches here, so the same rows give the same outcome whatever
the channel. The engine never holds more than one chunk of rows in memory (a CSV is read in
64 KiB pieces by :mod:`xinyong.records.files`), commits each chunk on its own
(:func:`xinyong.records.actions.chunks.do_process_batch_chunk`) and, after a crash or a
kill, resumes after the batch's ``last_committed_row`` (:func:`resume_batch`). A failure of
the file as a whole (unreadable, wrong encoding, missing or unknown columns, a malformed line
half-way) fails the batch with the file's coded error; the chunks committed before stay
accepted.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from xinyong.catalog.queries import catalog_item
from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.records.actions.batches import do_fail_batch, do_finish_batch
from xinyong.records.actions.chunks import SourceInfo, do_process_batch_chunk
from xinyong.records.choices import BatchStatus, Channel
from xinyong.records.errors import BatchFileError, BatchNotResumable
from xinyong.records.files import DEFAULT_MAX_BYTES
from xinyong.records.models import Batch
from xinyong.records.parallel import ChunkCommitter, prepared_chunks
from xinyong.records.prepare import PreparedRow, RecordContext, RowPreparer
from xinyong.records.rules import TimelinessCalculator, WindowCalculator, reporting_working_days
from xinyong.records.sources import RowSource, TableRows, personal_codes
from xinyong.records.writers import use_copy

logger = logging.getLogger(__name__)

#: Rows per committed chunk (issue 3: "per chunk of e.g. 2,000 rows in ONE transaction").
CHUNK_ROWS = 2000
#: Largest file ``xinyong import`` reads (streamed: memory does not grow with it).
CLI_MAX_BYTES = 16 * 1024 * 1024 * 1024

ProgressCallback = Callable[[Batch], None]


def received_on(batch: Batch) -> date:
    """The batch's receipt date in Asia/Shanghai: "today" for its validation and the end of
    its records' reporting lag, the same on resume."""
    return timezone.localdate(batch.received_at)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB pieces."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(1024 * 1024):
            sha.update(piece)
    return sha.hexdigest()


def run_batch(
    batch: Batch,
    source: RowSource,
    *,
    item: Any,
    acting_user: User | None,
    actor_label: str = "",
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Batch:
    """Process ``source`` into ``batch`` from the row after its ``last_committed_row``.

    Returns the batch, done or failed. Raises ``BATCH_BUSY`` when another process is
    processing the same batch (this one stops, the other goes on).
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    day = received_on(batch)
    windows = WindowCalculator(item, disclosure=item.disclosure)
    timeliness = TimelinessCalculator(reporting_working_days(item, on=day), day)
    personal = personal_codes(item)
    columns = source.columns
    personal_columns = frozenset(i for i, code in enumerate(columns) if code in personal)
    preparer = RowPreparer(
        item,
        columns=columns,
        received_on=day,
        windows=windows,
        timeliness=timeliness,
        personal=personal,
        context=RecordContext(
            department_id=batch.department_id,
            item_code=batch.item_code,
            record_kind=item.record_kind,
            disclosure=item.disclosure,
            batch_id=batch.pk,
            channel=batch.channel,
            received_at=batch.received_at,
            copy=use_copy(),
        ),
    )
    skip_to = batch.last_committed_row

    def commit(chunk: list[PreparedRow]) -> Batch:
        nonlocal skip_to, batch
        info = SourceInfo(
            header=list(source.header),
            format=source.format,
            encoding=source.encoding,
            rows_total=source.rows_total,
            personal_columns=personal_columns,
        )
        result = do_process_batch_chunk(
            batch,
            chunk,
            item=item,
            expected_last_row=skip_to,
            progress=source.progress,
            source=info,
            received_on=day,
            acting_user=acting_user,
            actor_label=actor_label,
        )
        skip_to = result.batch.last_committed_row
        batch = result.batch
        if on_progress is not None:
            on_progress(result.batch)
        return result.batch

    start = skip_to
    rows = ((number, cells) for number, cells in source.rows() if number > start)
    # On PostgreSQL, outside a caller's transaction, chunks are committed by a thread of
    # their own while this one prepares the next (parallel.ChunkCommitter).
    committer = ChunkCommitter(commit, threaded=use_copy() and not connection.in_atomic_block)
    try:
        timeliness.refresh()
        try:
            for chunk in prepared_chunks(preparer, rows, chunk_rows=chunk_rows, workers=workers):
                committer.put(chunk)
                timeliness.refresh()
        except CodedError:
            # The chunks given before a bad line are committed, as without the thread.
            committer.close()
            raise
        except BaseException:
            committer.close(drain=False)
            raise
        committer.close()
    except CodedError as exc:
        if exc.code in ("BATCH_BUSY", "BATCH_NOT_RESUMABLE"):
            raise
        if not _is_file_error(exc):
            raise
        logger.info("batch %s failed: %s", batch.pk, exc.code)
        return do_fail_batch(batch, exc, acting_user=acting_user, actor_label=actor_label)
    batch.refresh_from_db()
    if batch.last_committed_row == 0:
        return do_fail_batch(
            batch,
            BatchFileError(
                "BATCH_EMPTY",
                "文件只有表头，没有数据行。",
                "The file has a header but no data rows.",
            ),
            acting_user=acting_user,
            actor_label=actor_label,
        )
    return do_finish_batch(batch, acting_user=acting_user, actor_label=actor_label)


def _is_file_error(exc: CodedError) -> bool:
    from xinyong.records.files import FileError

    return isinstance(exc, (FileError, BatchFileError))


def open_stored_source(batch: Batch, item: Any, *, check_digest: bool = True) -> TableRows:
    """The stored file of an upload or CLI batch, checked to be the one received."""
    path = Path(batch.source_path)
    if not batch.source_path or not path.exists():
        raise BatchNotResumable(
            message_zh=f"批次 {batch.pk} 的源文件已不存在（{batch.source_path or '未保存'}），"
            "请重新提交文件（已接收的行不会重复）。",
            message_en=f"The source file of batch {batch.pk} is gone "
            f"({batch.source_path or 'not stored'}); send the file again (rows already "
            "accepted are not duplicated).",
            batch=batch.pk,
        )
    if check_digest and batch.content_digest and file_digest(path) != batch.content_digest:
        raise BatchNotResumable(
            "BATCH_SOURCE_CHANGED",
            message_zh=f"文件 {path} 与批次 {batch.pk} 接收时的内容不同，不能继续处理。"
            "请作为新的批次提交（已接收的行不会重复）。",
            message_en=f"The file {path} differs from what batch {batch.pk} received; it "
            "cannot be resumed. Send it as a new batch (rows already accepted are not "
            "duplicated).",
            batch=batch.pk,
        )
    return TableRows(
        path, item, filename=batch.source_name or path.name, max_bytes=max_file_bytes(batch)
    )


def max_file_bytes(batch: Batch) -> int:
    """The largest file a channel takes: uploads the reader's default (200 MiB); the command
    line, run by an operator on the server, a million-row file and more (it is streamed)."""
    return CLI_MAX_BYTES if batch.channel == Channel.CLI else DEFAULT_MAX_BYTES


def process_stored_batch(
    batch: Batch,
    *,
    acting_user: User | None,
    actor_label: str = "",
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
    check_digest: bool = True,
    workers: int | None = None,
) -> Batch:
    """Process (or resume) a batch whose source is a stored file. Idempotent: a finished
    batch is returned as it is."""
    batch = Batch.objects.select_related("department").get(pk=batch.pk)
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        return batch
    try:
        item = catalog_item(batch.item_code, on=received_on(batch))
        source = open_stored_source(batch, item, check_digest=check_digest)
    except CodedError as exc:
        if exc.code in ("BATCH_NOT_RESUMABLE", "BATCH_SOURCE_CHANGED"):
            raise
        return do_fail_batch(batch, exc, acting_user=acting_user, actor_label=actor_label)
    with source:
        return run_batch(
            batch,
            source,
            item=item,
            acting_user=acting_user,
            actor_label=actor_label,
            chunk_rows=chunk_rows,
            on_progress=on_progress,
            workers=workers,
        )


def resume_batch(
    batch: Batch,
    *,
    acting_user: User | None,
    actor_label: str = "",
    chunk_rows: int | None = None,
    on_progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Batch:
    """Resume a stopped batch after its last committed row. A finished batch cannot be
    resumed (``BATCH_NOT_RESUMABLE``): send the file again instead — accepted rows are then
    unchanged re-sends."""
    batch = Batch.objects.get(pk=batch.pk)
    if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
        raise BatchNotResumable(
            message_zh=f"批次 {batch.pk} 已结束（{batch.get_status_display()}），无需继续。",
            message_en=f"Batch {batch.pk} is finished ({batch.status}); nothing to resume.",
            batch=batch.pk,
        )
    return process_stored_batch(
        batch,
        acting_user=acting_user,
        actor_label=actor_label,
        chunk_rows=chunk_rows,
        on_progress=on_progress,
        workers=workers,
    )
