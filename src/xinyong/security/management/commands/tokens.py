"""``xinyong tokens create|list|revoke|rotate``: API tokens of department systems.

    xinyong tokens create --department 11330100MB0000001X --scope report --days 90 --name 许可系统
    xinyong tokens list [--all]
    xinyong tokens rotate xy_abcdefghij
    xinyong tokens revoke xy_abcdefghij --reason "leaked in a ticket"

A token is named by its prefix (``xy_<prefix>`` or the bare prefix). The value of a new
token is printed once, on standard output, alone on its line; everything else goes to
standard error, so that ``$(xinyong tokens create …)`` captures just the token.
Acts as the platform (audit actor ``system:tokens-command``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinyong.core.models import Department
from xinyong.errors import CodedError
from xinyong.security.actions.tokens import (
    do_create_api_token,
    do_revoke_api_token,
    do_rotate_api_token,
)
from xinyong.security.choices import TokenScope
from xinyong.security.models import ApiToken

ACTOR = "system:tokens-command"


def _find(name: str) -> ApiToken:
    prefix = name.strip()
    if prefix.startswith("xy_"):
        prefix = prefix[3:].split("_", 1)[0]
    token = ApiToken.objects.select_related("department").filter(prefix=prefix).first()
    if token is None:
        raise CommandError(f"TOKEN_NOT_FOUND: no token with prefix {prefix}")
    return token


class Command(BaseCommand):
    help = "Create, list, rotate and revoke API tokens of department systems (接口令牌)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; prints its value once")
        create.add_argument("--department", required=True, metavar="CODE", help="USCC")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=TokenScope.values,
            help="repeat for several scopes",
        )
        create.add_argument("--days", type=int, default=90, help="lifetime (default 90)")
        create.add_argument("--name", required=True, help="the system that uses it")
        listing = sub.add_parser("list", help="tokens, newest first")
        listing.add_argument("--all", action="store_true", help="include revoked and expired")
        rotate = sub.add_parser("rotate", help="issue a successor; the old one expires later")
        rotate.add_argument("token", help="xy_<prefix> or the prefix")
        rotate.add_argument("--days", type=int, default=None, help="successor's lifetime")
        revoke = sub.add_parser("revoke", help="stop a token at once")
        revoke.add_argument("token", help="xy_<prefix> or the prefix")
        revoke.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                self._create(options)
            elif action == "list":
                self._list(options["all"])
            elif action == "rotate":
                issued = do_rotate_api_token(
                    _find(options["token"]),
                    acting_user=None,
                    actor_label=ACTOR,
                    days=options["days"],
                )
                old = issued.token.rotated_from
                assert old is not None
                self.stderr.write(
                    f"Rotated {old.display_prefix}: it works until "
                    f"{timezone.localtime(old.expires_at):%Y-%m-%d %H:%M}. New token "
                    f"(shown once), expires {timezone.localtime(issued.token.expires_at):%Y-%m-%d}:"
                )
                self.stdout.write(issued.value)
            else:
                token = do_revoke_api_token(
                    _find(options["token"]),
                    reason=options["reason"],
                    acting_user=None,
                    actor_label=ACTOR,
                )
                self.stderr.write(f"Revoked {token.display_prefix} ({token.name}).")
        except CodedError as exc:
            raise CommandError(f"{exc.code}: {exc.message_en}") from exc

    def _create(self, options: dict[str, Any]) -> None:
        code = options["department"].strip().upper()
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(f"DEPARTMENT_NOT_FOUND: no department with code {code}")
        issued = do_create_api_token(
            name=options["name"],
            department=department,
            scopes=options["scope"],
            days=options["days"],
            acting_user=None,
            actor_label=ACTOR,
        )
        self.stderr.write(
            f"Token {issued.token.display_prefix} for {department.name} ({department.code}), "
            f"scopes {', '.join(issued.token.scopes)}, expires "
            f"{timezone.localtime(issued.token.expires_at):%Y-%m-%d %H:%M}. "
            "Its value is shown once:"
        )
        self.stdout.write(issued.value)

    def _list(self, include_all: bool) -> None:
        now = timezone.now()
        tokens = ApiToken.objects.select_related("department").order_by("-created_at", "-pk")
        if not include_all:
            tokens = tokens.active(now)
        rows = [("prefix", "status", "department", "scopes", "expires", "last used", "name")]
        for token in tokens:
            rows.append(
                (
                    token.display_prefix,
                    token.status(now),
                    token.department.code,
                    ",".join(token.scopes),
                    f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}",
                    f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                    if token.last_used_at
                    else "-",
                    token.name,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(6)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row[:6], widths, strict=True)]
            self.stdout.write("  ".join([*cells, row[6]]))
