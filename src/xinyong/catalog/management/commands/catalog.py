"""``xinyong catalog docs`` writes ``docs/catalog.md`` from the loaded catalog editions
(``--check`` only compares, exit status 1 if it is out of date); ``xinyong catalog list
[--on DATE]`` lists the items that may be recorded on a date; ``xinyong catalog show CODE
[--on DATE]`` shows one item with its fields."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from xinyong.catalog.docs import render_catalog_markdown
from xinyong.catalog.errors import CatalogNotLoaded
from xinyong.catalog.queries import catalog_editions, catalog_item, items_in_force
from xinyong.errors import CodedError
from xinyong.workdays.errors import parse_date_param


def default_docs_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "catalog.md"


class Command(BaseCommand):
    help = "Generate the catalog documentation page and list catalog items (公共信用信息目录)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        docs = sub.add_parser("docs", help="write docs/catalog.md from the loaded editions")
        docs.add_argument("--output", type=Path, help="default: docs/catalog.md")
        docs.add_argument(
            "--check", action="store_true", help="only check that the file is up to date"
        )
        listing = sub.add_parser("list", help="items that may be recorded on a date")
        listing.add_argument("--on", metavar="DATE", help="default: today")
        show = sub.add_parser("show", help="one item with its fields")
        show.add_argument("code")
        show.add_argument("--on", metavar="DATE", help="default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "docs":
                self._docs(options["output"] or default_docs_path(), check=options["check"])
                return
            on = (
                parse_date_param(options["on"], name="--on")
                if options["on"]
                else timezone.localdate()
            )
            if options["action"] == "list":
                self._list(on)
            else:
                self._show(options["code"], on)
        except CodedError as exc:
            self.stderr.write(f"{exc.code}: {exc.message_zh} / {exc.message_en}")
            sys.exit(1)

    def _docs(self, path: Path, *, check: bool) -> None:
        editions = catalog_editions()
        if not editions:
            raise CatalogNotLoaded(
                message_zh="尚未载入目录，请先运行 xinyong policy load。",
                message_en="No catalog is loaded; run `xinyong policy load` first.",
            )
        text = render_catalog_markdown(editions)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if check:
            if current != text:
                self.stderr.write(f"{path} is out of date: run `xinyong catalog docs`.")
                sys.exit(1)
            self.stdout.write(f"{path} is up to date.")
            return
        if current == text:
            self.stdout.write(f"{path} unchanged.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path} written.")

    def _list(self, on: Any) -> None:
        for item in items_in_force(on=on):
            self.stdout.write(
                f"{item.code}\t{item.name_zh}\t{item.category_zh}\t{item.record_kind}\t"
                f"{item.disclosure}\t{item.reporting_deadline_working_days}\t{item.edition}"
            )

    def _show(self, code: str, on: Any) -> None:
        item = catalog_item(code, on=on)
        self.stdout.write(f"{item.code}\t{item.name_zh}\t{item.name_en}\t{item.edition}")
        for f in item.fields:
            required = "required" if f.required else ",".join(f.required_for_kinds)
            code_list = f.code_list.code if f.code_list is not None else ""
            self.stdout.write(f"  {f.code}\t{f.name_zh}\t{f.type}\t{required}\t{code_list}")
