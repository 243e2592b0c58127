"""Writing many rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Why this exists: a chunk writes thousands of records and batch rows. Django's
``bulk_create`` on PostgreSQL builds one ``INSERT … SELECT * FROM UNNEST(…)`` whose arrays
psycopg adapts value by value in Python — measured at about 1 ms a record in
``bench/ingest``, far slower than the validation itself. ``COPY … FROM STDIN`` streams the
same rows at the server's own speed. New records come as ``COPY`` text lines made where the
row was prepared (:func:`record_line`, in a validating worker when there are workers); batch
rows are formatted here, created subjects by psycopg. Record ids are taken from
the table's sequence first (``nextval`` for the whole chunk in one query), so that batch
rows can point to their records without reading anything back. On SQLite (the embedded demo
database) the same rows go through ``bulk_create``. Both run inside the chunk's transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.db.models.fields import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    IntegerField,
    PositiveIntegerField,
    SmallIntegerField,
    TextField,
)
from django.db.models.fields.related import ForeignKey

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
#: Given as JSON text already (``PreparedRow.values_json`` …).
JSON_TEXT_FIELDS = frozenset({"values", "original"})
#: The columns of a new record a validating worker formats (all but ``id`` and
#: ``subject_id``, which the chunk decides): see :func:`record_line`.
RECORD_LINE_FIELDS = RECORD_FIELDS[2:]

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


# -- COPY text format ----------------------------------------------------------------------
# https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2: columns separated by
# a tab, rows by a newline, NULL as \N; a backslash, tab, newline or carriage return inside a
# value is escaped with a backslash.


def copy_escape(text: str) -> str:
    """Text in ``COPY``'s text format."""
    # ``str.translate`` looks every character up; four searches are far faster on the long
    # JSON texts of a record, which rarely hold any of them.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


def copy_text(value: Any) -> str:
    """One value in ``COPY``'s text format (``None`` → ``\\N``). Lists and dicts are JSON."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return copy_escape(value)
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return copy_escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return copy_escape(str(value))


def record_line(columns: dict[str, Any]) -> str:
    """A new record's columns of :data:`RECORD_LINE_FIELDS` as one line of ``COPY`` text
    without its end (``values`` and ``original`` are JSON text already). The reference for
    :class:`xinyong.records.prepare.RecordLines`, which makes the same line faster (and is
    tested against this)."""
    return "\t".join([copy_text(columns[f]) for f in RECORD_LINE_FIELDS])


def _unescape_one(match: re.Match[str]) -> str:
    return _UNESCAPED[match.group(1)]


_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\([\\tnr])")


def line_field(line: bytes, field: str) -> str:
    """One text column back from a record's ``COPY`` line (:data:`RECORD_LINE_FIELDS`):
    what :func:`copy_text` wrote, unescaped."""
    text = line.split(b"\t")[RECORD_LINE_FIELDS.index(field)].decode()
    return _ESCAPED.sub(_unescape_one, text) if "\\" in text else text


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


def _copy_sql(model: type[models.Model], fields: Sequence[str]) -> str:
    columns = ", ".join(_column(model, f) for f in fields)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"


def _copy(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql(model, fields)) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_lines(model: type[models.Model], fields: Sequence[str], lines: Iterable[str]) -> None:
    """``COPY`` of rows already in text format (each line ends with a newline)."""
    _copy_data(model, fields, "".join(lines))


def _copy_data(model: type[models.Model], fields: Sequence[str], data: str | bytes) -> None:
    """``COPY`` of text-format data (``bytes``: UTF-8, the connection's encoding)."""
    with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql(model, fields)) as copy:
        copy.write(data)


def insert_records(rows: Sequence[tuple[int, Any]]) -> list[int]:
    """Insert new records given as ``(subject_id, prepared row)``; their ids in the same
    order. The prepared row (:class:`xinyong.records.prepare.PreparedRow`) holds its other
    columns as a ``COPY`` line in UTF-8 (PostgreSQL) or as ``{attname: value}`` with ``values`` and
    ``original`` as JSON text (elsewhere)."""
    if not rows:
        return []
    if use_copy():
        ids = reserve_ids(Record, len(rows))
        # The line comes as UTF-8 from where the row was prepared: nothing to re-encode.
        _copy_data(
            Record,
            RECORD_FIELDS,
            b"".join(
                [
                    b"%d\t%d\t%b\n" % (pk, subject_id, row.record_line)
                    for pk, (subject_id, row) in zip(ids, rows, strict=True)
                ]
            ),
        )
        return ids
    objs = [
        Record(
            subject_id=subject_id,
            **{k: json.loads(v) if k in JSON_TEXT_FIELDS else v for k, v in row.record.items()},
        )
        for subject_id, row in rows
    ]
    created = Record.objects.bulk_create(objs)
    return [r.pk for r in created]


def insert_batch_rows(rows: Sequence[dict[str, Any]]) -> None:
    """Insert batch rows given as ``{attname: value}``; ``issues`` and ``raw`` may be given
    as JSON text already (a ``str``)."""
    if not rows:
        return
    if use_copy():
        _copy_lines(BatchRow, BATCH_ROW_FIELDS, _batch_row_lines(rows))
        return
    BatchRow.objects.bulk_create(
        [
            BatchRow(
                **{
                    k: json.loads(v) if k in BATCH_ROW_JSON and isinstance(v, str) else v
                    for k, v in r.items()
                }
            )
            for r in rows
        ],
        batch_size=1000,
    )


def _json_text(value: Any) -> str:
    return copy_escape(value) if isinstance(value, str) else copy_text(value)


def _batch_row_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Batch rows as ``COPY`` lines (:data:`BATCH_ROW_FIELDS`; ``issues`` and ``raw`` as
    JSON text or as values): the outcomes formatted once, ``copy_text`` for the rest."""
    outcomes: dict[Any, str] = {}
    lines = []
    for r in rows:
        outcome = r["outcome"]
        shown = outcomes.get(outcome)
        if shown is None:
            shown = outcomes[outcome] = copy_text(outcome)
        record_id = r["record_id"]
        lines.append(
            f"{copy_text(r['batch_id'])}\t{copy_text(r['row_number'])}\t{shown}\t"
            f"{copy_text(r['decision_number'])}\t{_json_text(r['issues'])}\t"
            f"{_json_text(r['raw'])}\t{'\\N' if record_id is None else copy_text(record_id)}\n"
        )
    return lines


#: Field classes whose value goes to the database as it is on the instance (no conversion,
#: no ``pre_save``): ``insert_objects`` skips their per-value preparation.
_PLAIN_FIELDS = (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    IntegerField,
    PositiveIntegerField,
    SmallIntegerField,
    TextField,
    ForeignKey,
)


def _plain(field: models.Field[Any, Any]) -> bool:
    if type(field) not in _PLAIN_FIELDS:
        return False
    # A subclass or a field with choices/auto values is prepared by Django as usual.
    return type(field).pre_save is models.Field.pre_save


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
    fields = list(model._meta.concrete_fields)
    plain = [(f.attname, _plain(f), f) for f in fields]
    rows = []
    for obj in objs:
        values = obj.__dict__
        rows.append(
            tuple(
                values[attname] if fast else f.get_db_prep_save(f.pre_save(obj, True), connection)
                for attname, fast, f in plain
            )
        )
        obj._state.adding = False
        obj._state.db = connection.alias
    _copy(model, [f.attname for f in fields], rows)
    return objs


def probe_each(
    model: type[models.Model], columns: Sequence[str] | None, key: str, equal: Sequence[str] = ()
) -> str:
    """SQL selecting ``columns`` (None: all) of the rows of ``model`` whose ``key`` is one of
    the texts of ONE array parameter, given first, and whose ``equal`` columns equal the
    parameters after it — for a key that is unique with them. Only for PostgreSQL.

    Written as one index probe per value (a nested loop over the array, ``LIMIT 1`` a probe)
    rather than ``key = ANY(%s)``: for that, the planner relies on the table's statistics,
    and without them (a table that grew since it was last analysed, autovacuum off) it
    reads every row of the department, or the whole table, for every chunk — a million-row
    import then slows down as it goes.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    shown = "*" if columns is None else ", ".join(quote(c) for c in columns)
    conditions = [f"{quote(c)} = %s" for c in equal] + [f"{quote(key)} = wanted.value"]
    # Names from the model's metadata; every value is a parameter.
    probe = f"SELECT {shown} FROM {table} WHERE {' AND '.join(conditions)} LIMIT 1"  # noqa: S608
    head = "SELECT found.* FROM unnest(%s::text[]) AS wanted(value) CROSS JOIN LATERAL"
    return f"{head} ({probe}) AS found"
