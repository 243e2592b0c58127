"""Console pages of collection: upload a file, follow a batch, list batches, see a record
and withdraw it, and the timeliness figures with their chart.

Thin views (STYLE.md §3): they check access through :mod:`xinyong.records.permissions` and
:mod:`xinyong.records.queries`, call actions and render. A record page and the rejected rows'
spreadsheet are reads of non-public data: registered in the query register in the
transaction that renders them (docs/decisions/0056-record-detail-reads.md); a reader from
outside the record's department states a purpose first (``records/purpose.html``). A batch
page refreshes itself every 2 seconds while the batch is processed, with the HTTP ``Refresh``
header (no script: the console's Content-Security-Policy allows none inline, and none is
needed).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.catalog.queries import catalog_item, check_department_may_report, items_in_force
from xinyong.console.charts import monthly_bar_chart
from xinyong.console.views import staff_required
from xinyong.core.models import Department, User
from xinyong.errors import CodedError
from xinyong.records.actions import check_item_for_department, do_receive_batch
from xinyong.records.actions.records import do_withdraw_record
from xinyong.records.api import may_unmask, rejected_rows_response
from xinyong.records.choices import BatchStatus, Channel, RecordStatus, RowOutcome
from xinyong.records.files import DEFAULT_MAX_BYTES
from xinyong.records.forms import UploadForm, WithdrawForm
from xinyong.records.models import Record
from xinyong.records.permissions import department_ids
from xinyong.records.queries import (
    READ_BASES,
    ReadReason,
    access_batch,
    access_record,
    monthly_figures,
    months_between,
    notable_rows,
    record_versions,
    register_record_reads,
    stats_query,
    visible_batches,
)
from xinyong.records.tasks import process_batch_task
from xinyong.security.choices import LegalBasis

#: Seconds between refreshes of a batch page while the batch is processed.
REFRESH_SECONDS = 2


def uploads_dir() -> Path:
    """Where uploaded files are kept until their batch is done (``var/uploads``)."""
    return Path(settings.VAR_DIR) / "uploads"


def reporting_departments(user: User) -> list[Department]:
    allowed = department_ids(user, "report") or set()
    return list(Department.objects.filter(pk__in=allowed).order_by("name"))


def reportable_items(departments: list[Department]) -> list[tuple[str, str]]:
    """(code, label) of the items in force today that one of ``departments`` may report."""
    choices: list[tuple[str, str]] = []
    for item in items_in_force(on=timezone.localdate()):
        for department in departments:
            try:
                check_department_may_report(item, department)
            except CodedError:
                continue
            choices.append((item.code, f"{item.code} {item.name_zh}"))
            break
    return choices


def store_upload(upload: UploadedFile) -> tuple[Path, str, int]:
    """Save an upload under ``var/uploads/YYYY/MM/`` with a unique name; its SHA-256 and
    size. Refuses more than the reader's limit (``FILE_TOO_LARGE``)."""
    day = timezone.localdate()
    folder = uploads_dir() / f"{day:%Y}" / f"{day:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    name = get_valid_filename(Path(upload.name or "upload").name)[-120:] or "upload"
    path = folder / f"{uuid.uuid4().hex}-{name}"
    sha = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        for piece in upload.chunks():
            size += len(piece)
            if size > DEFAULT_MAX_BYTES:
                out.close()
                path.unlink(missing_ok=True)
                raise CodedError(
                    "FILE_TOO_LARGE",
                    f"文件超过 {DEFAULT_MAX_BYTES // 1024 // 1024} MB，请拆分后上传。",
                    f"The file is over {DEFAULT_MAX_BYTES // 1024 // 1024} MB; split it.",
                    status=413,
                )
            sha.update(piece)
            out.write(piece)
    return path, sha.hexdigest(), size


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX file; a worker processes it and the batch page shows progress."""
    user = request.user
    assert isinstance(user, User)
    departments = reporting_departments(user)
    if not departments:
        return render(request, "records/upload.html", {"form": None}, status=403)
    items = reportable_items(departments)
    form = UploadForm(
        request.POST or None, request.FILES or None, departments=departments, items=items
    )
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        upload_file = form.cleaned_data["file"]
        try:
            item = check_item_for_department(
                form.cleaned_data["item"], department, on=timezone.localdate()
            )
            path, digest, size = store_upload(upload_file)
            with transaction.atomic():
                received = do_receive_batch(
                    department=department,
                    item=item,
                    channel=Channel.UPLOAD,
                    acting_user=user,
                    content_digest=digest,
                    source_name=Path(upload_file.name or path.name).name,
                    source_path=str(path),
                    source_size=size,
                )
                batch_id = received.batch.pk
                transaction.on_commit(lambda: process_batch_task.enqueue(batch_id))
        except CodedError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("console:records-batch", batch_id=batch_id)
    return render(request, "records/upload.html", {"form": form})


@require_safe
@staff_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = visible_batches(request.user)
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "records/batch_list.html", {"page": page})


@require_safe
@staff_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A batch's progress, counts and the rows that were not simply accepted."""
    try:
        batch = access_batch(request.user, batch_id)
    except CodedError:
        return render(request, "records/not_found.html", status=404)
    rows = Paginator(notable_rows(batch), 100).get_page(request.GET.get("page"))
    header = [str(h) for h in batch.header]
    response = render(
        request,
        "records/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "header": header,
            "processing": not batch.finished,
            "refresh_seconds": REFRESH_SECONDS,
            "may_resume": (
                batch.channel == Channel.UPLOAD
                and not batch.finished
                and may_unmask(request.user, batch)
            ),
            "outcome_labels": dict(RowOutcome.choices),
        },
    )
    if not batch.finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_POST
@staff_required
def batch_resume(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Queue a stopped upload batch again; it resumes after its last committed row."""
    try:
        batch = access_batch(request.user, batch_id)
    except CodedError:
        return render(request, "records/not_found.html", status=404)
    if batch.channel == Channel.UPLOAD and not batch.finished and may_unmask(request.user, batch):
        process_batch_task.enqueue(batch.pk)
        messages.info(
            request, _("The batch was queued again; it resumes after the last committed row.")
        )
    return redirect("console:records-batch", batch_id=batch.pk)


@require_safe
@staff_required
def batch_rejected(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    try:
        batch = access_batch(request.user, batch_id)
    except CodedError:
        return render(request, "records/not_found.html", status=404)
    reason = ReadReason.of(request.GET)
    try:
        return rejected_rows_response(request.user, batch, reason)
    except CodedError as exc:
        return purpose_form(
            request,
            reason,
            exc,
            action=reverse("console:records-batch-rejected", kwargs={"batch_id": batch.pk}),
            heading=_("Rejected rows of batch %(id)s") % {"id": batch.pk},
        )


def purpose_form(
    request: HttpRequest, reason: ReadReason, exc: CodedError, *, action: str, heading: str
) -> HttpResponse:
    """The page asking a reader from outside the department for the purpose and basis of a
    read of non-public data (GET form: the read itself is registered when it is made). Shows
    the refusal when a purpose was given and did not stand."""
    given = bool(reason.as_query())
    bases = dict(LegalBasis.choices)
    return render(
        request,
        "records/purpose.html",
        {
            "action": action,
            "heading": heading,
            "reason": reason,
            "error": exc.message if given else "",
            "bases": [(str(b), bases[b]) for b in READ_BASES],
            "selected_basis": reason.basis or LegalBasis.STATUTORY_DUTY,
        },
        status=exc.status if given else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """A record: values, publication window, timeliness, provenance, history; its
    department's reporters may withdraw it here."""
    try:
        record = access_record(request.user, record_id)
    except CodedError:
        return render(request, "records/not_found.html", status=404)
    allowed = department_ids(request.user, "report") or set()
    may_withdraw = record.department_id in allowed and record.status != RecordStatus.WITHDRAWN
    reason = ReadReason.of(request.GET)
    form = WithdrawForm(request.POST or None) if may_withdraw else None
    if request.method == "POST":
        if form is None:
            return render(request, "records/not_found.html", status=404)
        if form.is_valid():
            try:
                do_withdraw_record(
                    record,
                    reason=form.cleaned_data["reason"],
                    decision_changed_on=form.cleaned_data["decision_changed_on"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            except CodedError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The record was withdrawn; it is no longer published."))
                return redirect("console:records-record", record_id=record.pk)
    try:
        with transaction.atomic():  # the register row and the page in one transaction
            registered = register_record_reads(request.user, [record], reason)
            bases = dict(LegalBasis.choices)
            return render(
                request,
                "records/record_detail.html",
                {
                    "record": record,
                    "versions": record_versions(record),
                    "form": form,
                    "values": displayed_values(record),
                    "registered": registered[0] if registered else None,
                    "registered_basis": (
                        bases.get(registered[0].legal_basis, "") if registered else ""
                    ),
                },
            )
    except CodedError as exc:
        return purpose_form(
            request,
            reason,
            exc,
            action=reverse("console:records-record", kwargs={"record_id": record.pk}),
            heading=_("Record %(id)s") % {"id": record.pk},
        )


def displayed_values(record: Record) -> list[tuple[str, str, str]]:
    """(code, field name, value for people) of a record's given fields, in the catalog
    item's order; personal numbers stay masked."""
    english = (get_language() or "").startswith("en")
    try:
        item = catalog_item(record.item_code, on=record.reported_on)
    except CodedError:
        return [(code, code, str(value)) for code, value in sorted(record.values.items())]
    shown = []
    for f in item.fields:
        value = record.values.get(f.code)
        if value in (None, "", []):
            continue
        try:
            text = f.display(value, lang="en" if english else "zh")
        except (ValueError, TypeError, ArithmeticError):
            text = str(value)
        shown.append((f.code, f.name_en if english else f.name_zh, text))
    return shown


@require_safe
@staff_required
def timeliness(request: HttpRequest) -> HttpResponse:
    """Per department and month: on time, late, rejected, corrected, withdrawn, with a bar
    chart of on-time and late records."""
    department = request.GET.get("department") or None
    error = None
    try:
        query = stats_query(request.user, department=department)
    except CodedError as exc:
        error = exc.message
        query = stats_query(request.user)
    figures = monthly_figures(query)
    months = months_between(query.first_month, query.last_month)
    totals: dict[Any, list[int]] = {m: [0, 0] for m in months}
    for f in figures:
        totals[f.month][0] += f.on_time
        totals[f.month][1] += f.late
    chart = monthly_bar_chart(
        title=_("Records on time and late, by month"),
        description=_(
            "Two bars per month: on time (blue) and late (red). The same numbers are in the "
            "table below."
        ),
        series=[("on_time", _("On time")), ("late", _("Late"))],
        values=list(totals.items()),
    )
    return render(
        request,
        "records/timeliness.html",
        {
            "figures": figures,
            "chart": chart,
            "departments": query.departments,
            "selected": department,
            "error": error,
            "first_month": query.first_month,
            "last_month": query.last_month,
            "month_totals": [(m, on, late) for m, (on, late) in totals.items()],
            "processing_statuses": (BatchStatus.RECEIVED, BatchStatus.PROCESSING),
        },
    )
