"""``xinyong restore SRC``: restore a backup into the empty database of the settings, then
verify the audit chain and the query register.

SQLite: point ``XINYONG_DATABASE_URL`` at a new file; PostgreSQL: at a database made with
``createdb`` (``pg_restore`` into it). A restore never overwrites data. With
``--expect-head SEQ:HASH`` (a head published outside the database) the chain must still
hold that link. Exit status 1 with ``RESTORE_NOT_VERIFIED`` when the restored data fail the
verification: do not use them. Docs: docs/security.md, "Backup and restore".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.errors import CodedError
from xinyong.security.actions.backup import do_record_database_restore
from xinyong.security.backup import restore_database


def _head(value: str) -> tuple[int, str]:
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError("--expect-head takes SEQ:HASH (as printed by `xinyong audit head`)")
    return int(seq), digest


class Command(BaseCommand):
    help = "Restore a backup into an empty database and verify it (数据库恢复与校验)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="a file written by `xinyong backup`")
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a previously published audit head that the restored chain must contain",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect = _head(options["expect_head"]) if options.get("expect_head") else None
        try:
            result = restore_database(options["source"], expect_head=expect)
        except CodedError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        do_record_database_restore(result, acting_user=None, actor_label="system:restore")
        chain = result.chain
        self.stdout.write(
            f"OK: restored {result.source} ({result.engine}, sha256 {result.sha256}); "
            f"{chain.checked} events verified; head {chain.head_seq}:{chain.head_hash}; "
            "query register consistent"
        )
