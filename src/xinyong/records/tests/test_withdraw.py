"""Withdrawal (撤销): stops publication at once, records when and how late
(行政处罚法 2021 art. 48: within 3 days of the change of the decision); never refused for
being late."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.records.choices import RecordStatus
from xinyong.records.models import BatchRow, Record
from xinyong.records.tests.conftest import NOW
from xinyong.records.tests.factories import penalty_row

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


@pytest.fixture
def row(department: Department) -> dict[str, Any]:
    return penalty_row(1, department.code)


@pytest.fixture
def record(reporter_client: Client, row: dict[str, Any], frozen_now: Any) -> Record:
    response = reporter_client.post(
        "/api/v1/records/batches",
        {"item": "CF", "rows": [row]},
        content_type="application/json",
    )
    assert response.status_code == 201
    found = Record.objects.get()
    assert found.is_published
    return found


def withdraw(client: Client, record: Record, **payload: Any) -> Any:
    body = {"reason": "处罚决定被复议机关撤销", "decision_changed_on": TODAY.isoformat()}
    body.update(payload)
    return client.post(
        f"/api/v1/records/{record.pk}/withdraw", body, content_type="application/json"
    )


def test_withdrawal_stops_publication_at_once(reporter_client: Client, record: Record) -> None:
    response = withdraw(reporter_client, record)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "withdrawn"
    assert body["withdrawal"]["lag_days"] == 0 and body["withdrawal"]["late"] is False
    assert body["publication"]["is_published"] is False
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    assert record.withdrawn_at == NOW
    assert record.withdrawn_by is not None and record.withdrawn_by.username == "reporter"
    event = AuditEvent.objects.get(event_type=EventType.RECORD_WITHDRAWN)
    assert event.object_id == str(record.pk) and event.subject_id == record.subject_id


def test_a_late_withdrawal_is_recorded_and_flagged_not_refused(
    reporter_client: Client, record: Record
) -> None:
    changed = TODAY - timedelta(days=5)
    body = withdraw(reporter_client, record, decision_changed_on=changed.isoformat()).json()
    assert body["withdrawal"]["lag_days"] == 5
    assert body["withdrawal"]["late"] is True
    record.refresh_from_db()
    assert record.withdrawal_late is True and record.decision_changed_on == changed


def test_withdrawing_twice_is_refused(reporter_client: Client, record: Record) -> None:
    assert withdraw(reporter_client, record).status_code == 200
    again = withdraw(reporter_client, record)
    assert again.status_code == 409
    assert again.json()["code"] == "RECORD_ALREADY_WITHDRAWN"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (
            {"decision_changed_on": (TODAY + timedelta(days=1)).isoformat()},
            "WITHDRAWAL_DATE_IN_FUTURE",
        ),
        ({"decision_changed_on": "2025-01-01"}, "WITHDRAWAL_DATE_BEFORE_DECISION"),
        ({"reason": "   "}, "WITHDRAWAL_REASON_REQUIRED"),
        ({"reason": ""}, "REQUEST_INVALID"),
    ],
)
def test_invalid_withdrawals(
    reporter_client: Client, record: Record, payload: dict[str, Any], code: str
) -> None:
    response = withdraw(reporter_client, record, **payload)
    assert response.status_code == 422
    assert response.json()["code"] == code
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


def test_who_may_withdraw(
    record: Record,
    department: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    client = Client()
    assert withdraw(client, record).status_code == 401
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=make_department("别局")))
    assert withdraw(client, record).status_code == 404
    client.force_login(make_user(Role.DEPARTMENT_CHECKER, department=department))
    response = withdraw(client, record)
    assert response.status_code == 403
    assert response.json()["code"] == "REPORTING_NOT_ALLOWED"
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE
    assert not AuditEvent.objects.filter(event_type=EventType.RECORD_WITHDRAWN).exists()


def test_resending_a_withdrawn_record(
    reporter_client: Client, record: Record, row: dict[str, Any]
) -> None:
    withdraw(reporter_client, record)
    same = reporter_client.post(
        "/api/v1/records/batches", {"item": "CF", "rows": [row]}, content_type="application/json"
    ).json()
    assert same["counts"]["unchanged"] == 1
    (unchanged,) = BatchRow.objects.filter(batch_id=same["id"])
    assert [i["code"] for i in unchanged.issues or ()] == ["RECORD_WITHDRAWN"]
    changed = reporter_client.post(
        "/api/v1/records/batches",
        {"item": "CF", "rows": [dict(row, CF_NR_FK="9")]},
        content_type="application/json",
    ).json()
    assert changed["counts"]["rejected"] == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN and record.version == 1


def test_withdraw_in_the_console(reporter_client: Client, record: Record) -> None:
    page = reporter_client.get(f"/console/records/{record.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert record.decision_number in html and 'name="reason"' in html
    response = reporter_client.post(
        f"/console/records/{record.pk}/",
        {"reason": "决定被变更", "decision_changed_on": (TODAY - timedelta(days=4)).isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN and record.withdrawal_late is True
    assert 'name="reason"' not in response.content.decode()


def test_withdraw_from_the_command_line(record: Record) -> None:
    out = StringIO()
    call_command(
        "records",
        "withdraw",
        str(record.pk),
        "--reason",
        "决定被确认无效",
        "--changed-on",
        (TODAY - timedelta(days=1)).isoformat(),
        stdout=out,
    )
    assert f"record {record.pk} withdrawn 1 days after the change" in out.getvalue()
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN and record.withdrawal_late is False


def test_expiry_ends_publication_after_the_period(record: Record) -> None:
    from xinyong.records.actions import do_expire_records

    assert record.publication_max_end == date(2026, 6, 5)
    assert do_expire_records(today=date(2026, 6, 5)) == 0
    assert do_expire_records(today=date(2026, 6, 6)) == 1
    assert do_expire_records(today=date(2026, 6, 6)) == 0
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED
    event = AuditEvent.objects.get(event_type=EventType.RECORD_EXPIRED)
    assert isinstance(event.after, dict) and event.after["count"] == 1
