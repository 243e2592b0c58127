"""``xinyong joint deliver``: send the webhook deliveries that are due (run every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinyong.audit.context import new_request_id, request_context
from xinyong.joint.delivery import deliver_due


class Command(BaseCommand):
    help = "Joint action: `deliver` sends the webhook deliveries that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("deliver", help="send every due webhook delivery once")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context(new_request_id("cli-")):
            counts = deliver_due()
        total = sum(counts.values())
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
        self.stdout.write(f"{total} deliveries attempted ({detail})")
