"""PostgreSQL: an index for searches of one or two characters (docs/decisions/0060).

``pg_trgm`` cannot serve ``name ILIKE '%创恒%'``: a pattern shorter than three characters
has no trigram, so a two-character query that matches few names scans the whole table
(0.9 s over a million names). ``portal_name_grams(name)`` is the set of every one- and
two-character piece of the lower-cased name; a GIN index on it answers
``portal_name_grams(name) @> ARRAY['创恒']`` from the index. SQLite has no such need at the
sizes it is used for (its short queries read the table with a LIMIT).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION portal_name_grams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(lower(name), i, n) AS g
        FROM generate_series(1, char_length(name)) AS i, (VALUES (1), (2)) AS k(n)
        WHERE i + n - 1 <= char_length(name)
      ) grams
    $$
    """,
    "CREATE INDEX IF NOT EXISTS portal_subject_name_grams "
    "ON core_subject USING gin (portal_name_grams(name))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS portal_subject_name_grams",
    "DROP FUNCTION IF EXISTS portal_name_grams(text)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_creditreport")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
