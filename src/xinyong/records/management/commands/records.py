"""``xinyong records …``: withdraw a record, end publication of expired records, show a
batch. The import itself is ``xinyong import``."""

from __future__ import annotations

import getpass
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinyong.audit.context import new_request_id, request_context
from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.records.actions import do_expire_records, do_withdraw_record
from xinyong.records.models import Batch, Record


class Command(BaseCommand):
    help = "Records: withdraw (撤销), expire (到期停止公示), show a batch."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        withdraw = sub.add_parser("withdraw", help="withdraw a record now")
        withdraw.add_argument("record", type=int)
        withdraw.add_argument("--reason", required=True)
        withdraw.add_argument(
            "--changed-on", required=True, type=date.fromisoformat,
            help="date the decision was changed, revoked or found invalid (YYYY-MM-DD)",
        )  # fmt: skip
        withdraw.add_argument("--user", help="the staff user who withdraws")
        expire = sub.add_parser("expire", help="end publication of records past their period")
        expire.add_argument("--on", type=date.fromisoformat, help="as of this date")
        show = sub.add_parser("batch", help="show a batch's status and counts")
        show.add_argument("batch", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context(new_request_id("cli-")):
            try:
                getattr(self, f"_{options['action']}")(options)
            except CodedError as exc:
                raise CommandError(f"{exc.code}: {exc.message_zh} / {exc.message_en}") from exc

    def _withdraw(self, options: dict[str, Any]) -> None:
        record = Record.objects.filter(pk=options["record"]).first()
        if record is None:
            raise CommandError(f"no record {options['record']}")
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        record = do_withdraw_record(
            record,
            reason=options["reason"],
            decision_changed_on=options["changed_on"],
            acting_user=user,
            actor_label=f"cli:{getpass.getuser()}",
        )
        late = " (late)" if record.withdrawal_late else ""
        self.stdout.write(
            f"record {record.pk} withdrawn {record.withdrawal_lag_days} days after the change{late}"
        )

    def _expire(self, options: dict[str, Any]) -> None:
        count = do_expire_records(today=options.get("on"), actor_label="cli:records-expire")
        self.stdout.write(f"{count} records expired")

    def _batch(self, options: dict[str, Any]) -> None:
        batch = Batch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"no batch {options['batch']}")
        self.stdout.write(
            f"batch {batch.pk} {batch.item_code} {batch.channel} {batch.status} "
            f"{batch.percent}%: rows {batch.rows_processed}, accepted {batch.accepted}, "
            f"with warnings {batch.accepted_with_warnings}, unchanged {batch.unchanged}, "
            f"corrected {batch.corrected}, rejected {batch.rejected}, last committed row "
            f"{batch.last_committed_row}"
        )
        if batch.error_code:
            self.stdout.write(f"error {batch.error_code}: {batch.error_message_zh}")
