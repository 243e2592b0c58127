"""A cursor for the statements run on every request of a hot path (the check, the token).

Why this exists: Django's PostgreSQL cursors bind parameters on the client (its default), so
PostgreSQL parses and plans every statement anew. For the check's read (a join with three
sub-queries) planning costs ~0.6 ms of the database's CPU against ~0.15 ms of execution, on
a machine where the database and the application share the cores. ``hot_cursor`` binds on
the server, so psycopg prepares a statement once it has run ``prepare_threshold`` times on a
connection (``DATABASES['default']['OPTIONS']['prepare_threshold']``, set in settings; the
client-binding cursors every other query uses never prepare) and PostgreSQL reuses the plan
(docs/decisions/0073-hot-path-statements.md).

The cursor is wrapped as Django wraps its own (query logging, ``execute_wrapper``), joins the
current transaction, and converts nothing differently. On SQLite it is the ordinary cursor.
Behind a connection pooler in transaction mode, prepared statements need PgBouncer ≥ 1.21
with ``max_prepared_statements`` set, or ``XINYONG_DB_PREPARE_THRESHOLD=off``
(docs/deploy.md).

``hot_cursor(native=True)`` takes PostgreSQL's own ``$1, $2, …`` placeholders (write them
with ``native_placeholders``): psycopg then sends the statement as it is, where for ``%s`` it
splits the text on every execution once a statement has more than 50 parameters (its cache's
limit) — ~0.3 ms for the single check's write of ~60 values.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

_PLACEHOLDER = re.compile(r"%s")


def native_placeholders(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders numbered as PostgreSQL's ``$1, $2, …``, for
    ``hot_cursor(native=True)``. ``sql`` must hold no other ``%``."""
    if "%" in _PLACEHOLDER.sub("", sql):
        raise ValueError("a statement for native placeholders holds a % other than %s")
    numbers = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda _m: f"${next(numbers)}", sql)


@cache
def _native_cursor_class() -> Any:
    import psycopg
    from django.db.backends.postgresql.base import CursorMixin

    class NativeCursor(CursorMixin, psycopg.RawCursor):
        """Server-binding, ``$n`` placeholders, with Django's cursor methods."""

    return NativeCursor


def hot_cursor(connection: Any = None, *, native: bool = False) -> Any:
    """A cursor (use it in ``with``) whose repeated statements are prepared on PostgreSQL;
    ``native``: its statements use ``$n`` placeholders (``native_placeholders``; PostgreSQL
    only)."""
    # The thread's connection itself, not ``django.db.connection``: every attribute read
    # through that proxy looks the connection up again (~5 µs each, six of them here).
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        if native:
            raise ValueError("native placeholders are PostgreSQL's")
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # psycopg's Cursor(connection); the stubs differ
    cursor_class: Any = _native_cursor_class() if native else ServerBindingCursor
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # What the backend's create_cursor does, with the server-binding cursor class (the
        # connection's adapters, so its time zone and JSON handling, are shared).
        return connection._prepare_cursor(cursor_class(connection.connection))
