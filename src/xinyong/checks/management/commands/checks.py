"""``xinyong checks verify RECEIPT_FILE [--public-key FILE]``: verify a check receipt;
``xinyong checks public-key``: print the keys that verify receipts;
``xinyong checks keygen``: print a new private signing key (for ``XINYONG_CHECK_SIGNING_KEY``);
``xinyong checks anchor``: anchor the heads of the register chains in the audit chain (run it
from the periodic jobs; docs/decisions/0070-register-chains.md).

``verify`` exits 0 when the receipt is valid and 1 when it is not (or cannot be read), printing
the reason's code. With ``--public-key`` (base64 of the 32 raw bytes, or a PEM file) it
needs neither the database nor the platform's keys: anyone can verify offline. Without it,
the platform's published keys are used and, when the database holds the check, the command
also says whether this is the very receipt the platform issued.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from xinyong.checks import signing
from xinyong.checks.models import Check
from xinyong.checks.receipts import verify_document


class Command(BaseCommand):
    help = "Check receipts: verify one, print the public keys, make a signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify a receipt file (JSON); exit 1 if invalid")
        verify.add_argument("receipt_file", help="the receipt document ('-' for standard input)")
        verify.add_argument(
            "--public-key",
            help="verify offline with this key (a file: base64 of the raw key, or PEM)",
        )
        sub.add_parser("public-key", help="print the keys that verify receipts")
        sub.add_parser("keygen", help="print a new Ed25519 private key (base64 seed)")
        sub.add_parser(
            "anchor", help="anchor the register chains of checks in the audit chain (event 6003)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "keygen":
            self.stdout.write(signing.new_private_key_text())
            return
        if action == "anchor":
            from xinyong.security.actions.register import do_anchor_register

            anchored = do_anchor_register(actor_label="system:checks-anchor")
            self.stdout.write(f"{anchored} register chain(s) anchored")
            return
        if action == "public-key":
            for key in signing.public_keys():
                state = "current" if key.current else "retired"
                self.stdout.write(f"{key.key_id} {signing.ALGORITHM} {state} {key.raw_b64}")
            return
        self._verify(options["receipt_file"], options.get("public_key"))

    def _verify(self, name: str, key_file: str | None) -> None:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            self.stderr.write(f"RECEIPT_UNREADABLE: {exc}")
            sys.exit(1)
        keys = None
        if key_file:
            try:
                key = signing.parse_public_key(Path(key_file).read_text())
            except (OSError, ValueError) as exc:
                self.stderr.write(f"PUBLIC_KEY_INVALID: {exc}")
                sys.exit(1)
            keys = {signing.key_id_of(key): key}
        result = verify_document(data, keys=keys)
        line = f"{result.code}: {result.message_zh} / {result.message_en}"
        if not result.valid:
            self.stderr.write(line)
            sys.exit(1)
        self.stdout.write(line)
        receipt = result.receipt
        self.stdout.write(
            f"receipt {receipt.get('id')} issued {receipt.get('issued_at')} by key "
            f"{result.key_id}; department {receipt.get('department', {}).get('code', '')}; "
            f"matter {receipt.get('matter', {}).get('code', '')}; "
            f"{len(receipt.get('answers', []))} answer(s)"
        )
        if keys is None:
            try:
                stored = Check.objects.filter(public_id=str(receipt.get("id", ""))).first()
            except (DatabaseError, ValueError):
                stored = None
            if stored is not None:
                same = stored.receipt_sha256 == result.payload_sha256
                self.stdout.write(
                    "on record: the platform issued this very receipt"
                    if same
                    else "NOT on record: the platform holds a different receipt under this id"
                )
                if not same:
                    sys.exit(1)
