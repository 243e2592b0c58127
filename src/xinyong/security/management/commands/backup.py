"""``xinyong backup DEST``: a consistent backup of the running platform's database.

SQLite: the sqlite3 online backup API; PostgreSQL: ``pg_dump --format=custom``. The
connection is the one in the settings (``XINYONG_DATABASE_URL``). DEST must not exist. The
backup is audited (9002) with its SHA-256 and the audit head it contains. Restore with
``xinyong restore`` (docs/security.md, "Backup and restore").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.errors import CodedError
from xinyong.security.actions.backup import do_record_database_backup
from xinyong.security.backup import backup_database


class Command(BaseCommand):
    help = "Back up the database to DEST, online and consistent (数据库备份)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="the backup file to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_database(options["dest"])
        except CodedError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        do_record_database_backup(result, acting_user=None, actor_label="system:backup")
        self.stdout.write(f"backup\t{result.path}")
        self.stdout.write(f"engine\t{result.engine}")
        self.stdout.write(f"size\t{result.size}")
        self.stdout.write(f"sha256\t{result.sha256}")
        self.stdout.write(f"audit_head\t{result.head[0]}:{result.head[1]}")
