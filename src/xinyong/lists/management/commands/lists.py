"""``xinyong lists tick [--today DATE]``: the periodic job of the listing procedure;
``xinyong lists diagram [--write]``: the procedure's diagram and tables generated from
``xinyong.lists.procedure`` (``--write`` updates docs/lists.md between its markers)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.errors import CodedError
from xinyong.lists.procedure import DOC_BEGIN, DOC_END, documentation_block
from xinyong.lists.tick import run_listing_tick
from xinyong.workdays.errors import parse_date_param


def docs_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "lists.md"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the procedure markers replaced by ``block``."""
    start = text.index(DOC_BEGIN)
    end = text.index(DOC_END) + len(DOC_END)
    return text[:start] + block + text[end:]


class Command(BaseCommand):
    help = "Listing procedure: the periodic job (tick) and the generated diagram."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser(
            "tick", help="close ended objection windows, raise overdue alarms, expire terms"
        )
        tick.add_argument("--today", help="run as of this date (YYYY-MM-DD); default today")
        diagram = sub.add_parser("diagram", help="print the procedure's Mermaid diagram and tables")
        diagram.add_argument("--write", action="store_true", help="update docs/lists.md")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "diagram":
            block = documentation_block()
            if not options["write"]:
                self.stdout.write(block)
                return
            path = docs_path()
            text = path.read_text(encoding="utf-8")
            if DOC_BEGIN not in text or DOC_END not in text:
                raise CommandError(f"{path}: the procedure markers are missing")
            path.write_text(replace_block(text, block), encoding="utf-8")
            self.stdout.write(f"updated {path}")
            return
        try:
            today = parse_date_param(options["today"], name="--today") if options["today"] else None
        except CodedError as exc:
            self.stderr.write(f"{exc.code}: {exc.message_zh} / {exc.message_en}")
            sys.exit(1)
        report = run_listing_tick(today=today)
        for line in report.lines():
            self.stdout.write(line)
