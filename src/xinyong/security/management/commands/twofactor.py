"""``xinyong twofactor reset USERNAME --reason …``: remove a staff member's authenticator
(a lost phone), after the platform administrator has confirmed who is asking. The next
log-in enrols a new one. Audited as the platform (event 9203)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.security.actions.twofactor import do_reset_totp_device


class Command(BaseCommand):
    help = "Reset a staff member's authenticator (双因素认证重置)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reset = sub.add_parser("reset", help="remove the user's authenticator")
        reset.add_argument("username")
        reset.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"USER_NOT_FOUND: no user {options['username']}")
        try:
            removed = do_reset_totp_device(
                user, reason=options["reason"], acting_user=None, actor_label="system:twofactor"
            )
        except CodedError as exc:
            raise CommandError(f"{exc.code}: {exc.message_en}") from exc
        self.stdout.write(
            f"Authenticator of {user.username} removed; the next log-in enrols a new one."
            if removed
            else f"{user.username} had no authenticator."
        )
