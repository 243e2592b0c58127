"""``xinyong.core.db``: the hot path's cursors (docs/decisions/0073-hot-path-statements.md,
0074-check-one-statement.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from xinyong.core.db import hot_cursor, native_placeholders


def test_native_placeholders_are_numbered_in_order() -> None:
    assert native_placeholders("SELECT %s, %s::int WHERE x = %s") == (
        "SELECT $1, $2::int WHERE x = $3"
    )
    assert native_placeholders("SELECT 1") == "SELECT 1"


def test_native_placeholders_refuse_another_percent() -> None:
    with pytest.raises(ValueError, match="other than %s"):
        native_placeholders("SELECT %s WHERE name LIKE '%abc'")


@pytest.mark.django_db
def test_hot_cursors_run_both_kinds_of_statement() -> None:
    with hot_cursor() as cursor:
        cursor.execute("SELECT %s, %s", [1, "两"])
        assert tuple(cursor.fetchone()) == (1, "两")
    if connection.vendor != "postgresql":
        with pytest.raises(ValueError, match="PostgreSQL"):
            hot_cursor(native=True)
        return
    # More than 50 parameters: psycopg's own placeholders would re-split the text each time.
    values = list(range(60))
    sql = native_placeholders("SELECT " + ", ".join(["%s::int"] * 60))
    for _ in range(6):  # past the prepare threshold: the prepared statement answers the same
        with hot_cursor(native=True) as cursor:
            cursor.execute(sql, values)
            assert list(cursor.fetchone()) == values
