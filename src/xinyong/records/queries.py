"""Reads of collection used by more than one caller: batches and records a user may see,
a batch's rows, a record's history, and the monthly timeliness figures per department.

Why this exists: the API, the console pages and the commands show the same batches, rows and
figures under the same department scope (:mod:`xinyong.records.permissions`); the queries are
written once, with their query counts pinned by tests.

Reads of non-public content — a record's detail, a batch's rejected rows — are registered in
the query register (查询使用登记台帐) in the transaction of the read: ``read_record`` and
``register_batch_read`` (docs/decisions/0056-record-detail-reads.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xinyong.catalog.choices import Disclosure
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Department
from xinyong.core.permissions import ScopeRule, department_scope
from xinyong.records import protect
from xinyong.records.choices import RecordStatus, RowOutcome
from xinyong.records.errors import (
    BatchNotFound,
    RecordNotFound,
    ReportingNotAllowed,
    StatsQueryInvalid,
)
from xinyong.records.models import Batch, BatchRow, Record, RecordVersion
from xinyong.records.permissions import Action, department_ids, restrict
from xinyong.records.shared import applied_disclosure, record_definition
from xinyong.security.actions import record_access
from xinyong.security.choices import LegalBasis, TokenScope
from xinyong.security.errors import AccessBasisMissing, PurposeRequired
from xinyong.security.models import AccessRecord


def visible_batches(user: object) -> QuerySet[Batch]:
    """Batches of the departments ``user`` may see, newest first."""
    return restrict(Batch.objects.all(), user, "view").select_related("department")


def access_batch(user: object, batch_id: int) -> Batch:
    """The batch, if ``user`` may see it. A batch of another department is "not found"
    (``BATCH_NOT_FOUND``), so that ids cannot be probed."""
    batch = visible_batches(user).filter(pk=batch_id).first()
    if batch is None:
        raise BatchNotFound(
            message_zh=f"没有编号为 {batch_id} 的批次，或您无权查看。",
            message_en=f"No batch {batch_id}, or you may not see it.",
            batch=batch_id,
        )
    return batch


def access_record(user: object, record_id: int, action: Action = "view") -> Record:
    """The record, if ``user`` may ``view`` it or ``report`` for its department (withdraw).
    Otherwise ``RECORD_NOT_FOUND`` (viewing) or the same answer for reporting when the user
    cannot even see it; ``REPORTING_NOT_ALLOWED`` when seen but not theirs to withdraw."""
    record = (
        restrict(Record.objects.all(), user, "view")
        .filter(pk=record_id)
        .select_related("department", "subject", "batch")
        .first()
    )
    if record is None:
        raise RecordNotFound(
            message_zh=f"没有编号为 {record_id} 的信用记录，或您无权查看。",
            message_en=f"No record {record_id}, or you may not see it.",
            record=record_id,
        )
    if action == "report":
        allowed = department_ids(user, "report")
        if allowed is not None and record.department_id not in allowed:
            raise ReportingNotAllowed(
                message_zh=f"只有{record.department.name}的报送员可以撤销该记录。",
                message_en=f"Only a reporter of {record.department.name} may withdraw it.",
                record=record_id,
            )
    return record


def batch_rows(batch: Batch, *, outcome: str | None = None) -> QuerySet[BatchRow]:
    """The rows of a batch in row order, optionally of one outcome."""
    rows = BatchRow.objects.filter(batch=batch)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("row_number")


def notable_rows(batch: Batch) -> QuerySet[BatchRow]:
    """Rows that were not simply accepted (rejected, warnings, unchanged, corrected)."""
    return (
        BatchRow.objects.filter(batch=batch)
        .exclude(outcome=RowOutcome.ACCEPTED)
        .order_by("row_number")
    )


def record_versions(record: Record) -> list[RecordVersion]:
    """The superseded versions of a record, oldest first (the current one is the record)."""
    return list(record.versions.select_related("batch").order_by("version"))


# --------------------------------------------------------------------------------------------
# Registered reads (docs/decisions/0056-record-detail-reads.md)
# --------------------------------------------------------------------------------------------

#: The purpose registered when a member of the reporting department reads its own records
#: without stating one: managing what it reported is its own statutory duty.
OWN_RECORDS_PURPOSE = "本部门报送信息管理 / managing our own reported records"
#: The legal basis of that duty: the department that decides records, reports and corrects
#: them (seed 003 二(二) "认定失信行为后应当如实记录失信信息" and 六(二) 落实主体责任:
#: "依法依规做好失信行为认定、记录、归集、共享、公开、惩戒和信用修复等工作"; seed 000 三(一)).
OWN_RECORDS_REFERENCE = (
    "淮政办发〔2021〕13号 二(二)、六(二)；喀署办发〔2021〕70号 三(一)：认定部门记录、归集、"
    "更正本部门信用信息的职责"
)
#: The bases a record read may rest on. A subject's request about itself goes through
#: self-service, not the record pages.
READ_BASES = (LegalBasis.STATUTORY_DUTY, LegalBasis.CONSENT, LegalBasis.AUDIT)
#: "A member of the record's department": any role held there, or a token of it with the
#: ``report`` scope; never oversight, nor being a superuser.
MEMBER_RULE = ScopeRule(token_scopes=frozenset({TokenScope.REPORT}), superusers=False)


@dataclass(frozen=True)
class ReadReason:
    """Why a caller reads: the purpose, the legal basis (``LegalBasis``) and its reference
    (legal provision, or the consent's number), as given; empty when not given."""

    purpose: str = ""
    basis: str = ""
    reference: str = ""

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> ReadReason:
        """From a query string (``purpose``, ``basis``, ``reference``)."""
        return cls(
            purpose=str(params.get("purpose") or "")[:500],
            basis=str(params.get("basis") or "")[:32],
            reference=str(params.get("reference") or "")[:200],
        )

    def as_query(self) -> dict[str, str]:
        """The non-empty parts, to carry in a link."""
        return {
            k: v
            for k, v in (
                ("purpose", self.purpose),
                ("basis", self.basis),
                ("reference", self.reference),
            )
            if v.strip()
        }


def is_member(caller: object, department_id: int) -> bool:
    """Whether ``caller`` reads ``department_id``'s data as one of its own (``MEMBER_RULE``)
    rather than through an oversight role."""
    return department_id in (department_scope(caller, MEMBER_RULE) or set())


def reading_department(caller: object, department: Department) -> Department | None:
    """The department a read is registered for: ``department`` (the data's own) for its
    members; otherwise the token's, or the one the staff member's principal is bound to, or
    the staff member's primary department."""
    if is_member(caller, department.pk):
        return department
    bound = getattr(caller, "department", None)
    if isinstance(bound, Department):
        return bound
    user = getattr(caller, "user", caller)
    primary = getattr(user, "primary_department", None)
    return primary if isinstance(primary, Department) else None


def is_non_public(record: Record) -> bool:
    """Whether reading ``record``'s detail reads non-public data: a record of a natural
    person or carrying a personal ID number, of an item that is shared or not disclosed (the
    stricter of the record's and the catalog's disclosure), or not on the portal today
    (withdrawn, expired, repaired, outside its publication window)."""
    if record.subject.kind == SubjectKind.NATURAL_PERSON:
        return True
    if any(
        protect.is_personal(code) and value not in (None, "")
        for code, value in (record.values or {}).items()
    ):
        return True
    if applied_disclosure(record, record_definition(record)) != Disclosure.PUBLIC:
        return True
    return not record.is_published


def check_read_reason(caller: object, department_id: int, reason: ReadReason) -> ReadReason:
    """The reason a read of ``department_id``'s non-public data is registered with. A member
    of the department who states none reads for its own work (``OWN_RECORDS_PURPOSE`` on
    statutory duty); anyone else (oversight) states a purpose (``ACCESS_PURPOSE_REQUIRED``,
    422); the basis defaults to statutory duty and must be one of ``READ_BASES``
    (``ACCESS_BASIS_MISSING``, 403). Whether a consent or an audit basis stands is checked
    by ``record_access`` (``check_basis``)."""
    purpose, basis, reference = (
        " ".join(reason.purpose.split()),
        reason.basis.strip(),
        reason.reference.strip(),
    )
    if not purpose:
        if not is_member(caller, department_id):
            raise PurposeRequired(
                message_zh="查看其他部门的非公开信息须说明查询目的（purpose）和依据（basis："
                "statutory_duty 法定职责、consent 本人授权或 audit 审计监督；reference 写明条款"
                "或授权书编号），查询将登记在查询使用登记台帐中。",
                message_en="Reading another department's non-public information needs a "
                "purpose and a basis (statutory_duty, consent or audit; reference: the legal "
                "provision or the consent's number); the read is registered in the query "
                "register.",
            )
        purpose = OWN_RECORDS_PURPOSE
        if not basis or basis == LegalBasis.STATUTORY_DUTY:
            basis, reference = LegalBasis.STATUTORY_DUTY, reference or OWN_RECORDS_REFERENCE
    basis = basis or LegalBasis.STATUTORY_DUTY
    if basis not in READ_BASES:
        raise AccessBasisMissing(
            message_zh="查看信用记录的依据须为法定职责（statutory_duty）、本人授权（consent）"
            "或审计监督（audit）；本人查询请使用信用信息自助查询。",
            message_en="A record is read on statutory_duty, consent or audit; subjects read "
            "their own records through self-service.",
            basis=basis,
            allowed=[str(b) for b in READ_BASES],
        )
    return ReadReason(purpose, basis, reference)


def register_record_reads(
    caller: object,
    records: Iterable[Record],
    reason: ReadReason,
    *,
    query: Mapping[str, Any] | None = None,
) -> list[AccessRecord]:
    """Register the reads of the non-public ``records`` among those given (one register row
    each: the record, its subject, its catalog item as the field read), in the caller's
    transaction; public records are not registered. A reason that does not stand refuses
    the whole read (nothing registered: the caller's transaction rolls back)."""
    rows = []
    for record in records:
        if not is_non_public(record):
            continue
        given = check_read_reason(caller, record.department_id, reason)
        rows.append(
            record_access(
                actor=caller,  # type: ignore[arg-type]
                purpose=given.purpose,
                legal_basis=given.basis,
                basis_reference=given.reference,
                subject=record.subject,
                obj=record,
                fields=[record.item_code],
                department=reading_department(caller, record.department),
                query=query,
            )
        )
    return rows


@transaction.atomic
def read_record(
    caller: object, record_id: int, reason: ReadReason, *, action: Action = "view"
) -> Record:
    """The record, if ``caller`` may see it (``access_record``), its read registered when it
    is non-public (``register_record_reads``). The caller shapes its answer inside its own
    transaction around this call, so that the answer and the register row commit together."""
    record = access_record(caller, record_id, action)
    register_record_reads(caller, [record], reason)
    return record


def register_batch_read(
    caller: object,
    batch: Batch,
    reason: ReadReason,
    *,
    fields: Iterable[str],
    query: Mapping[str, Any],
) -> AccessRecord:
    """Register a read of a batch's rows as received (rejected rows: never published, the
    subject not established): one row naming the batch, no subject, in the caller's
    transaction."""
    given = check_read_reason(caller, batch.department_id, reason)
    return record_access(
        actor=caller,  # type: ignore[arg-type]
        purpose=given.purpose,
        legal_basis=given.basis,
        basis_reference=given.reference,
        obj=batch,
        fields=fields,
        department=reading_department(caller, batch.department),
        query=query,
    )


# --------------------------------------------------------------------------------------------
# Timeliness and quality figures (issue 3 §6)
# --------------------------------------------------------------------------------------------


@dataclass
class MonthFigures:
    """One department's figures for one month.

    ``on_time`` / ``late``: records first reported that month, within or after their
    deadline (RULES §1); ``rejected`` / ``corrected``: batch rows of batches received that
    month; ``withdrawn``: records withdrawn that month (``withdrawn_late`` of them after the
    3 days of 行政处罚法 art. 48).
    """

    department_id: int
    department_code: str
    department_name: str
    month: date
    on_time: int = 0
    late: int = 0
    rejected: int = 0
    corrected: int = 0
    withdrawn: int = 0
    withdrawn_late: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def late_share(self) -> float | None:
        return self.late / self.reported if self.reported else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "department": {"code": self.department_code, "name": self.department_name},
            "month": self.month.strftime("%Y-%m"),
            "on_time": self.on_time,
            "late": self.late,
            "rejected": self.rejected,
            "corrected": self.corrected,
            "withdrawn": self.withdrawn,
            "withdrawn_late": self.withdrawn_late,
            "late_share": round(self.late_share, 4) if self.late_share is not None else None,
        }


@dataclass
class StatsQuery:
    """Which figures: a department (None: all the user may see) and a month range."""

    departments: list[Department] = field(default_factory=list)
    first_month: date = date(2000, 1, 1)
    last_month: date = date(2000, 1, 1)

    @property
    def start(self) -> date:
        return self.first_month

    @property
    def end(self) -> date:
        """First day after the range."""
        return _add_month(self.last_month)


def _add_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def parse_month(text: str) -> date:
    """``YYYY-MM`` → its first day; ``STATS_QUERY_INVALID`` otherwise."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise StatsQueryInvalid(
            "STATS_MONTH_INVALID",
            f"月份应写成 YYYY-MM，例如 2026-03：{text!r}",
            f"A month is written YYYY-MM, e.g. 2026-03: {text!r}",
        ) from None


def stats_query(
    user: object, *, department: str | None = None, month: str | None = None, months: int = 12
) -> StatsQuery:
    """The figures ``user`` asked for: one department (by code) or every one they may see;
    one month, or the last ``months`` months up to this one."""
    allowed = department_ids(user, "view")
    departments = Department.objects.order_by("code")
    if allowed is not None:
        departments = departments.filter(pk__in=allowed)
    if department:
        departments = departments.filter(code=department.strip().upper())
        if not departments.exists():
            raise StatsQueryInvalid(
                "STATS_DEPARTMENT_NOT_VISIBLE",
                f"没有代码为 {department} 的部门，或您无权查看其统计。",
                f"No department {department}, or you may not see its figures.",
            )
    if month:
        first = last = parse_month(month)
    else:
        today = timezone.localdate()
        last = date(today.year, today.month, 1)
        first = last
        for _ in range(max(1, min(months, 120)) - 1):
            first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return StatsQuery(departments=list(departments), first_month=first, last_month=last)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _month_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return date(value.year, value.month, 1)
    return date(value.year, value.month, 1)


def monthly_figures(query: StatsQuery) -> list[MonthFigures]:
    """Per department and month: on time, late, rejected, corrected, withdrawn — four
    grouped queries whatever the number of departments and months."""
    by_id = {d.pk: d for d in query.departments}
    figures: dict[tuple[int, date], MonthFigures] = {}

    def at(department_id: int, month: date) -> MonthFigures:
        key = (department_id, month)
        if key not in figures:
            d = by_id[department_id]
            figures[key] = MonthFigures(d.pk, d.code, d.name, month)
        return figures[key]

    ids = sorted(by_id)
    if not ids:
        return []
    reported = (
        Record.objects.filter(
            department_id__in=ids, reported_on__gte=query.start, reported_on__lt=query.end
        )
        .annotate(month=TruncMonth("reported_on"))
        .values("department_id", "month")
        .annotate(
            n_late=Count("pk", filter=Q(late=True)), n_on_time=Count("pk", filter=Q(late=False))
        )
    )
    for row in reported:
        f = at(row["department_id"], _month_of(row["month"]))
        f.on_time, f.late = row["n_on_time"], row["n_late"]
    received = (
        Batch.objects.filter(
            department_id__in=ids,
            received_at__gte=_aware(query.start),
            received_at__lt=_aware(query.end),
        )
        .annotate(month=TruncMonth("received_at"))
        .values("department_id", "month")
        .annotate(n_rejected=Sum("rejected"), n_corrected=Sum("corrected"))
    )
    for batch_row in received:
        f = at(batch_row["department_id"], _month_of(batch_row["month"]))
        f.rejected += batch_row["n_rejected"] or 0
        f.corrected += batch_row["n_corrected"] or 0
    withdrawn = (
        Record.objects.filter(
            department_id__in=ids,
            status=RecordStatus.WITHDRAWN,
            withdrawn_at__gte=_aware(query.start),
            withdrawn_at__lt=_aware(query.end),
        )
        .annotate(month=TruncMonth("withdrawn_at"))
        .values("department_id", "month")
        .annotate(n=Count("pk"), n_late=Count("pk", filter=Q(withdrawal_late=True)))
    )
    for withdrawal in withdrawn:
        f = at(withdrawal["department_id"], _month_of(withdrawal["month"]))
        f.withdrawn, f.withdrawn_late = withdrawal["n"], withdrawal["n_late"]
    return sorted(figures.values(), key=lambda f: (f.department_code, f.month))


def months_between(first: date, last: date) -> list[date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = _add_month(current)
    return months
