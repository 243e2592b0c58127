"""Writing many rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Why this exists: a chunk writes thousands of records and batch rows. Django's
``bulk_create`` on PostgreSQL builds one ``INSERT … SELECT * FROM UNNEST(…)`` whose arrays
psycopg adapts value by value in Python — measured at about 1 ms a record in
``bench/ingest``, far slower than the validation itself. ``COPY … FROM STDIN`` streams the
same rows at the server's own speed (psycopg formats them in C). Record ids are taken from
the table's sequence first (``nextval`` for the whole chunk in one query), so that batch
rows can point to their records without reading anything back. On SQLite (the embedded demo
database) the same rows go through ``bulk_create``. Both run inside the chunk's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from xinyong.records.models import BatchRow, Record

#: Columns of a new record, in the order the chunk action gives them.
RECORD_FIELDS = (
    "id",
    "subject_id",
    "department_id",
    "item_code",
    "record_kind",
    "decision_number",
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
    "status",
    "status_changed_at",
    "version",
    "batch_id",
    "batch_row",
    "channel",
    "received_at",
    "first_received_at",
    "reported_on",
    "reporting_deadline",
    "reporting_lag_working_days",
    "reporting_provisional",
    "late",
    "withdrawal_reason",
)
JSON_FIELDS = frozenset({"categories"})
#: Given as JSON text already (``PreparedRow.values_json`` …).
JSON_TEXT_FIELDS = frozenset({"values", "original"})

BATCH_ROW_FIELDS = (
    "batch_id",
    "row_number",
    "outcome",
    "decision_number",
    "issues",
    "raw",
    "record_id",
)
BATCH_ROW_JSON = frozenset({"issues", "raw"})


def use_copy() -> bool:
    return connection.vendor == "postgresql"


def _column(model: type[models.Model], attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return connection.ops.quote_name(f.column or f.attname)
    raise LookupError(attname)


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence (PostgreSQL)."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    columns = ", ".join(_column(model, f) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def insert_records(rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert new records given as ``{attname: value}`` (without ``id``; ``values`` and
    ``original`` as JSON text); their ids in the same order."""
    if not rows:
        return []
    if use_copy():
        ids = reserve_ids(Record, len(rows))
        data = []
        for pk, row in zip(ids, rows, strict=True):
            values = dict(row, id=pk)
            data.append(
                tuple(
                    _dump(values.get(f)) if f in JSON_FIELDS else values.get(f, "")
                    for f in RECORD_FIELDS
                )
            )
        _copy(Record, RECORD_FIELDS, data)
        return ids
    objs = [
        Record(**{k: json.loads(v) if k in JSON_TEXT_FIELDS else v for k, v in row.items()})
        for row in rows
    ]
    created = Record.objects.bulk_create(objs)
    return [r.pk for r in created]


def insert_batch_rows(rows: Sequence[dict[str, Any]]) -> None:
    """Insert batch rows given as ``{attname: value}``."""
    if not rows:
        return
    if use_copy():
        _copy(
            BatchRow,
            BATCH_ROW_FIELDS,
            [
                tuple(
                    _dump(r.get(f)) if f in BATCH_ROW_JSON else r.get(f) for f in BATCH_ROW_FIELDS
                )
                for r in rows
            ],
        )
        return
    BatchRow.objects.bulk_create([BatchRow(**r) for r in rows], batch_size=1000)


def insert_objects[M: models.Model](model: type[M], objs: list[M]) -> list[M]:
    """Insert unsaved model instances as ``bulk_create`` would (``auto_now`` fields set,
    values prepared by each field), with ``COPY`` on PostgreSQL; primary keys are set on the
    instances. Used for the subjects a chunk creates (core's tables, core's field rules)."""
    if not objs:
        return objs
    if not use_copy():
        return model._default_manager.bulk_create(objs, batch_size=500)
    pk = model._meta.pk
    assert pk is not None
    for obj, new_id in zip(objs, reserve_ids(model, len(objs)), strict=True):
        setattr(obj, pk.attname, new_id)
    fields = [f for f in model._meta.concrete_fields]
    rows = []
    for obj in objs:
        rows.append(tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields))
        obj._state.adding = False
        obj._state.db = connection.alias
    _copy(model, [f.attname for f in fields], rows)
    return objs
