"""API of collection (``/api/v1/records``): batches, their rows and rejected-rows file,
records with their history and withdrawal, and the timeliness figures.

Thin (STYLE.md §3): every handler parses, calls a permission check, a query or an action,
and shapes the answer with an explicit schema. Coded errors become RFC 9457 problems in
``xinyong.api``. Authentication is ``xinyong.security.auth.api_auth``: a department system's
bearer token (bound to its department; the ``report`` scope is needed for every endpoint
here but the shared reads) or a staff member's session (401 without either). Who may report
for, and see, which department is decided by :mod:`xinyong.records.permissions` for both
kinds of caller; what another department may read as shared data (``/shared``, the
``read_shared`` scope) by :mod:`xinyong.records.shared`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from xinyong.core.models import Department
from xinyong.paging import PageNumber
from xinyong.records import protect
from xinyong.records.actions import (
    check_item_for_department,
    do_fail_batch,
    do_receive_batch,
    do_withdraw_record,
)
from xinyong.records.choices import Channel, RowOutcome
from xinyong.records.engine import run_batch
from xinyong.records.errors import BatchTooLarge, DepartmentUnknown
from xinyong.records.exports import rejected_rows_filename, write_rejected_rows
from xinyong.records.files import FileError
from xinyong.records.models import Batch, BatchRow, Record
from xinyong.records.permissions import (
    access_department_for_reporting,
    acting_user_of,
    actor_label_of,
    department_ids,
)
from xinyong.records.queries import (
    ReadReason,
    access_batch,
    access_record,
    batch_rows,
    monthly_figures,
    read_record,
    record_versions,
    register_batch_read,
    stats_query,
    visible_batches,
)
from xinyong.records.shared import SharedRecord, read_shared_record, read_shared_records
from xinyong.records.sources import JsonRows
from xinyong.security.auth import api_auth, principal_of, require_scope
from xinyong.security.choices import TokenScope

router = Router(auth=api_auth)

#: Rows per JSON batch (larger submissions go as files through the console or the CLI).
MAX_API_ROWS = 10_000
#: Bytes of a JSON batch (a 10,000-row penalty batch is about 6 MB).
MAX_API_BYTES = 32 * 1024 * 1024
PAGE_SIZE = 100

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class BatchIn(BaseModel):
    """A batch of records of one catalog item, keyed by the national field codes."""

    item: str = Field(..., max_length=32, description="catalog item code, e.g. CF or XK")
    idempotency_key: str | None = Field(
        None,
        max_length=100,
        description="re-sending with the same key returns the same batch (also accepted as "
        "the Idempotency-Key header)",
    )
    department: str | None = Field(
        None,
        max_length=18,
        description="the reporting department's unified social credit code; needed only "
        "when the caller reports for several departments",
    )
    rows: list[dict[str, str | int | float | bool | None]] = Field(
        ...,
        min_length=1,
        max_length=MAX_API_ROWS,
        description="rows keyed by field code (CF_WSH, CF_XDR_MC …) or Chinese field name",
    )


class DepartmentOut(Schema):
    code: str
    name: str


class CountsOut(Schema):
    accepted: int
    accepted_with_warnings: int
    rejected: int
    unchanged: int
    corrected: int


class ErrorOut(Schema):
    code: str
    message_zh: str
    message_en: str
    details: dict[str, Any] | None


class BatchOut(Schema):
    id: int
    department: DepartmentOut
    item: str
    item_edition: str
    channel: str
    status: str
    percent: int
    idempotency_key: str
    received_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows_total: int | None
    rows_processed: int
    last_committed_row: int
    counts: CountsOut
    source_name: str
    source_format: str
    source_encoding: str
    error: ErrorOut | None
    links: dict[str, str]


class IssueOut(Schema):
    field: str | None
    code: str
    level: str
    message_zh: str
    message_en: str


class RowOut(Schema):
    row_number: int
    outcome: str
    decision_number: str
    record_id: int | None
    issues: list[IssueOut]
    values: dict[str, Any] | None = Field(
        None, description="a rejected row's values as received (personal numbers masked)"
    )


class RowsPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[RowOut]


class BatchesPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[BatchOut]


class VersionOut(Schema):
    version: int
    batch_id: int
    batch_row: int
    channel: str
    received_at: datetime
    superseded_at: datetime | None
    values: dict[str, Any]


class RecordOut(Schema):
    id: int
    item: str
    record_kind: str
    department: DepartmentOut
    subject: dict[str, Any]
    decision_number: str
    decision_date: date | None
    valid_until: date | None
    severity: str
    specific_serious: bool
    categories: list[str]
    status: str
    version: int
    disclosure: str
    publication: dict[str, Any]
    timeliness: dict[str, Any]
    withdrawal: dict[str, Any] | None
    provenance: dict[str, Any]
    values: dict[str, Any]
    history: list[VersionOut]


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    decision_changed_on: date = Field(
        ..., description="the date the decision was changed, revoked or found invalid"
    )


class SharedRecordOut(Schema):
    id: int
    item: str
    item_name_zh: str
    item_name_en: str
    disclosure: str = Field(
        ..., description="public or shared (the stricter of the record's and the item's)"
    )
    department: DepartmentOut = Field(..., description="the reporting department")
    decision_number: str
    decision_date: date | None
    valid_until: date | None
    reported_on: date
    values: dict[str, Any] = Field(
        ..., description="the catalog fields (personal ID numbers masked)"
    )


class SharedSubjectOut(Schema):
    id: int
    kind: str
    name: str
    identifier: str = Field(..., description="USCC, or the masked ID number of a person")


class SharedPageOut(Schema):
    subject: SharedSubjectOut
    department: DepartmentOut = Field(..., description="the reading department")
    count: int
    page: int
    page_size: int
    results: list[SharedRecordOut]


class StatsRowOut(Schema):
    department: DepartmentOut
    month: str
    on_time: int
    late: int
    rejected: int
    corrected: int
    withdrawn: int
    withdrawn_late: int
    late_share: float | None


class StatsOut(Schema):
    first_month: str
    last_month: str
    results: list[StatsRowOut]


# --------------------------------------------------------------------------------------------
# Shaping
# --------------------------------------------------------------------------------------------


def batch_out(batch: Batch) -> dict[str, Any]:
    base = f"/api/v1/records/batches/{batch.pk}"
    return {
        "id": batch.pk,
        "department": {"code": batch.department.code, "name": batch.department.name},
        "item": batch.item_code,
        "item_edition": batch.item_edition,
        "channel": batch.channel,
        "status": batch.status,
        "percent": batch.percent,
        "idempotency_key": batch.idempotency_key,
        "received_at": batch.received_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "rows_total": batch.rows_total,
        "rows_processed": batch.rows_processed,
        "last_committed_row": batch.last_committed_row,
        "counts": {
            "accepted": batch.accepted,
            "accepted_with_warnings": batch.accepted_with_warnings,
            "rejected": batch.rejected,
            "unchanged": batch.unchanged,
            "corrected": batch.corrected,
        },
        "source_name": batch.source_name,
        "source_format": batch.source_format,
        "source_encoding": batch.source_encoding,
        "error": (
            {
                "code": batch.error_code,
                "message_zh": batch.error_message_zh,
                "message_en": batch.error_message_en,
                "details": batch.error_details,
            }
            if batch.error_code
            else None
        ),
        "links": {
            "self": base,
            "rows": f"{base}/rows",
            "rejected_xlsx": f"{base}/rejected.xlsx",
        },
    }


def row_out(row: BatchRow, header: list[str]) -> dict[str, Any]:
    values = None
    if row.raw is not None:
        cells = protect.shown_cells(row.raw)
        values = {h: cells[i] if i < len(cells) else None for i, h in enumerate(header)}
    return {
        "row_number": row.row_number,
        "outcome": row.outcome,
        "decision_number": row.decision_number,
        "record_id": row.record_id,
        "issues": [
            {
                "field": i.get("field") or None,
                "code": i["code"],
                "level": i.get("level", "error"),
                "message_zh": i["message_zh"],
                "message_en": i["message_en"],
            }
            for i in row.issues or ()
        ],
        "values": values,
    }


def record_out(record: Record) -> dict[str, Any]:
    subject = record.subject
    return {
        "id": record.pk,
        "item": record.item_code,
        "record_kind": record.record_kind,
        "department": {"code": record.department.code, "name": record.department.name},
        "subject": {
            "id": subject.pk,
            "kind": subject.kind,
            "name": subject.name,
            "identifier": subject.display_identifier,
        },
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "valid_until": record.valid_until,
        "severity": record.severity,
        "specific_serious": record.specific_serious,
        "categories": list(record.categories or ()),
        "status": record.status,
        "version": record.version,
        "disclosure": record.disclosure,
        "publication": {
            "rule": record.publication_rule,
            "published": record.published,
            "from": record.publication_from,
            "min_end": record.publication_min_end,
            "max_end": record.publication_max_end,
            "regime": record.regime_code,
            "is_published": record.is_published,
        },
        "timeliness": {
            "reported_on": record.reported_on,
            "deadline": record.reporting_deadline,
            "lag_working_days": record.reporting_lag_working_days,
            "late": record.late,
            "provisional": record.reporting_provisional,
        },
        "withdrawal": (
            {
                "withdrawn_at": record.withdrawn_at,
                "reason": record.withdrawal_reason,
                "decision_changed_on": record.decision_changed_on,
                "lag_days": record.withdrawal_lag_days,
                "late": record.withdrawal_late,
            }
            if record.withdrawn_at
            else None
        ),
        "provenance": {
            "batch_id": record.batch_id,
            "batch_row": record.batch_row,
            "channel": record.channel,
            "received_at": record.received_at,
            "first_received_at": record.first_received_at,
            "original": record.original,
        },
        "values": record.values,
        "history": [
            {
                "version": v.version,
                "batch_id": v.batch_id,
                "batch_row": v.batch_row,
                "channel": v.channel,
                "received_at": v.received_at,
                "superseded_at": v.superseded_at,
                "values": v.values,
            }
            for v in record_versions(record)
        ],
    }


def shared_record_out(shared: SharedRecord) -> dict[str, Any]:
    record, item = shared.record, shared.item
    return {
        "id": record.pk,
        "item": record.item_code,
        "item_name_zh": item.name_zh if item else "",
        "item_name_en": item.name_en if item else "",
        "disclosure": shared.disclosure,
        "department": {"code": record.department.code, "name": record.department.name},
        "decision_number": record.decision_number,
        "decision_date": record.decision_date,
        "valid_until": record.valid_until,
        "reported_on": record.reported_on,
        "values": shared.values(),
    }


def _page(page: int) -> tuple[int, int]:
    page = max(1, page)
    return (page - 1) * PAGE_SIZE, page * PAGE_SIZE


# --------------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------------


def _read_batch(request: HttpRequest) -> tuple[BatchIn, str]:
    """The JSON body, read here with its own size limit (larger than Django's default
    form-data limit: a 10,000-row batch is several megabytes), and its digest."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_API_BYTES:
        raise BatchTooLarge(
            message_zh=f"请求体超过 {MAX_API_BYTES // 1024 // 1024} MB。请分批提交，"
            f"每批不超过 {MAX_API_ROWS} 行；更大的文件请在工作台上传或用 xinyong import。",
            message_en=f"The request body is over {MAX_API_BYTES // 1024 // 1024} MB. Send at "
            f"most {MAX_API_ROWS} rows per batch; upload larger files in the console or use "
            "`xinyong import`.",
        )
    body = request.read(MAX_API_BYTES + 1)
    try:
        payload = BatchIn.model_validate_json(body)
    except PydanticValidationError as exc:
        # Without "input": it would echo the body back (personal ID numbers included).
        raise NinjaValidationError(
            [
                {k: v for k, v in e.items() if k != "input"}
                for e in exc.errors(include_url=False, include_context=False)
            ]
        ) from None
    canonical = json.dumps(
        {"item": payload.item.strip().upper(), "rows": payload.rows},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return payload, hashlib.sha256(canonical.encode()).hexdigest()


@router.post(
    "/batches",
    response={200: BatchOut, 201: BatchOut},
    summary="Submit a batch of records (批量报送)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BatchIn.model_json_schema()}},
        }
    },
)
def submit_batch(request: HttpRequest) -> Status[dict[str, Any]]:
    """Submit up to 10,000 rows of one catalog item; they are processed before the answer.

    Rows use the national field codes as keys (``CF_WSH``, ``CF_XDR_MC`` …; RULES §1).
    Every row gets an outcome: accepted, accepted with warnings, unchanged (a re-send),
    corrected (a changed re-send) or rejected with field-level errors — see
    ``GET /batches/{id}/rows``. 201 with the new batch; 200 with the earlier batch when the
    idempotency key was used before for the same content (409 ``IDEMPOTENCY_KEY_REUSED`` for
    different content). A batch whose columns the item does not know is ``failed`` with the
    coded error; ``CATALOG_ITEM_NOT_ALLOWED`` (403) when the department may not report the
    item.
    """
    caller = principal_of(request)
    department_ids(caller, "report")  # a token without the report scope: 403 before reading
    payload, content_digest = _read_batch(request)
    department = access_department_for_reporting(caller, payload.department)
    today = timezone.localdate()
    item = check_item_for_department(payload.item, department, on=today)
    user, label = acting_user_of(caller), actor_label_of(caller)
    received = do_receive_batch(
        department=department,
        item=item,
        channel=Channel.API,
        acting_user=user,
        actor_label=label,
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key", ""),
        content_digest=content_digest,
        rows_total=len(payload.rows),
    )
    batch = received.batch
    if not received.created:
        return Status(200, batch_out(Batch.objects.select_related("department").get(pk=batch.pk)))
    try:
        source = JsonRows(payload.rows, item)
    except FileError as exc:
        batch = do_fail_batch(batch, exc, acting_user=user, actor_label=label)
    else:
        # At most 10,000 rows, prepared in this process (no worker processes per request).
        batch = run_batch(
            batch,
            source,
            item=item,
            acting_user=user,
            actor_label=label,
            workers=0,
        )
    return Status(201, batch_out(Batch.objects.select_related("department").get(pk=batch.pk)))


@router.get("/batches", response=BatchesPageOut, summary="Batches (批次列表)")
def list_batches(
    request: HttpRequest, page: PageNumber = 1, status: str | None = None
) -> dict[str, Any]:
    """The batches of the departments the caller may see, newest first, 100 a page."""
    batches = visible_batches(principal_of(request))
    if status:
        batches = batches.filter(status=status)
    start, end = _page(page)
    return {
        "count": batches.count(),
        "page": max(1, page),
        "page_size": PAGE_SIZE,
        "results": [batch_out(b) for b in batches[start:end]],
    }


@router.get("/batches/{int:batch_id}", response=BatchOut, summary="Batch status (批次状态)")
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """Status, progress in percent, and the counts of each outcome."""
    return batch_out(access_batch(principal_of(request), batch_id))


@router.get("/batches/{int:batch_id}/rows", response=RowsPageOut, summary="Row outcomes (逐行结果)")
def get_batch_rows(
    request: HttpRequest,
    batch_id: int,
    outcome: RowOutcome | None = None,
    page: PageNumber = 1,
    purpose: str = "",
    basis: str = "",
    reference: str = "",
) -> dict[str, Any]:
    """The outcome of every row, in row order, 100 a page; ``outcome=rejected`` for the
    rejected rows with their field-level errors (Chinese and English) and their values as
    received (personal numbers masked).

    A page that shows rejected rows' values is registered in the query register (one row
    naming the batch and the rows shown): the batch's department reads for its own work
    without more; an oversight role states ``purpose`` (and ``basis``, ``reference``;
    422 ``ACCESS_PURPOSE_REQUIRED`` otherwise; docs/decisions/0056-record-detail-reads.md)."""
    caller = principal_of(request)
    batch = access_batch(caller, batch_id)
    rows = batch_rows(batch, outcome=outcome)
    start, end = _page(page)
    header = [str(h) for h in batch.header]
    with transaction.atomic():  # the register row and the answer in one transaction
        shown = list(rows[start:end])
        with_values = [r.row_number for r in shown if r.raw is not None]
        if with_values:
            register_batch_read(
                caller,
                batch,
                ReadReason(purpose, basis, reference),
                fields=[batch.item_code],
                query={"rows": with_values, "outcome": outcome or "", "page": max(1, page)},
            )
        return {
            "count": rows.count(),
            "page": max(1, page),
            "page_size": PAGE_SIZE,
            "results": [row_out(r, header) for r in shown],
        }


def may_unmask(user: object, batch: Batch) -> bool:
    """Whether ``user`` reports for the batch's department (and so gets back the personal
    numbers that department sent)."""
    allowed = department_ids(user, "report")
    return allowed is not None and batch.department_id in allowed


def rejected_rows_response(user: object, batch: Batch, reason: ReadReason) -> FileResponse:
    """The rejected rows' spreadsheet, its read registered (when it has rows) in the
    transaction that writes it: the batch's item and, when the numbers are given back in
    clear, ``id_number`` as the fields read."""
    unmask = may_unmask(user, batch)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    with transaction.atomic():
        if batch.rejected:
            register_batch_read(
                user,
                batch,
                reason,
                fields=[batch.item_code, *(["id_number"] if unmask else [])],
                query={"rows": "rejected", "count": batch.rejected, "unmasked": unmask},
            )
        write_rejected_rows(batch, out, unmask=unmask)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=rejected_rows_filename(batch), content_type=XLSX
    )


@router.get(
    "/batches/{int:batch_id}/rejected.xlsx",
    summary="Rejected rows as a spreadsheet (退回数据)",
    response={200: None},
    openapi_extra={"responses": {"200": {"content": {XLSX: {}}}}},
)
def get_rejected_rows(
    request: HttpRequest, batch_id: int, purpose: str = "", basis: str = "", reference: str = ""
) -> FileResponse:
    """The rejected rows with the columns as received plus ``错误说明 / errors``, to fix
    and send again (cells are neutralised against formula injection). Registered in the
    query register like ``/rows`` (an oversight role states ``purpose``)."""
    caller = principal_of(request)
    batch = access_batch(caller, batch_id)
    return rejected_rows_response(caller, batch, ReadReason(purpose, basis, reference))


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@router.get("/stats", response=StatsOut, summary="Timeliness and quality (报送及时性)")
def get_stats(
    request: HttpRequest, department: str | None = None, month: str | None = None
) -> dict[str, Any]:
    """Per department and month: records on time and late (first report within the
    deadline in working days, RULES §1), rejected rows, corrections, withdrawals.
    ``month`` is ``YYYY-MM`` (default: the last 12 months); ``department`` a unified social
    credit code (default: every department the caller may see)."""
    query = stats_query(principal_of(request), department=department, month=month)
    return {
        "first_month": query.first_month.strftime("%Y-%m"),
        "last_month": query.last_month.strftime("%Y-%m"),
        "results": [f.as_dict() for f in monthly_figures(query)],
    }


# --------------------------------------------------------------------------------------------
# Shared reads (docs/security.md "Shared data"; docs/decisions/0049-shared-data-reads.md)
# --------------------------------------------------------------------------------------------


def _shared_reader(request: HttpRequest, department: str | None) -> Any:
    """The caller bound to the department it reads for (``read_shared``: a token, or a
    department checker / credit-office reviewer naming the department if several)."""
    named = None
    if department:
        named = Department.objects.filter(code=department.strip().upper()).first()
        if named is None:
            raise DepartmentUnknown(
                message_zh=f"没有统一社会信用代码为 {department} 的部门。",
                message_en=f"No department with code {department}.",
                department=department,
            )
    return require_scope(request, TokenScope.READ_SHARED, department=named)


@router.get("/shared", response=SharedPageOut, summary="Shared records of a subject (共享查询)")
def list_shared_records(
    request: HttpRequest,
    subject: str,
    purpose: str = "",
    basis: str = "",
    reference: str = "",
    item: str | None = None,
    department: str | None = None,
    page: PageNumber = 1,
) -> dict[str, Any]:
    """The active records of a subject (its USCC, or a person's resident ID number) that the
    caller's department may read: its own, those of public items, and those of shared items
    whose sharing scope includes the department's kind (``all_departments``: every one).
    Not-disclosed items of other departments never appear, nor do records outside the scope
    (they are not counted either). 100 a page; ``item`` limits to one catalog item.

    ``basis`` is ``statutory_duty`` (``reference``: the legal provision) or ``consent``
    (``reference``: the consent's number, valid today, for this department, covering the
    items read). Every read is written to the query register with the answer.

    Errors: ``ACCESS_BASIS_MISSING`` (403), ``ACCESS_PURPOSE_REQUIRED`` (422),
    ``SUBJECT_CODE_INVALID`` (422), ``SUBJECT_NOT_FOUND`` (404), ``CATALOG_ITEM_UNKNOWN``
    (404), ``TOKEN_SCOPE_MISSING`` / ``DEPARTMENT_MISMATCH`` (403)."""
    principal = _shared_reader(request, department)
    start, _end = _page(page)
    with transaction.atomic():  # the register rows and the answer in one transaction
        read = read_shared_records(
            principal,
            subject,
            purpose=purpose,
            basis=basis,
            reference=reference,
            item=item,
            offset=start,
            limit=PAGE_SIZE,
        )
        return {
            "subject": {
                "id": read.subject.pk,
                "kind": read.subject.kind,
                "name": read.subject.name,
                "identifier": read.subject.display_identifier,
            },
            "department": {"code": read.department.code, "name": read.department.name},
            "count": read.count,
            "page": max(1, page),
            "page_size": PAGE_SIZE,
            "results": [shared_record_out(s) for s in read.records],
        }


@router.get(
    "/shared/{int:record_id}", response=SharedRecordOut, summary="A shared record (共享查询)"
)
def get_shared_record(
    request: HttpRequest,
    record_id: int,
    purpose: str = "",
    basis: str = "",
    reference: str = "",
    department: str | None = None,
) -> dict[str, Any]:
    """One record, under the same rules as ``GET /shared``; ``RECORD_NOT_FOUND`` (404) for a
    record the department may not read, as for one that does not exist. Registered."""
    principal = _shared_reader(request, department)
    with transaction.atomic():
        shared = read_shared_record(
            principal, record_id, purpose=purpose, basis=basis, reference=reference
        )
        return shared_record_out(shared)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@router.get("/{int:record_id}", response=RecordOut, summary="A record (信用记录)")
def get_record(
    request: HttpRequest, record_id: int, purpose: str = "", basis: str = "", reference: str = ""
) -> dict[str, Any]:
    """A record with its publication window, timeliness, provenance and its earlier
    versions (personal ID numbers masked).

    The read of a non-public record (shared or not disclosed, not on the portal today, or of
    a natural person or carrying an ID number) is registered in the query register with
    the answer (docs/decisions/0056-record-detail-reads.md). The record's own department
    (staff of it, or its token) reads without more: "本部门报送信息管理 / managing our own
    reported records" on statutory duty. An oversight role states ``purpose``, and ``basis``
    (``statutory_duty`` by default, ``consent`` with the consent's number in ``reference``,
    ``audit`` for auditors). Errors: ``RECORD_NOT_FOUND`` (404), ``ACCESS_PURPOSE_REQUIRED``
    (422), ``ACCESS_BASIS_MISSING`` (403)."""
    with transaction.atomic():  # the register row and the answer in one transaction
        record = read_record(
            principal_of(request), record_id, ReadReason(purpose, basis, reference)
        )
        return record_out(record)


@router.post(
    "/{int:record_id}/withdraw", response=RecordOut, summary="Withdraw a record (撤销公示)"
)
def withdraw_record(request: HttpRequest, record_id: int, payload: WithdrawIn) -> dict[str, Any]:
    """Stop publishing a record now because its decision was changed, revoked or found
    invalid. 行政处罚法 (2021) art. 48 allows 3 days from that change: a later withdrawal is
    recorded and flagged late, never refused. 409 ``RECORD_ALREADY_WITHDRAWN``."""
    caller = principal_of(request)
    record = access_record(caller, record_id, "report")
    record = do_withdraw_record(
        record,
        reason=payload.reason,
        decision_changed_on=payload.decision_changed_on,
        acting_user=acting_user_of(caller),
        actor_label=actor_label_of(caller),
    )
    with transaction.atomic():  # the answer shows the record: a registered read
        return record_out(read_record(caller, record.pk, ReadReason()))
