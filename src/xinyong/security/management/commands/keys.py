"""``xinyong keys status|rotate``: re-encrypt stored secrets under the newest field key.

Rotation procedure (docs/security.md#encryption-at-rest-and-key-rotation):

1. put a new Fernet key FIRST in ``XINYONG_FIELD_KEYS`` (keep the old ones after it) and
   restart: new values are written with the new key, old ones still read;
2. ``xinyong keys rotate``: every encrypted ID number and authenticator secret is
   re-encrypted under the new key (one transaction, one audit event 9401);
3. ``xinyong keys status`` shows every value under the newest key; remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.security.actions.keys import do_rotate_field_keys, key_status


class Command(BaseCommand):
    help = "Show or rotate the encryption of stored personal identifiers and secrets (密钥轮换)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="how many values each column has under the newest key")
        sub.add_parser("rotate", help="re-encrypt every value under the newest key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            counts = do_rotate_field_keys(acting_user=None, actor_label="system:keys-rotate")
            for column, count in counts.items():
                self.stdout.write(f"{column}: {count} re-encrypted")
            self.stdout.write(self.style.SUCCESS("All values are now under the newest key."))
            return
        for status in key_status():
            self.stdout.write(
                f"{status.column}: {status.under_newest_key} of {status.total} under the newest key"
            )
