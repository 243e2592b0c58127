"""What makes a large import fast gives exactly what the plain code gives (docs/decisions/
0026): the record's ``COPY`` line made per batch (``prepare.RecordLines``), the JSON
texts made with one encoder, a prepared row sent from a worker without its JSON texts, the
chunks committed by a thread of their own (``parallel.ChunkCommitter``), and the garbage
collector's settings during an import with workers, put back afterwards."""

from __future__ import annotations

import gc
import json
import pickle
import threading
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from xinyong.catalog.queries import catalog_item
from xinyong.records import protect
from xinyong.records.parallel import GC_THRESHOLD, ChunkCommitter, _Workers, prepared_chunks
from xinyong.records.prepare import (
    PreparedRow,
    RecordContext,
    RowPreparer,
    _canonical_json,
    _compact_json,
    record_columns,
)
from xinyong.records.rules import TimelinessCalculator, WindowCalculator, reporting_working_days
from xinyong.records.sources import personal_codes
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.test_memo import sample_rows
from xinyong.records.writers import copy_text, line_field, record_line

TODAY = date(2025, 6, 16)
AUTHORITY = "11330100000000019E"


def preparer(item: Any, columns: list[str], *, copy: bool) -> RowPreparer:
    return RowPreparer(
        item,
        columns=columns,
        received_on=TODAY,
        windows=WindowCalculator(item, disclosure=item.disclosure),
        timeliness=TimelinessCalculator(reporting_working_days(item, on=TODAY), TODAY),
        personal=personal_codes(item),
        context=RecordContext(
            department_id=7,
            item_code=item.code,
            record_kind=item.record_kind,
            disclosure=item.disclosure,
            batch_id=11,
            channel="cli",
            received_at=datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            copy=copy,
        ),
    )


def rows_of_every_kind() -> list[dict[str, Any]]:
    rows = sample_rows()
    rows += [penalty_row(n, AUTHORITY, person=True) for n in range(900, 903)]  # sealed
    rows += [penalty_row(n, AUTHORITY, decided=date(2020, 1, 10)) for n in range(910, 913)]
    rows += [
        penalty_row(920, AUTHORITY, CF_SY='制表\t换行\n反斜杠\\N 回车\r 引号" 结束'),
        penalty_row(921, AUTHORITY, CF_YXQ=""),
        penalty_row(922, AUTHORITY, XY_QZCD="严重"),
    ]
    return rows


@pytest.mark.django_db
def test_record_lines_are_the_reference_lines(loaded_policy: Any) -> None:
    item = catalog_item("CF", on=TODAY)
    rows = rows_of_every_kind()
    columns = sorted({code for row in rows for code in row})
    fast = preparer(item, columns, copy=True)
    plain = preparer(item, columns, copy=False)
    statuses: set[str] = set()
    sealed = 0
    for number, raw in enumerate(rows, start=1):
        cells = [raw.get(code) for code in columns]
        row, reference = fast.prepare(number, cells), plain.prepare(number, cells)
        assert row.rejected == reference.rejected
        assert row.issues == reference.issues
        if row.rejected:
            continue
        assert reference.record is not None and row.record is None
        assert row.window is not None and row.timeliness is not None
        # The plain preparer's columns, but the sealed token (encrypting is randomised).
        columns_of_row = dict(reference.record, sealed=row.sealed)
        assert record_columns(
            row,
            fast.context,  # type: ignore[arg-type]
            row.window,
            row.timeliness,
            expired=reference.record["status"] == "expired",
            received_on=TODAY,
        ) == dict(columns_of_row, values=row.values_json, original=row.original_json)
        assert row.record_line == record_line(columns_of_row).encode()
        assert row.values_json == reference.values_json
        assert row.original_json == reference.original_json
        statuses.add(reference.record["status"])
        sealed += bool(row.sealed)
    # The rows went through every branch: active and expired records, sealed numbers.
    assert statuses == {"active", "expired"}
    assert sealed >= 3


@pytest.mark.django_db
def test_a_prepared_row_sent_by_a_worker_keeps_its_values(loaded_policy: Any) -> None:
    item = catalog_item("CF", on=TODAY)
    raw = penalty_row(1, AUTHORITY, CF_SY="制表\t换行\n反斜杠\\ 结束", person=True)
    columns = list(raw)
    row = preparer(item, columns, copy=True).prepare(1, [raw[c] for c in columns])
    assert not row.rejected and row.record_line
    sent = pickle.loads(pickle.dumps(row, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes
    assert sent.values_json is None and sent.original_json is None  # not sent twice
    assert sent.record_line == row.record_line
    assert sent.values == row.values and sent.original == row.original
    assert sent.values_json == row.values_json
    for name in ("digest", "sealed", "decision_number", "subject", "window", "timeliness"):
        assert getattr(sent, name) == getattr(row, name)
    # A row without a record line (SQLite) is sent whole.
    plain = preparer(item, columns, copy=False).prepare(1, [raw[c] for c in columns])
    assert pickle.loads(pickle.dumps(plain)).values_json == plain.values_json  # noqa: S301


@pytest.mark.django_db(transaction=True)
def test_rows_prepared_by_a_worker_are_those_prepared_in_process(loaded_policy: Any) -> None:
    item = catalog_item("CF", on=TODAY)
    rows = rows_of_every_kind()
    columns = sorted({code for row in rows for code in row})
    numbered = [(n, [raw.get(c) for c in columns]) for n, raw in enumerate(rows, start=2)]
    here = [
        r for c in prepared_chunks(preparer(item, columns, copy=True), numbered, chunk_rows=7,
                                   workers=0) for r in c
    ]  # fmt: skip
    before = gc.get_threshold()
    seen: set[int] = set()
    sent = []
    # The worker pool itself (``prepared_chunks`` prepares in-process while another thread
    # runs, which an earlier test may have left).
    with _Workers(preparer(item, columns, copy=True), 1) as pool:
        for prepared in pool.chunks(numbered, 7):
            seen.add(gc.get_threshold()[0])  # collections start later during the import
            sent.extend(prepared)
    assert seen == {GC_THRESHOLD}
    assert gc.get_threshold() == before  # put back
    assert [r.row_number for r in sent] == [n for n, _ in numbered]
    for worker, local in zip(sent, here, strict=True):
        assert worker.cells == local.cells
        for name in ("rejected", "issues", "digest", "subject", "window", "timeliness"):
            assert getattr(worker, name) == getattr(local, name), name
        assert worker.values == local.values and worker.original == local.original
        if not local.sealed:  # a sealed number is encrypted afresh each time
            assert worker.record_line == local.record_line


def test_line_fields_read_back_what_copy_text_wrote() -> None:
    texts = ['{"a":"制表\\t换行\\n"}', "反斜杠\\N \\\\ 回车\r 制表\t 换行\n", "", "\\t"]
    line = "\t".join(copy_text(t) for t in [*texts, "x"] * 10).encode()
    from xinyong.records.writers import RECORD_LINE_FIELDS

    for index, name in enumerate(RECORD_LINE_FIELDS[:40]):
        assert line_field(line, name) == [*texts, "x"][index % 5]


def test_the_json_texts_are_those_of_json_dumps() -> None:
    values = [
        {"b": 1.5, "a": ["01", "03"], "中": '文\n\t\\"', "n": None, "t": True, "x": 1e20},
        {"CF_NR_FK": 0.1 + 0.2, "CF_WSH": "杭市监罚〔2025〕1号", "z": {"y": [1, {"b": 2, "a": 1}]}},
    ]
    for value in values:
        assert _canonical_json(value) == protect.canonical_json(value)
        assert _compact_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def chunk(*numbers: int) -> list[PreparedRow]:
    return [PreparedRow(row_number=n, cells=[]) for n in numbers]


@pytest.mark.parametrize("threaded", [True, False])
def test_chunks_are_committed_in_order_by_one_thread(threaded: bool) -> None:
    committed: list[tuple[int, str]] = []

    def commit(rows: list[PreparedRow]) -> None:
        committed.append((rows[0].row_number, threading.current_thread().name))

    committer = ChunkCommitter(commit, threaded=threaded)
    for first in range(1, 200, 10):
        committer.put(chunk(first, first + 1))
    committer.close()
    assert [n for n, _ in committed] == list(range(1, 200, 10))
    names = {name for _, name in committed}
    assert names == ({"chunk-committer"} if threaded else {threading.current_thread().name})


def test_a_failed_commit_stops_the_committer_and_reaches_the_caller() -> None:
    committed: list[int] = []

    def commit(rows: list[PreparedRow]) -> None:
        if rows[0].row_number == 3:
            raise ValueError("chunk 3")
        committed.append(rows[0].row_number)

    committer = ChunkCommitter(commit, threaded=True)
    with pytest.raises(ValueError, match="chunk 3"):
        for first in range(1, 50):
            committer.put(chunk(first))
        committer.close()
    committer.close()  # nothing more to raise
    assert committed == [1, 2]  # nothing after the failed chunk


def test_closing_without_draining_stops_after_the_chunk_in_hand() -> None:
    started, release = threading.Event(), threading.Event()
    committed: list[int] = []

    def commit(rows: list[PreparedRow]) -> None:
        started.set()
        release.wait(5)
        committed.append(rows[0].row_number)

    committer = ChunkCommitter(commit, threaded=True)
    committer.put(chunk(1))
    started.wait(5)
    committer.put(chunk(2))  # waits in the queue
    release.set()
    committer.close(drain=False)
    assert committed in ([1], [1, 2])  # 2 only if taken before the stop


def test_batch_row_lines_are_the_reference_lines() -> None:
    from xinyong.records.choices import RowOutcome
    from xinyong.records.writers import BATCH_ROW_FIELDS, BATCH_ROW_JSON, _batch_row_lines

    rows = [
        {
            "batch_id": 3,
            "row_number": 12,
            "outcome": RowOutcome.ACCEPTED,
            "decision_number": "杭市监罚〔2025〕1号",
            "issues": None,
            "raw": None,
            "record_id": 44,
        },
        {
            "batch_id": 3,
            "row_number": 13,
            "outcome": RowOutcome.REJECTED,
            "decision_number": "制表\t号\\",
            "issues": '[{"code":"X","message_zh":"换行\\n"}]',
            "raw": ["a\tb", None, 1.5, {"$sealed": "token"}],
            "record_id": None,
        },
        {
            "batch_id": 3,
            "row_number": 14,
            "outcome": RowOutcome.WARNING,
            "decision_number": "",
            "issues": [{"code": "Y", "level": "warning"}],
            "raw": None,
            "record_id": 45,
        },
    ]
    reference = [
        "\t".join(
            copy_text(r[f])
            if not (f in BATCH_ROW_JSON and isinstance(r[f], str))
            # JSON given as text is escaped as it is.
            else copy_text(str(r[f]))
            for f in BATCH_ROW_FIELDS
        )
        + "\n"
        for r in rows
    ]
    assert _batch_row_lines(rows) == reference


@pytest.mark.django_db
def test_look_ups_probe_the_index_whatever_the_statistics() -> None:
    from django.db import connection

    from xinyong.core.models import Subject
    from xinyong.records.models import Record
    from xinyong.records.writers import probe_each, use_copy

    if not use_copy():
        pytest.skip("PostgreSQL's planner")
    numbers = [f"杭市监罚〔2025〕{n}号" for n in range(2000)]
    probes: list[tuple[str, list[Any]]] = [
        (
            probe_each(Record, None, "decision_number", ["department_id", "item_code"]),
            [numbers, 1, "CF"],
        ),
        (probe_each(Subject, ["uscc", "id", "name"], "uscc"), [numbers]),
    ]
    with connection.cursor() as cursor:
        for sql, params in probes:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Nested Loop" in plan and "Index Scan" in plan, plan
            assert "Seq Scan on records_record" not in plan
            assert "Seq Scan on core_subject" not in plan


def test_a_code_validated_with_the_row_gives_the_same_subject_fields() -> None:
    from xinyong.core import identifiers
    from xinyong.core.actions.subjects import check_create_subject

    codes = [
        identifiers.make_uscc("9", "1", "330102", "00000001"),
        identifiers.make_uscc("9", "2", "110000", "12345678"),
        identifiers.make_uscc("1", "1", "330100", "99000001"),
        identifiers.make_uscc("9", "1", "999999", "00000002"),  # unknown division: a warning
    ]
    for code in codes:
        checked = identifiers.validate_uscc(code, allow_placeholder=True)
        assert checked.valid, checked.errors
        for kind in ("legal_person", "individual_business"):
            fast = check_create_subject(
                kind=kind,
                name="某公司",
                uscc=checked.normalized,
                id_type=None,
                id_number=None,
                uscc_validated=True,
            )
            full = check_create_subject(
                kind=kind, name="某公司", uscc=checked.normalized, id_type=None, id_number=None
            )
            assert fast == full
