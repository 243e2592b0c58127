"""Timeliness and quality figures per department and month (issue 3 §6): the API and the
console page with its server-drawn chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.records.models import Record
from xinyong.records.tests.conftest import SHANGHAI
from xinyong.records.tests.factories import penalty_row

pytestmark = pytest.mark.django_db


def send(client: Client, rows: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/records/batches", {"item": "CF", "rows": rows}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def figures(
    reporter_client: Client,
    reporter: User,
    department: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    frozen_now: Callable[[datetime], None],
) -> Department:
    """June 2025 for the department: 3 on time, 2 late, 1 rejected row, 1 correction, 1 late
    withdrawal; May 2025: 1 on time. Another department: 1 record in June."""
    frozen_now(datetime(2025, 5, 20, 10, 0, tzinfo=SHANGHAI))
    reporter_client.force_login(reporter)
    send(reporter_client, [penalty_row(100, department.code, decided=date(2025, 5, 15))])
    frozen_now(datetime(2025, 6, 16, 10, 0, tzinfo=SHANGHAI))
    reporter_client.force_login(reporter)
    rows = [penalty_row(n, department.code, decided=date(2025, 6, 10)) for n in range(3)]
    rows += [penalty_row(n, department.code, decided=date(2025, 5, 6)) for n in (3, 4)]
    rows.append(penalty_row(5, department.code, CF_JDRQ="not a date"))
    send(reporter_client, rows)
    send(reporter_client, [dict(rows[0], CF_NR_FK="3")])
    late = Record.objects.get(decision_number=rows[3]["CF_WSH"])
    reporter_client.post(
        f"/api/v1/records/{late.pk}/withdraw",
        {"reason": "决定被撤销", "decision_changed_on": "2025-06-10"},
        content_type="application/json",
    )
    other = make_department("杭州市生态环境局")
    other_client = Client()
    other_client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=other))
    send(other_client, [penalty_row(200, other.code, decided=date(2025, 6, 12))])
    return other


def test_stats_by_department_and_month(reporter_client: Client, figures: Department) -> None:
    body = reporter_client.get("/api/v1/records/stats?month=2025-06").json()
    assert body["first_month"] == body["last_month"] == "2025-06"
    (june,) = body["results"]  # only the reporter's own department
    assert june["department"]["name"] == "杭州市市场监督管理局"
    assert (june["on_time"], june["late"]) == (3, 2)
    assert (june["rejected"], june["corrected"]) == (1, 1)
    assert (june["withdrawn"], june["withdrawn_late"]) == (1, 1)
    assert june["late_share"] == 0.4
    year = reporter_client.get("/api/v1/records/stats").json()
    assert [r["month"] for r in year["results"]] == ["2025-05", "2025-06"]
    assert year["results"][0]["on_time"] == 1


def test_oversight_sees_every_department(
    client: Client,
    figures: Department,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    client.force_login(make_user(Role.CREDIT_OFFICE_REVIEWER, department=make_department("信用办")))
    body = client.get("/api/v1/records/stats?month=2025-06").json()
    assert sorted((r["department"]["name"], r["on_time"]) for r in body["results"]) == [
        ("杭州市市场监督管理局", 3),
        ("杭州市生态环境局", 1),
    ]
    one = client.get(f"/api/v1/records/stats?month=2025-06&department={figures.code}").json()
    assert [r["department"]["code"] for r in one["results"]] == [figures.code]


def test_stats_refusals(reporter_client: Client, figures: Department) -> None:
    bad = reporter_client.get("/api/v1/records/stats?month=2025-13")
    assert bad.status_code == 422 and bad.json()["code"] == "STATS_MONTH_INVALID"
    hidden = reporter_client.get(f"/api/v1/records/stats?department={figures.code}")
    assert hidden.status_code == 422
    assert hidden.json()["code"] == "STATS_DEPARTMENT_NOT_VISIBLE"
    assert Client().get("/api/v1/records/stats").status_code == 401


def test_timeliness_page_draws_the_chart_without_script(
    reporter_client: Client, figures: Department
) -> None:
    response = reporter_client.get("/console/records/timeliness/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<svg" in html and html.count("<rect x=") == 24  # 12 months × (on time, late)
    assert "<script" not in html and "style=" not in html
    assert "报送及时性和质量" in html
    assert "2025-06" in html and "杭州市市场监督管理局" in html
    assert "杭州市生态环境局" not in html.split("<table")[1]  # another department's figures
