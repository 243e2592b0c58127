"""File channels: the console upload (processed by the worker task, followed on the batch
page) and ``xinyong import`` — encodings, bad files, the rejected-rows spreadsheet with its
error column (neutralised against formula injection) sent back fixed."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.records.exports import ERROR_COLUMN
from xinyong.records.models import Batch, BatchRow, Record
from xinyong.records.tasks import process_batch_task
from xinyong.records.tests.factories import (
    CHINESE_NAMES,
    PENALTY_COLUMNS,
    penalty_row,
    read_xlsx,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.invalid","点击")'


def upload(client: Client, department: Department, path: Path, capture: Any) -> Batch:
    with path.open("rb") as handle, capture(execute=True):
        response = client.post(
            "/console/records/upload/", {"department": department.pk, "item": "CF", "file": handle}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = Batch.objects.latest("pk")
    assert response["Location"] == f"/console/records/batches/{batch.pk}/"
    return batch


def test_upload_page_access(
    client: Client, department: Department, make_user: Callable[..., User]
) -> None:
    assert client.get("/console/records/upload/").status_code == 302  # log in first
    client.force_login(make_user(Role.DEPARTMENT_CHECKER, department=department))
    response = client.get("/console/records/upload/")
    assert response.status_code == 403
    assert "报送员" in response.content.decode()
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department))
    html = client.get("/console/records/upload/").content.decode()
    assert 'type="file"' in html and 'value="CF"' in html
    assert 'value="SXBZXR"' not in html  # courts report dishonest judgment debtors


def test_upload_is_processed_by_the_worker_and_followed_on_the_batch_page(
    reporter_client: Client,
    department: Department,
    frozen_now: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [penalty_row(n, department.code) for n in range(6)]
    rows[2]["CF_NR_FK"] = "-5"
    rows[2]["CF_SY"] = INJECTION
    rows[4]["CF_XDR_SHXYM"] = "91330102MA2ABCDE1X"
    path = write_csv(tmp_path / "处罚信息.csv", rows, encoding="utf-8-sig", chinese=True)
    batch = upload(reporter_client, department, path, django_capture_on_commit_callbacks)
    assert batch.channel == "upload" and batch.status == "received"
    assert Path(batch.source_path).read_bytes() == path.read_bytes()
    assert DBTaskResult.objects.filter(args_kwargs__args=[batch.pk]).exists()

    waiting = reporter_client.get(f"/console/records/batches/{batch.pk}/")
    assert waiting["Refresh"] == "2"
    assert 'value="0"' in waiting.content.decode()  # the progress bar

    assert process_batch_task.call(batch.pk) == "done"
    assert process_batch_task.call(batch.pk) == "done"  # idempotent
    batch.refresh_from_db()
    assert (batch.accepted, batch.rejected, batch.source_encoding) == (4, 2, "utf-8-sig")
    page = reporter_client.get(f"/console/records/batches/{batch.pk}/")
    assert not page.has_header("Refresh")
    html = page.content.decode()
    assert "100%" in html and "FIELD_AMOUNT_NEGATIVE" in html
    assert f"/console/records/batches/{batch.pk}/rejected.xlsx" in html
    assert "<script" not in html

    download = reporter_client.get(f"/console/records/batches/{batch.pk}/rejected.xlsx")
    assert download.status_code == 200
    sheet = read_xlsx(io.BytesIO(download.getvalue()))
    header = [CHINESE_NAMES[c] for c in PENALTY_COLUMNS]
    assert sheet[0] == [*header, ERROR_COLUMN]
    assert len(sheet) == 3
    by_name = dict(zip(sheet[0], sheet[1], strict=True))
    assert by_name["违法事实"] == "'" + INJECTION  # neutralised
    assert by_name["罚款金额（万元）"] == "'-5"
    assert "第 4 行 / row 4" in by_name[ERROR_COLUMN]
    assert "CF_NR_FK" in by_name[ERROR_COLUMN]

    # The clerk fixes the two rows in the file and sends it back as it is.
    fixed = tmp_path / "fixed.xlsx"
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    out = book.create_sheet()
    out.append(sheet[0])
    for values in sheet[1:]:
        row = dict(zip(sheet[0], values, strict=True))
        row["罚款金额（万元）"] = "5"
        if "91330102MA2ABCDE1X" in str(row["统一社会信用代码"]):
            row["统一社会信用代码"] = (
                rows[4]["CF_XDR_SHXYM"][:0] + penalty_row(9, "")["CF_XDR_SHXYM"]
            )
        out.append(list(row.values()))
    book.save(fixed)
    again = upload(reporter_client, department, fixed, django_capture_on_commit_callbacks)
    assert process_batch_task.call(again.pk) == "done"
    again.refresh_from_db()
    assert (again.accepted, again.rejected) == (2, 0), list(
        BatchRow.objects.filter(batch=again).values("issues")
    )
    record = Record.objects.get(batch=again, batch_row=2)
    assert record.values["CF_SY"] == INJECTION  # the apostrophe came off again
    assert Record.objects.count() == 6


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "empty.csv", "FILE_EMPTY"),
        (b"\x00\x01\x02 not a table \xff\xfe", "junk.csv", "FILE_ENCODING_UNSUPPORTED"),
        (b"CF_WSH,CF_XDR_MC\r\n", "header-only.csv", "COLUMN_MISSING"),
        (b"PK\x03\x04 broken zip", "broken.xlsx", "XLSX_INVALID"),
    ],
)
def test_a_file_that_cannot_be_read_fails_its_batch(
    reporter_client: Client,
    department: Department,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    content: bytes,
    name: str,
    code: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    batch = upload(reporter_client, department, path, django_capture_on_commit_callbacks)
    assert process_batch_task.call(batch.pk) == "failed"
    batch.refresh_from_db()
    assert batch.error_code == code
    assert Record.objects.count() == 0
    html = reporter_client.get(f"/console/records/batches/{batch.pk}/").content.decode()
    assert code in html and escape(batch.error_message_en) in html


def test_a_header_only_file_is_an_empty_batch(
    reporter_client: Client, department: Department, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(CommandError, match="BATCH_EMPTY"):
        call_command("import", str(path), "--department", department.code, "--no-progress")
    assert Batch.objects.get().status == "failed"


def test_a_bad_line_half_way_keeps_what_was_accepted(
    department: Department, frozen_now: Any, tmp_path: Path
) -> None:
    rows = [penalty_row(n, department.code) for n in range(300)]
    path = write_csv(tmp_path / "half.csv", rows, encoding="gbk")
    with path.open("ab") as handle:  # bytes that are not GBK, after 300 good rows (~120 KB)
        handle.write(b"\xff\xfe\xff,broken\r\n")
    with pytest.raises(CommandError, match="FILE_ENCODING_UNSUPPORTED"):
        call_command(
            "import", str(path), "--department", department.code, "--no-progress",
            "--chunk-size", "100",
        )  # fmt: skip
    batch = Batch.objects.get()
    assert batch.status == "failed" and batch.error_code == "FILE_ENCODING_UNSUPPORTED"
    assert batch.last_committed_row == 301 and Record.objects.count() == 300


def test_import_command(department: Department, frozen_now: Any, tmp_path: Path) -> None:
    rows = [penalty_row(n, department.code) for n in range(5)]
    rows[3]["CF_JDRQ"] = "明天"
    path = write_xlsx(tmp_path / "penalties.xlsx", rows, chinese=True)
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--department", department.code, stdout=out, stderr=err)
    batch = Batch.objects.get()
    text = out.getvalue()
    assert text.startswith(f"batch {batch.pk} received: penalties.xlsx (CF)")
    assert f"batch {batch.pk}: done; rows 5: accepted 4" in text and "rejected 1" in text
    assert "rejected.xlsx" in text
    assert "100%" in err.getvalue()  # the progress bar
    assert batch.channel == "cli" and batch.source_format == "xlsx"
    # Re-running with an idempotency key is safe; without one the rows are unchanged.
    call_command(
        "import", str(path), "--department", department.code, "--no-progress",
        "--idempotency-key", "run-1", stdout=io.StringIO(),
    )  # fmt: skip
    call_command(
        "import", str(path), "--department", department.code, "--no-progress",
        "--idempotency-key", "run-1", stdout=io.StringIO(),
    )  # fmt: skip
    assert Batch.objects.count() == 2
    assert Batch.objects.latest("pk").unchanged == 4
    assert Record.objects.count() == 4


def test_import_refuses_unknown_departments_and_items(
    department: Department, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", [penalty_row(1, department.code)])
    with pytest.raises(CommandError, match="DEPARTMENT_UNKNOWN"):
        call_command("import", str(path), "--department", "91330100MA27XXXX0X")
    with pytest.raises(CommandError, match="CATALOG_ITEM_UNKNOWN"):
        call_command("import", str(path), "--department", department.code, "--item", "ZZ")
    assert not Batch.objects.exists()


def test_batch_pages_list_and_scope(
    client: Client,
    reporter_client: Client,
    department: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    tmp_path: Path,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(3):
        call_command(
            "import",
            str(write_csv(tmp_path / f"{n}.csv", [penalty_row(n, department.code)])),
            "--department",
            department.code,
            "--no-progress",
            stdout=io.StringIO(),
        )
    with django_assert_max_num_queries(8):
        html = reporter_client.get("/console/records/batches/").content.decode()
    assert html.count("/console/records/batches/") >= 3
    batch = Batch.objects.first()
    assert batch is not None
    outsider = make_user(Role.DEPARTMENT_REPORTER, department=make_department("别局"))
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/console/records/batches/{batch.pk}/").status_code == 404
    listing = other.get("/console/records/batches/").content.decode()
    assert "还没有批次。" in listing and f"#{batch.pk}" not in listing
