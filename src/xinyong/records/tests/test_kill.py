"""Killing an import half-way loses nothing accepted, and resuming accounts for every row
exactly once (issue 3: "test it by killing the process").

``xinyong import`` runs in a subprocess against the test database (a file on SQLite,
``test_<name>`` on PostgreSQL); the test waits until the batch has committed some chunks,
sends SIGKILL, checks what is in the database, then resumes the batch with
``--resume`` in a second subprocess (with a worker process validating, the path a real
import takes) and checks that every row of the file has exactly one outcome.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

import xinyong
from xinyong.audit.record import verify_chain
from xinyong.core.models import Department
from xinyong.core.tests.fixtures import uscc_for
from xinyong.records.models import Batch, BatchRow, Record
from xinyong.records.tests.factories import penalty_row, write_csv

ROWS = 20_000
CHUNK = 500


def subprocess_env() -> dict[str, str]:
    """The environment of ``xinyong`` subprocesses: this checkout, the test database."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        url = f"postgres://{user}{password}@{host}{port}/{db['NAME']}"
    src = str(Path(xinyong.__file__).resolve().parents[1])
    return {
        **os.environ,
        "XINYONG_ENV": "test",
        "XINYONG_DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }


def xinyong_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "xinyong.cli", *args]


def rows_for(department: Department) -> list[dict[str, Any]]:
    """20,000 rows: every 40th refused (a missing field), every 97th a duplicate, a few
    subjects on many rows."""
    shared = [uscc_for() for _ in range(20)]
    rows = []
    for n in range(ROWS):
        row = penalty_row(n, department.code, uscc=shared[n % 20] if n % 7 == 0 else None)
        if n % 40 == 39:
            row["CF_YJ"] = ""
        if n % 97 == 96:
            row["CF_WSH"] = f"杭市监罚〔2025〕{n - 1}号"
        rows.append(row)
    return rows


@pytest.mark.django_db(transaction=True)
def test_kill_during_import_then_resume(
    department: Department, frozen_now: Any, tmp_path: Path
) -> None:
    rows = rows_for(department)
    path = write_csv(tmp_path / "penalties.csv", rows)
    env = subprocess_env()
    # "Today" of the subprocesses is real today; the rows' decisions are in 2025, so they are
    # late (a warning) but accepted the same way before and after the kill.
    proc = subprocess.Popen(
        xinyong_cli(
            "import", str(path), "--department", department.code, "--chunk-size", str(CHUNK),
            "--workers", "0", "--no-progress",
        ),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    batch = None
    while time.monotonic() < deadline:
        batch = Batch.objects.filter(department=department).first()
        if batch is not None and batch.last_committed_row >= 2 * CHUNK:
            break
        if proc.poll() is not None:
            pytest.fail(f"import ended before it was killed: {proc.communicate()}")
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("no chunk was committed within 120 s")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert batch is not None
    batch.refresh_from_db()
    assert batch.status == "processing"
    committed = batch.last_committed_row
    assert 2 * CHUNK < committed < ROWS + 1, committed
    # Exactly the committed rows are there (chunks are whole): rows 2 … committed.
    done = BatchRow.objects.filter(batch=batch)
    assert done.count() == committed - 1
    assert sorted(done.values_list("row_number", flat=True)) == list(range(2, committed + 1))
    assert Record.objects.filter(batch=batch).count() == batch.accepted_total

    resumed = subprocess.run(
        xinyong_cli(
            "import", str(path), "--department", department.code, "--resume", str(batch.pk),
            "--chunk-size", str(CHUNK), "--workers", "1", "--no-progress",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"batch {batch.pk} resumed after row {committed}" in resumed.stdout

    batch.refresh_from_db()
    assert batch.status == "done"
    assert batch.rows_processed == ROWS
    numbers = list(BatchRow.objects.filter(batch=batch).values_list("row_number", flat=True))
    assert sorted(numbers) == list(range(2, ROWS + 2))  # every row once
    refused = sum(1 for n in range(ROWS) if n % 40 == 39)
    duplicates = sum(1 for n in range(ROWS) if n % 97 == 96 and n % 40 != 39 and (n - 1) % 40 != 39)
    assert batch.rejected == refused + duplicates
    assert batch.accepted_total == ROWS - batch.rejected
    # Nothing accepted was lost or doubled: one record per accepted decision number.
    accepted = BatchRow.objects.filter(batch=batch).exclude(outcome="rejected")
    assert Record.objects.count() == accepted.count() == batch.accepted_total
    assert set(accepted.values_list("record_id", flat=True)) == set(
        Record.objects.values_list("pk", flat=True)
    )
    assert verify_chain().ok
