"""The batch API: access, per-row outcomes, re-sends, corrections, idempotency, and whole
submissions that cannot be processed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.records.models import Batch, BatchRow, Record, RecordVersion
from xinyong.records.tests.factories import penalty_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/records/batches"


def post(client: Client, rows: list[dict[str, Any]], **extra: Any) -> Any:
    return client.post(URL, {"item": "CF", "rows": rows, **extra}, content_type="application/json")


def state() -> tuple[int, int, int, int]:
    return (
        Batch.objects.count(),
        Record.objects.count(),
        BatchRow.objects.count(),
        Subject.objects.count(),
    )


# --- access (STYLE.md §14) ------------------------------------------------------------------


def test_anonymous_gets_401(client: Client, department: Department) -> None:
    before = state()
    response = post(client, [penalty_row(1, department.code)])
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_REQUIRED"
    assert state() == before


def test_reporter_of_another_department_gets_403(
    client: Client,
    department: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    other = make_department("另一个局")
    user = make_user(Role.DEPARTMENT_REPORTER, department=other)
    client.force_login(user)
    before = state()
    response = post(client, [penalty_row(1, department.code)], department=department.code)
    assert response.status_code == 403
    assert response.json()["code"] == "REPORTING_NOT_ALLOWED"
    assert state() == before


def test_checker_without_the_reporter_role_gets_403(
    client: Client, department: Department, make_user: Callable[..., User]
) -> None:
    checker = make_user(Role.DEPARTMENT_CHECKER, department=department)
    client.force_login(checker)
    before = state()
    response = post(client, [penalty_row(1, department.code)])
    assert response.status_code == 403
    assert state() == before


def test_department_not_allowed_to_report_the_item(
    client: Client,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    loaded_policy: Any,
) -> None:
    court = make_department("市中级人民法院", kind=DepartmentKind.COURT)
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=court))
    before = state()
    response = post(client, [penalty_row(1, court.code)])
    assert response.status_code == 403
    assert response.json()["code"] == "CATALOG_ITEM_NOT_ALLOWED"
    assert state() == before


def test_unknown_item(reporter_client: Client, department: Department) -> None:
    before = state()
    response = reporter_client.post(
        URL,
        {"item": "NOPE", "rows": [penalty_row(1, department.code)]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "CATALOG_ITEM_UNKNOWN"
    assert state() == before


def test_schema_errors_are_422(reporter_client: Client, department: Department) -> None:
    response = post(reporter_client, [])
    assert response.status_code == 422
    assert response.json()["code"] == "REQUEST_INVALID"
    response = reporter_client.post(URL, "not json", content_type="application/json")
    assert response.status_code == 422


# --- outcomes -------------------------------------------------------------------------------


def test_half_bad_batch_accepts_the_good_rows_and_reports_the_bad(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    rows = []
    for n in range(10):
        row = penalty_row(n, department.code)
        if n % 2:
            row["CF_NR_FK"] = "15000元"  # amounts are in 万元 (RULES §1)
            row["CF_JDRQ"] = "2025-02-30"
        rows.append(row)
    response = post(reporter_client, rows)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done" and body["percent"] == 100
    assert body["counts"] == {
        "accepted": 5,
        "accepted_with_warnings": 0,
        "rejected": 5,
        "unchanged": 0,
        "corrected": 0,
    }
    assert Record.objects.count() == 5
    rejected = reporter_client.get(f"{URL}/{body['id']}/rows?outcome=rejected").json()
    assert rejected["count"] == 5
    first = rejected["results"][0]
    assert first["row_number"] == 2
    codes = {(i["field"], i["code"]) for i in first["issues"]}
    assert ("CF_NR_FK", "FIELD_AMOUNT_IN_YUAN") in codes
    assert ("CF_JDRQ", "FIELD_DATE_INVALID") in codes
    assert all(i["message_zh"] and i["message_en"] for i in first["issues"])
    assert first["values"]["CF_NR_FK"] == "15000元"  # as received, to fix


def test_duplicates_within_a_batch_across_chunks(
    reporter_client: Client,
    department: Department,
    monkeypatch: pytest.MonkeyPatch,
    frozen_now: Any,
) -> None:
    monkeypatch.setattr("xinyong.records.engine.CHUNK_ROWS", 3)
    rows = [penalty_row(n, department.code) for n in range(7)]
    rows.append(penalty_row(1, department.code))  # repeats row 2, two chunks earlier
    rows.append(penalty_row(7, department.code))
    rows.append(penalty_row(7, department.code))  # repeats row 9, same chunk
    body = post(reporter_client, rows).json()
    assert body["counts"]["accepted"] == 8
    assert body["counts"]["rejected"] == 2
    dups = BatchRow.objects.filter(batch_id=body["id"], outcome="rejected").order_by("row_number")
    assert [(r.row_number, (r.issues or [{}])[0]["code"]) for r in dups] == [
        (8, "BATCH_DUPLICATE_ROW"),
        (10, "BATCH_DUPLICATE_ROW"),
    ]
    assert "第 2 行" in (dups[0].issues or [{}])[0]["message_zh"]
    assert "row 9" in (dups[1].issues or [{}])[0]["message_en"]
    assert Record.objects.count() == 8


def test_resending_the_same_records_creates_nothing_new(
    reporter_client: Client, department: Department
) -> None:
    rows = [penalty_row(n, department.code) for n in range(5)]
    first = post(reporter_client, rows).json()
    records = list(Record.objects.order_by("pk").values_list("pk", "digest", "version"))
    subjects = Subject.objects.count()
    second = post(reporter_client, rows).json()
    assert second["id"] != first["id"]
    assert second["counts"]["unchanged"] == 5
    assert second["counts"]["accepted"] == 0
    assert list(Record.objects.order_by("pk").values_list("pk", "digest", "version")) == records
    assert Subject.objects.count() == subjects
    assert RecordVersion.objects.count() == 0
    linked = BatchRow.objects.filter(batch_id=second["id"]).values_list("record_id", flat=True)
    assert sorted(linked) == sorted(pk for pk, _d, _v in records)


def test_a_changed_resend_is_a_correction_with_history(
    reporter_client: Client, department: Department
) -> None:
    row = penalty_row(1, department.code)
    first = post(reporter_client, [row]).json()
    record = Record.objects.get()
    assert record.version == 1
    corrected = dict(row, CF_NR_FK="2", CF_NR="警告，并处罚款2万元")
    second = post(reporter_client, [corrected]).json()
    assert second["counts"]["corrected"] == 1
    record.refresh_from_db()
    assert Record.objects.count() == 1
    assert record.version == 2
    assert record.values["CF_NR_FK"] == "2"
    assert record.batch_id == second["id"]
    assert record.first_received_at <= record.received_at
    (old,) = RecordVersion.objects.filter(record=record)
    assert old.version == 1 and old.values["CF_NR_FK"] == "1.5"
    assert old.batch_id == first["id"] and old.superseded_by_batch_id == second["id"]
    event = AuditEvent.objects.get(event_type=EventType.RECORD_CORRECTED)
    assert event.object_id == str(record.pk)
    detail = reporter_client.get(f"/api/v1/records/{record.pk}").json()
    assert [v["version"] for v in detail["history"]] == [1]
    assert detail["version"] == 2
    assert verify_chain().ok


def test_idempotency_key(reporter_client: Client, department: Department) -> None:
    rows = [penalty_row(n, department.code) for n in range(3)]
    first = post(reporter_client, rows, idempotency_key="2025-06-16-a")
    assert first.status_code == 201
    before = state()
    again = post(reporter_client, rows, idempotency_key="2025-06-16-a")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert state() == before
    other = post(reporter_client, rows[:2], idempotency_key="2025-06-16-a")
    assert other.status_code == 409
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    header = reporter_client.post(
        URL,
        {"item": "CF", "rows": rows},
        content_type="application/json",
        headers={"Idempotency-Key": "2025-06-16-a"},
    )
    assert header.status_code == 200 and header.json()["id"] == first.json()["id"]
    assert state() == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda r: r.pop("CF_WSH"), "COLUMN_MISSING"),
        (lambda r: r.update(CF_UNKNOWN="x"), "COLUMN_UNKNOWN"),
    ],
)
def test_columns_the_item_cannot_take_fail_the_batch(
    reporter_client: Client, department: Department, change: Callable[..., Any], code: str
) -> None:
    rows = [penalty_row(n, department.code) for n in range(3)]
    for row in rows:
        change(row)
    response = post(reporter_client, rows)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == code
    assert body["error"]["message_zh"] and body["error"]["message_en"]
    assert Record.objects.count() == 0
    assert AuditEvent.objects.filter(event_type=EventType.BATCH_FAILED).count() == 1


def test_chinese_field_names_as_json_keys(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    from xinyong.records.tests.factories import CHINESE_NAMES

    row = {CHINESE_NAMES[k]: v for k, v in penalty_row(1, department.code).items()}
    body = post(reporter_client, [row]).json()
    assert body["status"] == "done" and body["counts"]["accepted"] == 1


def test_status_and_lists_are_scoped_to_the_department(
    client: Client,
    reporter_client: Client,
    department: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    body = post(reporter_client, [penalty_row(1, department.code)]).json()
    outsider = make_user(Role.DEPARTMENT_REPORTER, department=make_department("别的局"))
    client.force_login(outsider)
    assert client.get(f"{URL}/{body['id']}").status_code == 404
    assert client.get(f"{URL}/{body['id']}/rows").status_code == 404
    assert client.get(f"{URL}/{body['id']}/rejected.xlsx").status_code == 404
    assert client.get(URL).json()["count"] == 0
    record = Record.objects.get()
    assert client.get(f"/api/v1/records/{record.pk}").status_code == 404
    auditor = make_user(Role.AUDITOR, department=make_department("审计局"))
    client.force_login(auditor)
    assert client.get(f"{URL}/{body['id']}").status_code == 200
    assert client.get(URL).json()["count"] == 1


def test_batch_list_query_count_is_pinned(
    reporter_client: Client,
    department: Department,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(3):
        post(reporter_client, [penalty_row(n, department.code)])
    # Constant, whatever the number of batches; one query of it reads the user's roles for
    # the API principal (xinyong.security.auth.api_auth).
    with django_assert_max_num_queries(7):
        body = reporter_client.get(URL).json()
    assert body["count"] == 3
    batch_id = body["results"][0]["id"]
    # (+1: the savepoint of the transaction in which a page showing rejected rows' values is
    # registered, docs/decisions/0056-record-detail-reads.md.)
    with django_assert_max_num_queries(9):
        reporter_client.get(f"{URL}/{batch_id}/rows")
