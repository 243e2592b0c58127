"""``xinyong repair …``: the daily job (``tick``), applying a synchronised-repair event from
a file (``apply-event``), a record's eligibility (``eligibility``), re-encrypting the stored
materials under the newest field key after a key rotation (``rotate-materials``; run it
with ``xinyong keys rotate``, before the old key leaves ``XINYONG_FIELD_KEYS``)."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.audit.context import new_request_id, request_context
from xinyong.errors import CodedError
from xinyong.records.models import Record
from xinyong.repair.actions import do_apply_remote_repair_event
from xinyong.repair.eligibility import eligibility
from xinyong.repair.materials import rotate_stored_materials
from xinyong.repair.tick import run_repair_tick


class Command(BaseCommand):
    help = (
        "Objections and credit repair: tick (daily job), apply-event, eligibility, "
        "rotate-materials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="reminders, overdue alarms, expiry (run daily)")
        tick.add_argument("--today", type=date.fromisoformat, help="as of this date")
        event = sub.add_parser("apply-event", help="apply a repair event (JSON file)")
        event.add_argument("path", type=Path)
        show = sub.add_parser("eligibility", help="when a record may be repaired")
        show.add_argument("record", type=int)
        sub.add_parser("rotate-materials", help="re-encrypt stored materials under the newest key")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context(new_request_id("cli-")):
            try:
                getattr(self, "_" + options["action"].replace("-", "_"))(options)
            except CodedError as exc:
                raise CommandError(f"{exc.code}: {exc.message_zh} / {exc.message_en}") from exc

    def _tick(self, options: dict[str, Any]) -> None:
        for line in run_repair_tick(today=options.get("today")).lines():
            self.stdout.write(line)

    def _apply_event(self, options: dict[str, Any]) -> None:
        try:
            payload = json.loads(options["path"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['path']}: {exc}") from exc
        stored, created = do_apply_remote_repair_event(
            payload, actor_label=f"cli:{getpass.getuser()}"
        )
        state = "applied now" if created else "already received"
        self.stdout.write(f"{stored.event_id}\t{stored.outcome}\t{state}")

    def _rotate_materials(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"materials_re_encrypted\t{rotate_stored_materials()}")

    def _eligibility(self, options: dict[str, Any]) -> None:
        record = Record.objects.filter(pk=options["record"]).first()
        if record is None:
            raise CommandError(f"no record {options['record']}")
        for key, value in eligibility(record).as_dict().items():
            if key not in ("materials", "effects"):
                self.stdout.write(f"{key}\t{value}")
