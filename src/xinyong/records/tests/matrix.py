"""Records for the shared-read tests and the permission matrix (``xinyong.security.matrix``).

``report`` sends rows through the same actions and engine as the batch API; the matrix
factories take the matrix test's world (``tests/security/conftest.py``) and report, in
department A, a record of the shared item QZ (行政强制, sharing scope ``all_departments``) on a
company that is not one of the world's secrets, so that another department may read it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.records.actions import check_item_for_department, do_receive_batch
from xinyong.records.choices import Channel
from xinyong.records.engine import run_batch
from xinyong.records.models import Record
from xinyong.records.sources import JsonRows

World = Any  # tests/security/conftest.py: World


def decision_row(
    item: str, n: int, department: Department, *, uscc: str, name: str = "", **values: Any
) -> dict[str, Any]:
    """A valid row of an item using the national ``subject`` and ``decision`` field sets
    (QZ, QR, ZS …, and the tests' supplement items), decided yesterday by ``department``."""
    decided = timezone.localdate() - timedelta(days=1)
    row: dict[str, Any] = {
        f"{item}_XDR_MC": name or f"共享测试{n}号有限公司",
        f"{item}_XDR_LB": "01",
        f"{item}_XDR_SHXYM": uscc,
        f"{item}_FRDB": "李四",
        f"{item}_WSH": f"共享测试〔2026〕{n}号",
        f"{item}_JDRQ": decided.isoformat(),
        f"{item}_NR": "查封场所、设施",
        f"{item}_JG": department.name,
        f"{item}_JGDM": department.code,
    }
    row.update(values)
    return row


def report(department: Department, item_code: str, rows: list[dict[str, Any]], user: User) -> None:
    """Report ``rows`` of ``item_code`` for ``department`` as ``user`` (every row accepted)."""
    item = check_item_for_department(item_code, department, on=timezone.localdate())
    received = do_receive_batch(
        department=department,
        item=item,
        channel=Channel.API,
        acting_user=user,
        rows_total=len(rows),
    )
    batch = run_batch(received.batch, JsonRows(rows, item), item=item, acting_user=user, workers=0)
    assert batch.rejected == 0, list(batch.rows.values_list("issues", flat=True))


def make_shared_record(world: World) -> Record:
    """A QZ record of department A on a company of its own."""
    reporter = world.make_user(world.department_a, (Role.DEPARTMENT_REPORTER,))
    code = uscc_for()
    report(
        world.department_a,
        "QZ",
        [decision_row("QZ", 1, world.department_a, uscc=code, name="矩阵共享查询有限公司")],
        reporter,
    )
    return Record.objects.get(subject__uscc=code)


def make_shared_subject(world: World) -> str:
    """The USCC of the company of :func:`make_shared_record` (a subject query parameter)."""
    subject = make_shared_record(world).subject
    assert subject.uscc
    return subject.uscc
