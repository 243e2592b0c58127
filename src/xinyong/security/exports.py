"""Auditors' reads of the query register — the console search and the CSV export — each
itself registered as an access (an auditor's look at who looked at whom is a look at
non-public data too).

Cells are neutralised against formula injection (CSV injection, OWASP): a value starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by a
spreadsheet, so it gets a leading apostrophe. A purpose or a subject name is typed by
people and could carry such a value on purpose.

The file starts with a UTF-8 byte order mark so that spreadsheet programs read Chinese
correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone

from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.core.permissions import require_role
from xinyong.security.actions.register import record_access
from xinyong.security.choices import LegalBasis
from xinyong.security.models import AccessRecord
from xinyong.security.queries import RegisterQuery, search_register

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: At most this many rows in one export (a narrower search exports the rest).
EXPORT_LIMIT = 50_000

COLUMNS = [
    ("time", "查询时间"),
    ("actor", "查询人"),
    ("actor_kind", "类型"),
    ("department_code", "部门代码"),
    ("department", "部门"),
    ("subject", "主体"),
    ("subject_code", "主体代码"),
    ("object", "查询对象"),
    ("fields", "字段"),
    ("purpose", "查询目的"),
    ("legal_basis", "依据"),
    ("basis_reference", "依据文号"),
    ("request_id", "请求编号"),
    ("audit_seq", "审计事件"),
    # A row registered in a register chain (checks) has no audit event of its own: its place
    # in its chain and its hash let the auditor check it (docs/decisions/0070).
    ("register_chain", "登记链位置"),
    ("row_hash", "行哈希"),
]


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(record: AccessRecord) -> list[str]:
    local = timezone.localtime(record.accessed_at)
    values: Iterable[object] = (
        local.strftime("%Y-%m-%d %H:%M:%S"),
        record.actor_label,
        record.actor_kind,
        record.department_code,
        record.department_name,
        record.subject_name,
        record.subject_code,
        f"{record.object_type}:{record.object_id}" if record.object_type else "",
        " ".join(record.fields or []),
        record.purpose,
        record.legal_basis,
        record.basis_reference,
        record.request_id,
        record.audit_seq,
        f"{record.chain}:{record.chain_seq}" if record.chain_seq is not None else "",
        record.row_hash,
    )
    return [csv_cell(v) for v in values]


def write_csv(records: Iterable[AccessRecord]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"{zh} {en}" for en, zh in COLUMNS])
    for record in records:
        writer.writerow(_row(record))
    return out.getvalue()


@transaction.atomic
def export_register(user: User, query: RegisterQuery) -> tuple[str, int]:
    """The CSV of the records ``user`` may see that match ``query``, and their count.

    The export is registered (an auditor's look at who looked at whom is a look at
    non-public data too) in the same transaction as the read.
    """
    require_role(user, Role.AUDITOR)
    records = list(search_register(user, query)[:EXPORT_LIMIT])
    record_access(
        actor=user,
        purpose="审计：导出查询使用登记台帐 / audit: export of the query register",
        legal_basis=LegalBasis.AUDIT,
        object_type="security.accessrecord",
        object_id="export",
        fields=["register"],
        query={**query.as_dict(), "rows": len(records)},
    )
    return write_csv(records), len(records)


@transaction.atomic
def search_register_page(
    user: User, query: RegisterQuery, *, page: int | str | None = 1, page_size: int = 50
) -> Page[AccessRecord]:
    """One page of the console search, registered with the criteria asked (not the rows
    found) in the transaction of the read."""
    require_role(user, Role.AUDITOR)
    found = Paginator(search_register(user, query), page_size).get_page(page)
    rows = list(found.object_list)
    record_access(
        actor=user,
        purpose="审计：检索查询使用登记台帐 / audit: search of the query register",
        legal_basis=LegalBasis.AUDIT,
        object_type="security.accessrecord",
        object_id="search",
        fields=["register"],
        query={**query.as_dict(), "page": found.number, "rows": found.paginator.count},
    )
    found.object_list = rows
    return found
