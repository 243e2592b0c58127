"""Backup and restore of the platform's database, and the verification that makes a restore
usable (``xinyong backup DEST``, ``xinyong restore SRC``; docs/security.md, "Backup and
restore"; docs/decisions/0045-backup-and-restore.md).

Why this exists: issue 7 "Tamper evidence and recovery" — a documented, tested backup and
restore after which ``xinyong audit verify`` passes; 个人信息保护法 art. 51 (security measures);
seed 003 七(二) (the query register must survive). A backup nobody has restored is a hope,
and a restored database nobody has verified may hide a rewritten history.

- **SQLite**: the sqlite3 online backup API (``Connection.backup``) copies the database page
  by page from a consistent snapshot while the platform keeps running (WAL mode: readers and
  the one writer are not blocked). The copy is switched to a rollback journal so that the
  backup is one self-contained file, and checked with ``PRAGMA integrity_check``.
- **PostgreSQL**: ``pg_dump --format=custom`` (one consistent snapshot, online) and
  ``pg_restore`` into an *empty* database (``--exit-on-error --single-transaction``: all or
  nothing). Both take the connection from the Django settings (``XINYONG_DATABASE_URL``);
  the password, if any, is passed in ``PGPASSWORD``, never on the command line.

A restore never overwrites data: the target must be empty (SQLite: a missing or empty file;
PostgreSQL: a database without tables). After it, the audit chain is recomputed
(``xinyong.audit.record.verify_chain``, optionally against a published head) and the query
register compared with its digests in the chain (``verify_register``); only a database that
passes both gets the event 9003 ``DATABASE_RESTORED`` appended to its chain.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections

from xinyong.audit.models import AuditChainHead
from xinyong.audit.record import VerifyResult, verify_chain
from xinyong.security.actions.register import verify_register
from xinyong.security.errors import BackupFailed, RestoreNotVerified

#: pg_dump / pg_restore may take long on a large database; a hung tool is still stopped.
PG_TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size: int
    sha256: str
    #: The newest audit link in the backup (SQLite: read from the copy; PostgreSQL: the head
    #: before the dump started — the dump holds this link or a later one).
    head: tuple[int, str]


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    engine: str
    sha256: str
    chain: VerifyResult
    register_problems: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupFailed(
            code="BACKUP_ENGINE_UNSUPPORTED",
            message_zh=f"不支持备份 {vendor} 数据库（仅支持 SQLite 与 PostgreSQL）。",
            message_en=f"backing up a {vendor} database is not supported (SQLite, PostgreSQL).",
        )
    return vendor


def _live_head(using: str) -> tuple[int, str]:
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    return (head.last_seq, head.last_hash) if head else (0, "0" * 64)


# ------------------------------------------------------------------------------------------
# Backup
# ------------------------------------------------------------------------------------------


def backup_database(dest: Path, *, using: str = "default") -> BackupResult:
    """Write a backup of the database ``using`` to ``dest`` (which must not exist): first to
    ``dest.partial``, renamed once complete, so that a half-written file never carries the
    final name."""
    dest = Path(dest)
    if dest.exists():
        raise BackupFailed(
            code="BACKUP_DESTINATION_EXISTS",
            message_zh=f"备份文件 {dest} 已存在；请另选文件名（备份不会覆盖已有文件）。",
            message_en=f"{dest} exists; choose another name (a backup never overwrites).",
        )
    engine = _engine(using)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            head = _sqlite_backup(partial, using)
        else:
            head = _live_head(using)
            _pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}"], using)  # fmt: skip
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(dest, engine, dest.stat().st_size, sha256_of(dest), head)


def _sqlite_backup(target: Path, using: str) -> tuple[int, str]:
    connection = connections[using]
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection  # the raw sqlite3 connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # the online backup API: a consistent snapshot, writers go on
        # One self-contained file: no -wal/-shm companions needed to read the backup.
        copy.execute("PRAGMA journal_mode=DELETE")
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":  # pragma: no cover - a broken copy of a sound database
            raise BackupFailed(
                code="BACKUP_TOOL_FAILED",
                message_zh=f"备份副本完整性检查未通过：{check}",
                message_en=f"the copy failed its integrity check: {check}",
            )
        row = copy.execute(
            f"SELECT last_seq, last_hash FROM {AuditChainHead._meta.db_table} WHERE id = 1"  # noqa: S608
        ).fetchone()
    finally:
        copy.close()
    return (int(row[0]), str(row[1])) if row else (0, "0" * 64)


def _pg(command: list[str], using: str) -> None:
    """Run a PostgreSQL client tool against the database ``using`` (connection options from
    the settings; the password through the environment)."""
    if shutil.which(command[0]) is None:
        raise BackupFailed(
            code="BACKUP_TOOL_FAILED",
            message_zh=f"找不到 {command[0]}；请安装与服务器版本一致的 PostgreSQL 客户端。",
            message_en=f"{command[0]} not found; install the PostgreSQL client of the "
            "server's version.",
        )
    params: dict[str, Any] = connections[using].settings_dict
    args = [f"--dbname={params['NAME']}"]
    if params.get("HOST"):
        args.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        args.append(f"--port={params['PORT']}")
    if params.get("USER"):
        args.append(f"--username={params['USER']}")
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    done = subprocess.run(  # noqa: S603 - fixed tool names, arguments from the settings
        [*command, "--no-password", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=PG_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        error = done.stderr.strip()[:500]
        raise BackupFailed(
            code="BACKUP_TOOL_FAILED",
            message_zh=f"{command[0]} 失败（退出码 {done.returncode}）：{error}",
            message_en=f"{command[0]} failed (exit {done.returncode}): {error}",
        )


# ------------------------------------------------------------------------------------------
# Restore
# ------------------------------------------------------------------------------------------


def restore_database(
    source: Path, *, using: str = "default", expect_head: tuple[int, str] | None = None
) -> RestoreResult:
    """Restore the backup ``source`` into the (empty) database ``using`` and verify it.
    Raises ``RestoreNotVerified`` when the restored chain or register does not verify (the
    restored data stay, for investigation; nothing is appended to them)."""
    source = Path(source)
    if not source.is_file():
        raise BackupFailed(
            code="RESTORE_SOURCE_INVALID",
            message_zh=f"备份文件 {source} 不存在。",
            message_en=f"backup file {source} does not exist.",
        )
    engine = _engine(using)
    digest = sha256_of(source)
    _require_empty(using)
    if engine == "sqlite":
        _sqlite_restore(source, using)
    else:
        connections[using].close()
        _pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", str(source)], using)  # fmt: skip
    connections[using].close()  # the next query sees the restored database
    return verify_restored(source, engine, digest, expect_head=expect_head)


def verify_restored(
    source: Path, engine: str, digest: str, *, expect_head: tuple[int, str] | None = None
) -> RestoreResult:
    chain = verify_chain(expect_head=expect_head)
    problems = verify_register() if chain.ok else []
    result = RestoreResult(source, engine, digest, chain, problems)
    if not chain.ok:
        raise RestoreNotVerified(
            code="RESTORE_NOT_VERIFIED",
            message_zh=f"恢复的数据库未通过审计链校验（{chain.reason_code}，第 "
            f"{chain.first_broken_seq} 条）：{chain.reason}。请勿使用，改用更早的备份并调查。",
            message_en=f"the restored database fails the audit verification "
            f"({chain.reason_code} at event {chain.first_broken_seq}): {chain.reason}. Do not "
            "use it; restore an earlier backup and investigate.",
            result=result,
        )
    if problems:
        raise RestoreNotVerified(
            code="RESTORE_NOT_VERIFIED",
            message_zh=f"恢复的查询使用登记与审计链不一致：{'；'.join(problems[:5])}",
            message_en=f"the restored query register differs from the chain: "
            f"{'; '.join(problems[:5])}",
            result=result,
        )
    return result


def _require_empty(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupFailed(
            code="RESTORE_TARGET_NOT_EMPTY",
            message_zh=f"目标数据库已有 {len(tables)} 张表；恢复只写入空数据库"
            "（PostgreSQL：createdb 新库；SQLite：指向一个新文件）。",
            message_en=f"the target database has {len(tables)} tables; a restore writes only "
            "into an empty database (PostgreSQL: createdb a new one; SQLite: a new file).",
        )


def _sqlite_restore(source: Path, using: str) -> None:
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        check = backup.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(
            code="RESTORE_SOURCE_INVALID",
            message_zh=f"{source} 不是可读的 SQLite 数据库：{exc}",
            message_en=f"{source} is not a readable SQLite database: {exc}",
        ) from None
    try:
        if check != "ok":
            raise BackupFailed(
                code="RESTORE_SOURCE_INVALID",
                message_zh=f"备份文件完整性检查未通过：{check}",
                message_en=f"the backup fails its integrity check: {check}",
            )
        connection = connections[using]
        connection.ensure_connection()
        backup.backup(connection.connection)
    finally:
        backup.close()
