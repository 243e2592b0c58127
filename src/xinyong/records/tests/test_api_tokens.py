"""The batch API for department systems: bearer tokens bound to one department and the
``report`` scope (xinyong.security.auth.api_auth), next to staff sessions (STYLE.md §14:
wrong department, without the right, revoked, allowed — and nothing changes when refused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, User
from xinyong.records.models import Batch, Record
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.test_api_batches import URL, state
from xinyong.security.actions.tokens import (
    IssuedToken,
    do_create_api_token,
    do_revoke_api_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Token rate-limit counters live in the process's cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue(department: Department, frozen_now: Any) -> Callable[..., IssuedToken]:
    def issue(*scopes: str, owner: Department | None = None) -> IssuedToken:
        return do_create_api_token(
            name="处罚系统",
            department=owner or department,
            scopes=scopes or ("report",),
            days=30,
            acting_user=None,
            actor_label="test",
        )

    return issue


@pytest.fixture
def other(make_department: Callable[..., Department]) -> Department:
    return make_department("另一个市场监督管理局")


def bearer(token: IssuedToken) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token.value}"}


def post(client: Client, token: IssuedToken, rows: list[dict[str, Any]], **extra: Any) -> Any:
    return client.post(
        URL,
        {"item": "CF", "rows": rows, **extra},
        content_type="application/json",
        **bearer(token),
    )


def test_a_token_reports_for_its_department(
    client: Client, department: Department, issue: Callable[..., IssuedToken]
) -> None:
    token = issue("report")
    response = post(client, token, [penalty_row(n, department.code) for n in range(3)])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"]["code"] == department.code
    assert body["counts"]["accepted"] + body["counts"]["accepted_with_warnings"] == 3
    batch = Batch.objects.get(pk=body["id"])
    assert batch.department == department and batch.created_by is None
    assert Record.objects.filter(department=department).count() == 3
    # The audit trail names the token, not a user.
    event = AuditEvent.objects.get(event_type=EventType.BATCH_RECEIVED)
    assert event.actor_id is None and token.token.display_prefix in event.actor_label

    # Naming its own department is fine too; the status endpoint answers the token.
    again = post(
        client, token, [penalty_row(9, department.code)], department=department.code.lower()
    )
    assert again.status_code == 201
    status = client.get(f"{URL}/{body['id']}", **bearer(token))
    assert status.status_code == 200 and status.json()["status"] == "done"
    rows = client.get(f"{URL}/{body['id']}/rows", **bearer(token))
    assert rows.status_code == 200 and rows.json()["count"] == 3
    listed = client.get(URL, **bearer(token))
    assert {b["id"] for b in listed.json()["results"]} == {body["id"], again.json()["id"]}


def test_a_token_cannot_report_for_another_department(
    client: Client,
    department: Department,
    other: Department,
    issue: Callable[..., IssuedToken],
) -> None:
    token = issue("report")
    before = state()
    response = post(client, token, [penalty_row(1, other.code)], department=other.code)
    assert response.status_code == 403
    assert response.json()["code"] == "REPORTING_NOT_ALLOWED"
    assert state() == before


def test_a_token_without_the_report_scope_is_refused(
    client: Client, department: Department, issue: Callable[..., IssuedToken]
) -> None:
    token = issue("check")
    before = state()
    response = post(client, token, [penalty_row(1, department.code)])
    assert response.status_code == 403
    assert response.json()["code"] == "TOKEN_SCOPE_MISSING"
    assert state() == before
    assert client.get(URL, **bearer(token)).json()["code"] == "TOKEN_SCOPE_MISSING"


def test_a_revoked_token_gets_401(
    client: Client,
    department: Department,
    issue: Callable[..., IssuedToken],
    make_user: Callable[..., User],
    make_department: Callable[..., Department],
) -> None:
    token = issue("report")
    assert post(client, token, [penalty_row(1, department.code)]).status_code == 201
    admin = make_user(
        Role.PLATFORM_ADMIN,
        department=make_department("市发展和改革委员会", kind=DepartmentKind.CREDIT_OFFICE),
    )
    do_revoke_api_token(token.token, reason="系统下线", acting_user=admin)
    before = state()
    response = post(client, token, [penalty_row(2, department.code)])
    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_REVOKED"
    assert state() == before
    assert client.get(URL, **bearer(token)).status_code == 401


def test_batch_status_is_scoped_to_the_token_department(
    client: Client,
    department: Department,
    other: Department,
    issue: Callable[..., IssuedToken],
) -> None:
    mine = post(client, issue("report"), [penalty_row(1, department.code)]).json()
    theirs_token = issue("report", owner=other)
    theirs = post(client, theirs_token, [penalty_row(1, other.code)]).json()
    assert theirs["department"]["code"] == other.code
    # Another department's batch is "not found" for the token (ids cannot be probed).
    for path in ("", "/rows", "/rejected.xlsx"):
        response = client.get(f"{URL}/{mine['id']}{path}", **bearer(theirs_token))
        assert response.status_code == 404, path
        assert response.json()["code"] == "BATCH_NOT_FOUND"
    listed = client.get(URL, **bearer(theirs_token)).json()
    assert [b["id"] for b in listed["results"]] == [theirs["id"]]
    # Its records too, and the figures are its own.
    record = Record.objects.get(department=department)
    response = client.get(f"/api/v1/records/{record.pk}", **bearer(theirs_token))
    assert response.status_code == 404
    stats = client.get("/api/v1/records/stats", **bearer(theirs_token)).json()
    assert {r["department"]["code"] for r in stats["results"]} <= {other.code}
    # A token without the report scope learns nothing about the batch either.
    checker = issue("check")
    response = client.get(f"{URL}/{mine['id']}", **bearer(checker))
    assert (response.status_code, response.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")


def test_a_token_withdraws_its_department_record(
    client: Client, department: Department, issue: Callable[..., IssuedToken]
) -> None:
    token = issue("report")
    post(client, token, [penalty_row(1, department.code)])
    record = Record.objects.get()
    response = client.post(
        f"/api/v1/records/{record.pk}/withdraw",
        {"reason": "复议撤销", "decision_changed_on": "2025-06-13"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200, response.json()
    record.refresh_from_db()
    assert record.status == "withdrawn" and record.withdrawn_by is None


def test_staff_sessions_keep_working(reporter_client: Client, department: Department) -> None:
    response = reporter_client.post(
        URL,
        {"item": "CF", "rows": [penalty_row(1, department.code)]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert reporter_client.get(f"{URL}/{response.json()['id']}").status_code == 200


@pytest.mark.parametrize("page", ["0", "10001", "2268397760196494592"])
def test_a_page_out_of_range_is_a_clear_422(
    client: Client,
    page: str,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    # Found by schemathesis: a huge page number made SQLite fail ("datatype mismatch").
    department = make_department("示范市分页测试局")
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department))
    response = client.get("/api/v1/records/batches", {"page": page})
    assert response.status_code == 422
    assert response.json()["code"] == "REQUEST_INVALID"
