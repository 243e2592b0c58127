"""What makes ingestion fast gives exactly what the plain code gives: the compiled validator
that remembers cleaned values (xinyong.catalog.validation.RowValidator), the record digest
with its key prepared once, and the COPY text of new records."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from xinyong.catalog import validation
from xinyong.catalog.queries import catalog_item
from xinyong.catalog.validation import RowValidator, ValidatedRow, validate_row
from xinyong.core import crypto
from xinyong.records import protect
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.test_channels import mixed_rows
from xinyong.records.writers import copy_text

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


def outcome(result: ValidatedRow) -> tuple[Any, ...]:
    return (
        result.values,
        result.errors,
        result.warnings,
        result.subject,
        result.decision_number,
        result.decision_date,
        result.severity,
        result.specific_serious,
        result.categories,
        result.valid_until,
    )


def sample_rows() -> list[dict[str, Any]]:
    rows = mixed_rows("11330100000000019E")
    rows += [penalty_row(n, "11330100000000019E", XY_QZCD="轻微") for n in range(3)]
    rows += [dict(r, CF_JDRQ=date(2025, 6, 5)) for r in rows[:20]]  # spreadsheet dates
    rows += [dict(r, CF_CFLB="吊销执照", CF_NR_FK=1.5) for r in rows[:20]]  # refused, numbers
    rows += [dict(r, CF_JDRQ="2019-03-01", CF_CFLB="罚款") for r in rows[:5]]  # old dates
    return rows


def test_remembered_validation_is_identical(loaded_policy: Any) -> None:
    item = catalog_item("CF", on=TODAY)
    fast = RowValidator(item, remember=True)
    rows = sample_rows()
    for _ in range(2):  # the second pass is served from memory
        for raw in rows:
            plain = RowValidator(item).validate(raw, today=TODAY)
            assert outcome(fast.validate(raw, today=TODAY)) == outcome(plain)
            assert outcome(validate_row(item, raw, today=TODAY)) == outcome(plain)
    # A refused value served from memory is the same coded error, without a growing
    # traceback.
    refused = [r for r in rows if r.get("CF_CFLB") == "吊销执照"]
    assert all(fast.validate(r, today=TODAY).errors for r in refused)


def test_the_memory_is_bounded(loaded_policy: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_REMEMBERED", 50)
    item = catalog_item("CF", on=TODAY)
    fast = RowValidator(item, remember=True)
    plain = RowValidator(item)
    rows = sample_rows()
    for raw in rows + rows:
        assert outcome(fast.validate(raw, today=TODAY)) == outcome(plain.validate(raw, today=TODAY))
    memory = fast.memory
    assert memory is not None
    assert 0 < sum(len(entries) for entries in memory.fields) == memory.size <= 50


def test_the_record_digest_is_the_keyed_hash() -> None:
    digest = protect.record_digester()
    for text in ("{}", '{"CF_WSH":"杭市监罚〔2025〕1号"}', "x" * 5000):
        assert digest(text) == crypto.lookup_hash("record", text) == protect.digest_of(text)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_text_reads_back_as_written() -> None:
    values = [
        "制表\t换行\n回车\r反斜杠\\N 和 \\.",
        None,
        True,
        False,
        12,
        date(2025, 6, 16),
        datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        ["01", "03"],
        {"a": "b\\c\n"},
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_probe (t text, n text, b1 boolean, b2 boolean, i integer, "
            "d date, ts timestamptz, j jsonb, o jsonb)"
        )
        with cursor.cursor.copy("COPY copy_probe FROM STDIN") as copy:
            copy.write("\t".join(copy_text(v) for v in values) + "\n")
        cursor.execute("SELECT * FROM copy_probe")
        row = cursor.fetchone()
    assert row is not None
    assert list(row[:6]) == values[:6]
    assert row[6] == values[6]
    # Django leaves jsonb as text.
    assert json.loads(row[7]) == values[7] and json.loads(row[8]) == values[8]
