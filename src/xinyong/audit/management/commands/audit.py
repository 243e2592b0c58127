"""``xinyong audit verify`` recomputes the hash chain; ``xinyong audit head`` prints the
newest link, for publishing as an external anchor."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.audit.models import AuditChainHead
from xinyong.audit.record import verify_chain


class Command(BaseCommand):
    help = "Verify or anchor the audit trail (审计链校验)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="recompute the chain and name the first break")
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a previously published anchor that must still be in the chain",
        )
        sub.add_parser("head", help="print the newest event number and hash")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            head = AuditChainHead.objects.filter(pk=1).first()
            seq, digest = (head.last_seq, head.last_hash) if head else (0, "0" * 64)
            self.stdout.write(f"{seq}:{digest}")
            return
        expect = None
        if options.get("expect_head"):
            try:
                seq_s, digest = options["expect_head"].split(":", 1)
                expect = (int(seq_s), digest)
            except ValueError as exc:
                raise argparse.ArgumentTypeError("--expect-head takes SEQ:HASH") from exc
        result = verify_chain(expect_head=expect)
        if result.ok:
            self.stdout.write(
                f"OK: {result.checked} events verified; head {result.head_seq}:{result.head_hash}"
            )
            return
        raise CommandError(
            f"{result.reason_code}: first broken link at event {result.first_broken_seq}: "
            f"{result.reason} ({result.checked} events verified before it)"
        )
