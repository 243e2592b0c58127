"""Validating rows in worker processes while the importing process writes.

Why this exists: validating a row against the catalog costs several times more CPU than
writing it, and Python runs one thread at a time. So for a large file the importing process
reads the file and commits chunks, while ``workers`` forked processes prepare blocks of rows
(:meth:`xinyong.records.prepare.RowPreparer.prepare`); results come back in row order. About
two chunks of rows are in flight at most, so memory stays flat however long the file is.

Forking a Django process needs care: the database connections are closed in the parent
before the fork (each process then opens its own), which is only possible outside a
transaction — inside one (a test, a caller's ``atomic``) rows are prepared in-process; so
they are in a process that runs other threads (forking it could deadlock the child).
The number of workers comes from ``XINYONG_IMPORT_WORKERS`` (default: one less than the
CPUs, at most 4; 0 prepares in-process).
"""

from __future__ import annotations

import contextvars
import gc
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Any, Self

from django.db import connection, connections

from xinyong.records.prepare import PreparedRow, RowPreparer

#: Rows sent to a worker at a time.
BLOCK_ROWS = 250
#: The garbage collector's first threshold during an import with workers (Python's default:
#: 700). A block of prepared rows coming back makes thousands of objects at once, which at
#: the default start a collection every few dozen rows, each going through the rows in
#: flight again.
GC_THRESHOLD = 50_000

_preparer: RowPreparer | None = None


def default_workers() -> int:
    configured = os.environ.get("XINYONG_IMPORT_WORKERS", "").strip()
    if configured:
        return max(0, int(configured))
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def _init_worker() -> None:
    """A worker dies on SIGTERM (``Pool.terminate``) and leaves Ctrl+C to its parent, whatever
    handlers the parent had installed (``xinyong worker`` catches SIGTERM to stop gently)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited (Django, the catalog, the preparer) is left out of the
    # garbage collector's scans: a full collection would otherwise walk all of it again
    # and again (docs/decisions/0026).
    gc.freeze()


def _prepare_block(block: Sequence[tuple[int, Sequence[Any]]]) -> list[PreparedRow]:
    assert _preparer is not None, "worker started without a preparer"
    prepared = [_preparer.prepare(number, cells) for number, cells in block]
    for row in prepared:
        row.cells = []  # the importing process has them: not sent back
    return prepared


def _joined(block: list[tuple[int, list[Any]]], prepared: list[PreparedRow]) -> list[PreparedRow]:
    for (number, cells), row in zip(block, prepared, strict=True):
        assert row.row_number == number
        row.cells = cells
    return prepared


def _blocks(rows: Iterable[tuple[int, Sequence[Any]]]) -> Iterator[list[tuple[int, Any]]]:
    block: list[tuple[int, Any]] = []
    for number, cells in rows:
        block.append((number, list(cells)))
        if len(block) >= BLOCK_ROWS:
            yield block
            block = []
    if block:
        yield block


def _in_process(
    preparer: RowPreparer, rows: Iterable[tuple[int, Sequence[Any]]], chunk_rows: int
) -> Iterator[list[PreparedRow]]:
    chunk: list[PreparedRow] = []
    for number, cells in rows:
        chunk.append(preparer.prepare(number, cells))
        if len(chunk) >= chunk_rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Workers:
    def __init__(self, preparer: RowPreparer, workers: int) -> None:
        global _preparer
        _preparer = preparer  # inherited by the forked workers
        connections.close_all()
        self.workers = workers
        # Garbage collections start less often during the import, here and in the workers
        # (GC_THRESHOLD; the workers also leave what they inherit out of the collector's
        # scans, ``_init_worker``). Measured: a tenth or more of each process's time
        # (docs/decisions/0026). ``__exit__`` puts the threshold back.
        self.gc_threshold = gc.get_threshold()
        gc.set_threshold(GC_THRESHOLD, *self.gc_threshold[1:])
        try:
            self.pool: Pool = multiprocessing.get_context("fork").Pool(
                workers, initializer=_init_worker
            )
        except BaseException:
            self._restore_gc()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _preparer
        self.pool.terminate()
        self.pool.join()
        _preparer = None
        self._restore_gc()

    def _restore_gc(self) -> None:
        gc.set_threshold(*self.gc_threshold)

    def chunks(
        self, rows: Iterable[tuple[int, Sequence[Any]]], chunk_rows: int
    ) -> Iterator[list[PreparedRow]]:
        pending: deque[tuple[list[tuple[int, Any]], AsyncResult[list[PreparedRow]]]] = deque()
        ready: list[PreparedRow] = []
        # Enough blocks in flight for the workers to prepare the next chunk while this
        # process writes the current one.
        limit = max(4 * self.workers, 2 * chunk_rows // BLOCK_ROWS + self.workers)
        for block in _blocks(rows):
            pending.append((block, self.pool.apply_async(_prepare_block, (block,))))
            while len(pending) >= limit:
                sent, result = pending.popleft()
                ready.extend(_joined(sent, result.get()))
                while len(ready) >= chunk_rows:
                    yield ready[:chunk_rows]
                    ready = ready[chunk_rows:]
        while pending:
            sent, result = pending.popleft()
            ready.extend(_joined(sent, result.get()))
            while len(ready) >= chunk_rows:
                yield ready[:chunk_rows]
                ready = ready[chunk_rows:]
        if ready:
            yield ready


def prepared_chunks(
    preparer: RowPreparer,
    rows: Iterable[tuple[int, Sequence[Any]]],
    *,
    chunk_rows: int,
    workers: int | None = None,
) -> Iterator[list[PreparedRow]]:
    """Prepared rows in chunks of ``chunk_rows``, in row order."""
    count = default_workers() if workers is None else workers
    # Forking a process that runs other threads can deadlock the child (a lock held by
    # another thread at the fork stays held): prepare in-process then.
    if count < 1 or connection.in_atomic_block or threading.active_count() > 1:
        yield from _in_process(preparer, rows, chunk_rows)
        return
    with _Workers(preparer, count) as pool:
        yield from pool.chunks(rows, chunk_rows)


class ChunkCommitter:
    """Commits chunks in a thread of their own, in order, one chunk at a time, while the
    calling thread makes the next one.

    Why: a chunk's transaction keeps the importing process waiting for the server (the
    ``COPY`` of records and batch rows, the foreign-key checks at commit). In that time the
    calling thread reads the file and takes the validated rows back from the workers: the
    server's work on chunk N overlaps the Python work on chunk N+1. At most one chunk waits
    while one is committed, so memory stays flat; a kill loses at most those two, which
    were not committed (resuming starts after the batch's ``last_committed_row``).

    The thread has its own database connection (Django's are per thread), closed when it
    ends. It is only used on PostgreSQL outside a transaction (``threaded``): inside one —
    a test, a caller's ``atomic`` — and on SQLite, ``put`` commits in the calling thread.
    ``commit``'s errors come back to the caller at the next ``put`` or at ``close``.
    """

    def __init__(self, commit: Callable[[list[PreparedRow]], object], *, threaded: bool) -> None:
        self.commit = commit
        self.threaded = threaded
        self._queue: queue.Queue[list[PreparedRow] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            while True:
                chunk = self._queue.get()
                if chunk is None or self._stop.is_set():
                    return
                try:
                    self.commit(chunk)
                except BaseException as exc:  # handed to the caller
                    self._error = exc
                    return
        finally:
            connection.close()
            # Let a ``put`` waiting for room go on (it then raises the error).
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def put(self, chunk: list[PreparedRow]) -> None:
        """Commit ``chunk`` (after the ones before it)."""
        if not self.threaded:
            self.commit(chunk)
            return
        if self._thread is None:
            # Started with the first chunk: after the workers were forked (a process
            # running other threads is not forked, see ``prepared_chunks``).
            context = contextvars.copy_context()  # the audit's request id goes along
            self._thread = threading.Thread(
                target=context.run, args=(self._run,), name="chunk-committer", daemon=True
            )
            self._thread.start()
        self._raise()
        while self._thread.is_alive():
            try:
                self._queue.put(chunk, timeout=0.5)
                return
            except queue.Full:
                continue
        self._raise()
        raise RuntimeError("the chunk committer stopped")  # pragma: no cover

    def close(self, *, drain: bool = True) -> None:
        """Wait for the chunks given so far (``drain=False``: only for the one being
        committed), then raise the first error of a commit, if any."""
        if self._thread is None:
            return
        if not drain:
            self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.5)
                break
            except queue.Full:
                continue
        self._thread.join()
        self._thread = None
        self._raise()
