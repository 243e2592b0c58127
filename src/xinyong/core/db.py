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
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


def hot_cursor(connection: Any = None) -> Any:
    """A cursor (use it in ``with``) whose repeated statements are prepared on PostgreSQL."""
    # The thread's connection itself, not ``django.db.connection``: every attribute read
    # through that proxy looks the connection up again (~5 µs each, six of them here).
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    cursor_class: Any = ServerBindingCursor  # psycopg's Cursor(connection); the stubs differ
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # What the backend's create_cursor does, with the server-binding cursor class (the
        # connection's adapters, so its time zone and JSON handling, are shared).
        return connection._prepare_cursor(cursor_class(connection.connection))
