"""The demo's sample penalty file imports as a clerk would expect: the good rows accepted,
each bad row rejected with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from xinyong.core.choices import Role
from xinyong.core.models import Department, Subject, User
from xinyong.records.models import Batch
from xinyong.records.samples import write_sample_penalties

pytestmark = pytest.mark.django_db


def test_sample_file_imports_with_actionable_errors(
    tmp_path: Path,
    loaded_policy: Any,
    department: Department,
    make_subject: Callable[..., Subject],
    make_user: Callable[..., User],
) -> None:
    make_user(Role.DEPARTMENT_REPORTER, department=department, username="sample-reporter")
    subjects = [make_subject() for _ in range(10)]
    sample = write_sample_penalties(
        tmp_path / "sample.csv", department=department, subjects=subjects, today=date.today()
    )
    assert sample.rows == 15 and sample.bad_rows == 5
    assert "行政处罚决定书文号".encode("gbk") in sample.path.read_bytes()
    call_command(
        "import", str(sample.path), "--department", department.code,
        "--user", "sample-reporter", "--no-progress", "--workers", "0",
    )  # fmt: skip
    batch = Batch.objects.get()
    assert batch.source_encoding in {"gbk", "gb18030"}
    outcomes = dict(batch.rows.values_list("row_number", "outcome"))
    rejected = {n for n, outcome in outcomes.items() if outcome == "rejected"}
    assert rejected == {12, 13, 14, 15, 16}  # the five bad rows (header is row 1)
    codes = {
        row.row_number: {issue["code"] for issue in row.issues or []}
        for row in batch.rows.filter(outcome="rejected")
    }
    assert "USCC_BAD_CHECK" in codes[12]
    assert all(codes[n] for n in rejected)
