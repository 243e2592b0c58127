"""``xinyong import FILE --department CODE [--item CODE] [--resume BATCH_ID]``.

Imports a CSV (UTF-8, GBK or GB18030, detected) or XLSX file of one catalog item for one
department through the same engine as the API and the console, inline, with a progress bar
on stderr. Prints the batch id first (to resume a killed import with ``--resume``) and a
summary at the end. Exit status: 0 when the batch is done (rejected rows are reported, not
fatal), 1 when the file failed as a whole or the import could not start.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from xinyong.audit.context import new_request_id, request_context
from xinyong.catalog.queries import CatalogItemDef, check_department_may_report, items_in_force
from xinyong.core.models import Department, User
from xinyong.errors import CodedError
from xinyong.records.actions import check_item_for_department, do_receive_batch
from xinyong.records.choices import BatchStatus, Channel
from xinyong.records.engine import (
    CHUNK_ROWS,
    CLI_MAX_BYTES,
    file_digest,
    process_stored_batch,
    resume_batch,
)
from xinyong.records.errors import DepartmentUnknown, ItemRequired
from xinyong.records.files import map_header, open_table
from xinyong.records.models import Batch
from xinyong.records.permissions import access_department_for_reporting
from xinyong.records.sources import accepted_headers, required_columns


def infer_item(path: Path, department: Department, *, on: Any) -> CatalogItemDef:
    """The one item the department may report whose columns the file's header fits."""
    with open_table(path, max_bytes=CLI_MAX_BYTES) as reader:
        header = list(reader.header)
    fitting: list[CatalogItemDef] = []
    for item in items_in_force(on=on):
        try:
            check_department_may_report(item, department)
            map_header(header, accepted_headers(item), required=required_columns(item))
        except CodedError:
            continue
        fitting.append(item)
    if len(fitting) == 1:
        return fitting[0]
    names = ", ".join(i.code for i in fitting) or "—"
    raise ItemRequired(
        message_zh=f"无法从表头确定目录项（符合的目录项：{names}），请用 --item 指定。",
        message_en=f"Cannot tell the catalog item from the header (items that fit: {names}); "
        "name it with --item.",
    )


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of records for a department (归集导入)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8, GBK, GB18030) or XLSX file")
        parser.add_argument("--department", required=True, help="department's USCC")
        parser.add_argument("--item", help="catalog item code (inferred from the header)")
        parser.add_argument("--resume", type=int, metavar="BATCH_ID", help="resume a batch")
        parser.add_argument("--idempotency-key", default="", help="re-running is then safe")
        parser.add_argument("--user", help="act as this staff user (a reporter there)")
        parser.add_argument(
            "--chunk-size", type=int, default=None, help=f"rows per commit ({CHUNK_ROWS})"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes validating rows (default: XINYONG_IMPORT_WORKERS or CPUs - 1)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        self.bar = _Bar(self.stderr._out, disabled=bool(options.get("no_progress")))
        with request_context(new_request_id("cli-")):
            try:
                batch = self._run(options)
            except CodedError as exc:
                raise CommandError(f"{exc.code}: {exc.message_zh} / {exc.message_en}") from exc
            finally:
                self.bar.close()
        self._summary(batch)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(
                f"{batch.error_code}: {batch.error_message_zh} / {batch.error_message_en}"
            )

    def _run(self, options: dict[str, Any]) -> Batch:
        code = str(options["department"]).strip().upper()
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise DepartmentUnknown(
                message_zh=f"没有统一社会信用代码为 {code} 的部门。",
                message_en=f"No department with the code {code}.",
            )
        user: User | None = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
            access_department_for_reporting(user, code)
        actor = f"cli:{getpass.getuser()}"
        path = Path(options["file"]).resolve()
        chunk = options["chunk_size"]
        workers = options["workers"]
        progress = self.bar
        if options.get("resume"):
            batch = Batch.objects.filter(pk=options["resume"], department=department).first()
            if batch is None:
                raise CommandError(f"no batch {options['resume']} of department {code}")
            if batch.source_path and Path(batch.source_path) != path:
                raise CommandError(
                    f"batch {batch.pk} was read from {batch.source_path}, not {path}"
                )
            self.stdout.write(f"batch {batch.pk} resumed after row {batch.last_committed_row}")
            self.stdout.flush()
            batch = resume_batch(
                batch,
                acting_user=user,
                actor_label=actor,
                chunk_rows=chunk,
                on_progress=progress,
                workers=workers,
            )
            progress(batch)
            return batch
        today = timezone.localdate()
        if options.get("item"):
            item = check_item_for_department(options["item"], department, on=today)
        else:
            item = infer_item(path, department, on=today)
        received = do_receive_batch(
            department=department,
            item=item,
            channel=Channel.CLI,
            acting_user=user,
            actor_label=actor,
            idempotency_key=options.get("idempotency_key") or "",
            content_digest=file_digest(path),
            source_name=path.name,
            source_path=str(path),
            source_size=path.stat().st_size,
        )
        batch = received.batch
        verb = "received" if received.created else "already received"
        self.stdout.write(f"batch {batch.pk} {verb}: {path.name} ({item.code}) for {code}")
        self.stdout.flush()
        batch = process_stored_batch(
            batch,
            acting_user=user,
            actor_label=actor,
            chunk_rows=chunk,
            on_progress=progress,
            workers=workers,
        )
        progress(batch)
        return batch

    def _summary(self, batch: Batch) -> None:
        self.stdout.write(
            f"batch {batch.pk}: {batch.status}; rows {batch.rows_processed}: "
            f"accepted {batch.accepted}, with warnings {batch.accepted_with_warnings}, "
            f"unchanged {batch.unchanged}, corrected {batch.corrected}, "
            f"rejected {batch.rejected}"
        )
        if batch.rejected:
            self.stdout.write(
                f"rejected rows: /api/v1/records/batches/{batch.pk}/rejected.xlsx "
                f"(or the console's batch page)"
            )


class _Bar:
    """A tqdm progress bar on stderr, in percent, with the counts so far."""

    def __init__(self, out: Any, *, disabled: bool) -> None:
        self.bar = tqdm(total=100, unit="%", file=out, disable=disabled, desc="import", leave=True)

    def __call__(self, batch: Batch) -> None:
        self.bar.n = batch.percent
        self.bar.set_postfix(
            rows=batch.rows_processed,
            accepted=batch.accepted_total,
            rejected=batch.rejected,
            refresh=False,
        )
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()
