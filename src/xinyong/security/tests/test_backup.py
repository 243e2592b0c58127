"""Backup and restore (issue 7 "Tamper evidence and recovery"): a backup of data made through
the actions, restored into a *new* database by the command an operator runs (a separate
``xinyong restore`` process pointed at the new database), verifies — audit chain and query
register — and holds the same rows; a tampered backup is refused by the verification.

The tests commit their data (``transaction=True``): a backup, like a real one, sees only
committed data, and the restore runs in another process.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.security.actions import do_create_api_token, do_record_consent, record_access
from xinyong.security.choices import LegalBasis
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_TABLE = AuditEvent._meta.db_table
REGISTER_TABLE = AccessRecord._meta.db_table


@pytest.fixture
def platform_data(
    loaded_policy: object,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    make_subject: Callable[..., Subject],
) -> Subject:
    """A little of everything, through the actions: policy editions, departments, users,
    subjects (one with an encrypted ID number), a token, a consent, register entries."""
    bureau = make_department("备份测试局")
    checker = make_user(Role.DEPARTMENT_CHECKER, department=bureau)
    person = make_subject("备份测试人", kind=SubjectKind.NATURAL_PERSON)
    make_subject("备份测试有限公司")
    do_create_api_token(
        name="备份测试系统", department=bureau, scopes=["check"], days=30, acting_user=None,
        actor_label="test",
    )  # fmt: skip
    today = timezone.localdate()
    do_record_consent(
        person, department=bureau, reference="BK-2026-1", purpose="备份测试", scope=["penalties"],
        valid_from=today, valid_until=today + timedelta(days=30), acting_user=None,
        actor_label="test",
    )  # fmt: skip
    for purpose in ("备份测试：核查", "备份测试：复核"):
        with transaction.atomic():
            record_access(
                actor=checker, purpose=purpose, legal_basis=LegalBasis.CONSENT,
                basis_reference="BK-2026-1", subject=person, fields=["penalties"],
            )  # fmt: skip
    return person


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return table_counts(cursor, connection.introspection.table_names(cursor))


def xinyong(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """Run ``xinyong …`` as an operator would, against ``database_url``."""
    env = {**os.environ, "XINYONG_DATABASE_URL": database_url, "XINYONG_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "xinyong.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def backup(dest: Path) -> dict[str, str]:
    out = io.StringIO()
    call_command("backup", str(dest), stdout=out)
    return dict(line.split("\t", 1) for line in out.getvalue().splitlines())


# ------------------------------------------------------------------------------------------
# SQLite
# ------------------------------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite backup"
)


@sqlite_only
def test_sqlite_backup_restores_into_a_new_file_that_verifies(
    platform_data: Subject, tmp_path: Path
) -> None:
    before = live_counts()
    assert before[REGISTER_TABLE] == 2
    printed = backup(tmp_path / "xinyong.backup.sqlite3")
    # The backup is audited in the live database, with the file's digest and head.
    event = AuditEvent.objects.filter(event_type=EventType.DATABASE_BACKED_UP).get()
    assert isinstance(event.after, dict)
    assert event.after["sha256"] == printed["sha256"]
    assert event.after["head"] == printed["audit_head"]
    assert printed["audit_head"].startswith(f"{before[AUDIT_TABLE]}:")
    # One self-contained file, readable on its own (no -wal companion needed).
    backup_file = tmp_path / "xinyong.backup.sqlite3"
    with sqlite3.connect(backup_file) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    restored = tmp_path / "restored.sqlite3"
    done = xinyong("restore", str(backup_file), database_url=f"sqlite:///{restored}")
    assert done.returncode == 0, done.stderr
    assert "OK: restored" in done.stdout and "query register consistent" in done.stdout
    verified = xinyong("audit", "verify", database_url=f"sqlite:///{restored}")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"OK: {before[AUDIT_TABLE] + 1} events verified")

    with sqlite3.connect(restored) as raw:
        after = table_counts(raw.cursor(), list(before))
        last = raw.execute(
            f"SELECT event_type, after FROM {AUDIT_TABLE} ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    # Every table holds the same rows; the chain has one more event: the restore's own.
    assert after == {**before, AUDIT_TABLE: before[AUDIT_TABLE] + 1}
    assert last[0] == EventType.DATABASE_RESTORED and printed["sha256"] in last[1]


@sqlite_only
def test_sqlite_restore_with_the_published_head(platform_data: Subject, tmp_path: Path) -> None:
    printed = backup(tmp_path / "b.sqlite3")
    head = printed["audit_head"]
    ok = xinyong("restore", str(tmp_path / "b.sqlite3"), "--expect-head", head,
                 database_url=f"sqlite:///{tmp_path / 'r1.sqlite3'}")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    seq = head.split(":")[0]
    forged = xinyong("restore", str(tmp_path / "b.sqlite3"), "--expect-head", f"{seq}:{'0' * 64}",
                     database_url=f"sqlite:///{tmp_path / 'r2.sqlite3'}")  # fmt: skip
    assert forged.returncode != 0
    assert "RESTORE_NOT_VERIFIED" in forged.stderr


def _alter_event(raw: sqlite3.Connection) -> None:
    raw.execute(
        f"UPDATE {AUDIT_TABLE} SET actor_label = 'someone else' "
        f"WHERE seq = (SELECT MAX(seq) / 2 FROM {AUDIT_TABLE})"
    )


def _delete_event(raw: sqlite3.Connection) -> None:
    raw.execute(f"DELETE FROM {AUDIT_TABLE} WHERE seq = 3")


def _alter_register(raw: sqlite3.Connection) -> None:
    raw.execute(f"UPDATE {REGISTER_TABLE} SET purpose = '无关目的'")


@sqlite_only
@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (_alter_event, "AUDIT_EVENT_ALTERED"),
        (_delete_event, "AUDIT_EVENT_MISSING"),
        (_alter_register, "differs from audit event"),
    ],
    ids=["event-altered", "event-deleted", "register-altered"],
)
def test_a_tampered_backup_fails_verification(
    platform_data: Subject,
    tmp_path: Path,
    tamper: Callable[[sqlite3.Connection], None],
    reason: str,
) -> None:
    backup_file = tmp_path / "b.sqlite3"
    backup(backup_file)
    with sqlite3.connect(backup_file) as raw:
        tamper(raw)
        events = raw.execute(f"SELECT COUNT(*) FROM {AUDIT_TABLE}").fetchone()[0]
    restored = tmp_path / "restored.sqlite3"
    done = xinyong("restore", str(backup_file), database_url=f"sqlite:///{restored}")
    assert done.returncode != 0
    assert "RESTORE_NOT_VERIFIED" in done.stderr and reason in done.stderr
    # Nothing is appended to data that failed: no restore event.
    with sqlite3.connect(restored) as raw:
        assert raw.execute(f"SELECT COUNT(*) FROM {AUDIT_TABLE}").fetchone()[0] == events


@sqlite_only
def test_backup_and_restore_never_overwrite(platform_data: Subject, tmp_path: Path) -> None:
    existing = tmp_path / "exists.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="BACKUP_DESTINATION_EXISTS"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"
    backup(tmp_path / "b.sqlite3")
    before = live_counts()
    # The configured (test) database is not empty: a restore into it is refused.
    with pytest.raises(CommandError, match="RESTORE_TARGET_NOT_EMPTY"):
        call_command("restore", str(tmp_path / "b.sqlite3"))
    assert live_counts() == before
    with pytest.raises(CommandError, match="RESTORE_SOURCE_INVALID"):
        call_command("restore", str(tmp_path / "missing.sqlite3"))
    not_a_database = tmp_path / "junk.sqlite3"
    not_a_database.write_bytes(b"not a database" * 100)
    done = xinyong("restore", str(not_a_database),
                   database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}")  # fmt: skip
    assert done.returncode != 0 and "RESTORE_SOURCE_INVALID" in done.stderr


# ------------------------------------------------------------------------------------------
# PostgreSQL
# ------------------------------------------------------------------------------------------


@pytest.fixture
def new_postgres_database() -> Iterator[str]:
    """A freshly created, empty database (unique name), dropped at the end; yields its
    connection URL."""
    name = f"xinyong_restore_{uuid.uuid4().hex[:12]}"
    params = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    try:
        yield f"postgres://{user}{password}@{host}{port}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_counts(url: str, tables: list[str]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as raw, raw.cursor() as cursor:
        return table_counts(cursor, tables)


@pytest.mark.postgres_only
def test_postgres_dump_restores_into_a_new_database_that_verifies(
    platform_data: Subject, tmp_path: Path, new_postgres_database: str
) -> None:
    before = live_counts()
    dump = tmp_path / "xinyong.dump"
    printed = backup(dump)
    assert printed["engine"] == "postgresql"
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    done = xinyong("restore", str(dump), database_url=new_postgres_database)
    assert done.returncode == 0, done.stderr
    verified = xinyong("audit", "verify", database_url=new_postgres_database)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"OK: {before[AUDIT_TABLE] + 1} events verified")
    assert _pg_counts(new_postgres_database, list(before)) == {
        **before,
        AUDIT_TABLE: before[AUDIT_TABLE] + 1,
    }

    # Tampering with the restored database is found by the next verification.
    import psycopg

    with psycopg.connect(new_postgres_database) as raw:
        raw.execute(f"UPDATE {AUDIT_TABLE} SET actor_label = 'someone else' WHERE seq = 2")
    broken = xinyong("audit", "verify", database_url=new_postgres_database)
    assert broken.returncode != 0 and "AUDIT_EVENT_ALTERED" in broken.stderr


@pytest.mark.postgres_only
def test_postgres_restore_refuses_a_database_with_tables(
    platform_data: Subject, tmp_path: Path
) -> None:
    backup(tmp_path / "x.dump")
    before = live_counts()
    with pytest.raises(CommandError, match="RESTORE_TARGET_NOT_EMPTY"):
        call_command("restore", str(tmp_path / "x.dump"))
    assert live_counts() == before
