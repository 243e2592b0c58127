"""The three channels — batch API, file upload in the console, ``xinyong import`` — give the
same outcome for the same rows (issue 3 §3), whatever the encoding and header style."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.records.models import Batch, BatchRow
from xinyong.records.tasks import process_batch_task
from xinyong.records.tests.factories import penalty_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

ROWS = 1000


def mixed_rows(authority: str) -> list[dict[str, Any]]:
    """1,000 rows: mostly good; some with a wrong code, a missing field, a future date, an
    unknown category, a person, a late report, a duplicate."""
    rows: list[dict[str, Any]] = []
    shared = uscc_for()
    for n in range(ROWS):
        row = penalty_row(n, authority)
        if n % 50 == 1:
            row["CF_XDR_SHXYM"] = row["CF_XDR_SHXYM"][:-1] + (
                "0" if row["CF_XDR_SHXYM"][-1] != "0" else "1"
            )
        elif n % 50 == 2:
            row["CF_SY"] = ""
        elif n % 50 == 3:
            row["CF_JDRQ"] = "2025-07-01"  # after today (2025-06-16)
        elif n % 50 == 4:
            row["CF_CFLB"] = "批评教育"
        elif n % 50 == 5:
            row = penalty_row(n, authority, person=True)
        elif n % 50 == 6:
            row["CF_JDRQ"] = "2025-05-06"  # reported after 7 working days: a warning
        elif n % 50 == 7:
            row = penalty_row(n - 1, authority)  # the same decision number as row n-1
        elif n % 50 == 8:
            row["CF_XDR_SHXYM"] = shared  # one subject in many rows
        rows.append(row)
    return rows


def outcomes(batch: Batch) -> list[tuple[str, tuple[str, ...]]]:
    """Outcome and issue codes of each row, in row order (row numbers differ by channel:
    the API counts from 1, a file from its header row)."""
    rows = BatchRow.objects.filter(batch=batch).order_by("row_number")
    return [(r.outcome, tuple(sorted(i["code"] for i in r.issues or ()))) for r in rows]


def test_api_csv_gbk_and_xlsx_give_identical_outcomes(
    client: Client,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    loaded_policy: Any,
    frozen_now: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Three departments so that each channel sees the rows as new.
    api_dept, upload_dept, cli_dept = (make_department(f"市场监管局{i}") for i in range(3))
    uploader = make_user(Role.DEPARTMENT_REPORTER, department=upload_dept)
    api_user = make_user(Role.DEPARTMENT_REPORTER, department=api_dept)

    client.force_login(api_user)
    response = client.post(
        "/api/v1/records/batches",
        {"item": "CF", "rows": mixed_rows(api_dept.code)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    api_batch = Batch.objects.get(pk=response.json()["id"])

    gbk = write_csv(
        tmp_path / "处罚.csv", mixed_rows(upload_dept.code), encoding="gbk", chinese=True
    )
    client.force_login(uploader)
    with gbk.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/console/records/upload/",
            {"department": upload_dept.pk, "item": "CF", "file": handle},
        )
    assert response.status_code == 302
    upload_batch = Batch.objects.get(department=upload_dept)
    assert process_batch_task.call(upload_batch.pk) == "done"
    upload_batch.refresh_from_db()
    assert upload_batch.source_encoding == "gb18030"

    xlsx = write_xlsx(tmp_path / "penalties.xlsx", mixed_rows(cli_dept.code))
    call_command("import", str(xlsx), "--department", cli_dept.code, "--no-progress")
    cli_batch = Batch.objects.get(department=cli_dept)

    expected = outcomes(api_batch)
    assert len(expected) == ROWS
    assert outcomes(upload_batch) == expected
    assert outcomes(cli_batch) == expected
    kinds = {o for o, _codes in expected}
    assert kinds == {"accepted", "warning", "rejected"}
    for batch in (api_batch, upload_batch, cli_batch):
        assert batch.status == "done"
        assert batch.rows_processed == ROWS
        assert batch.accepted + batch.accepted_with_warnings + batch.rejected == ROWS
    assert api_batch.rejected == 20 * 5  # wrong code, missing, future, category, duplicate
