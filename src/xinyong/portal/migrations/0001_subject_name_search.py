"""Indexes for the public name search (docs/portal.md, docs/decisions/0060-name-search.md).

PostgreSQL: ``pg_trgm`` and a GIN trigram index on ``core_subject.name``, so that
``name ILIKE '%某某科技%'`` is an index scan. Trigrams are extracted only from characters the
database's LC_CTYPE calls letters: with LC_CTYPE ``C`` Chinese characters are not letters and
the index finds nothing useful (every row is rechecked). The database must be created with a
UTF-8 LC_CTYPE (``C.UTF-8``); ``xinyong.portal.search.trigram_ready`` tells, and a test
fails on a database where it is not.

SQLite: an FTS5 table with the ``trigram`` tokenizer over ``core_subject.name`` (external
content: it stores only the index), kept in step by three triggers on ``core_subject``.
Triggers, not the actions, because subjects are written by ``do_create_subject``,
``do_bulk_create_subjects`` and ``do_rename_subject`` in another app, and an index that a
forgotten code path can leave stale would publish wrong search results; the triggers are
part of the index, like PostgreSQL maintaining its GIN index.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS portal_subject_name_trgm "
    "ON core_subject USING gin (name gin_trgm_ops)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS portal_subject_name_trgm"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE portal_subject_name_fts USING fts5("
    "name, content='core_subject', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER portal_subject_name_fts_ai AFTER INSERT ON core_subject BEGIN "
    "INSERT INTO portal_subject_name_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER portal_subject_name_fts_ad AFTER DELETE ON core_subject BEGIN "
    "INSERT INTO portal_subject_name_fts(portal_subject_name_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER portal_subject_name_fts_au AFTER UPDATE OF name ON core_subject BEGIN "
    "INSERT INTO portal_subject_name_fts(portal_subject_name_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO portal_subject_name_fts(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO portal_subject_name_fts(portal_subject_name_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS portal_subject_name_fts_au",
    "DROP TRIGGER IF EXISTS portal_subject_name_fts_ad",
    "DROP TRIGGER IF EXISTS portal_subject_name_fts_ai",
    "DROP TABLE IF EXISTS portal_subject_name_fts",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
