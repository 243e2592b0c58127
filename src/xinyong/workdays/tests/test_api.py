"""``GET /api/v1/calendar/working-days`` and ``/years``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("loaded_policy")
URL = "/api/v1/calendar/working-days"


def get(query: str, path: str = URL) -> tuple[int, Any, Any]:
    response = Client().get(f"{path}?{query}" if query else path)
    return response.status_code, json.loads(response.content), response


def test_add_working_days() -> None:
    status, body, _ = get("start=2026-02-13&add=7")
    assert status == 200
    assert body == {
        "start": "2026-02-13", "add": 7, "end": None, "result": "2026-03-02",
        "working_days": None, "provisional": False, "uncovered_years": [],
    }  # fmt: skip


def test_count_working_days() -> None:
    status, body, _ = get("start=2026-02-13&end=2026-03-02")
    assert status == 200
    assert (body["working_days"], body["result"], body["provisional"]) == (7, None, False)


def test_provisional_result() -> None:
    status, body, _ = get("start=2026-12-25&add=7")
    assert status == 200
    assert (body["result"], body["provisional"], body["uncovered_years"]) == (
        "2027-01-05", True, [2027],
    )  # fmt: skip


def test_strict_refuses_a_provisional_result() -> None:
    status, body, response = get("start=2026-12-25&add=7&strict=true")
    assert status == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert body["code"] == "CALENDAR_YEAR_NOT_COVERED"
    assert body["details"] == {"years": [2027]}
    text = response.content.decode()
    assert "尚未载入2027年" in text  # Chinese as itself, not \\u escapes


@pytest.mark.parametrize("query", ["start=2026-02-30&add=1", "start=2026-01-01&end=2026-13-01",
                                   "start=20260101&add=1"])  # fmt: skip
def test_bad_dates_are_422_date_invalid(query: str) -> None:
    status, body, _ = get(query)
    assert (status, body["code"]) == (422, "DATE_INVALID")
    assert body["detail_zh"] and body["detail_en"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("start=2026-01-01", "PARAMETERS_INVALID"),
        ("start=2026-01-01&add=1&end=2026-02-01", "PARAMETERS_INVALID"),
        ("start=2026-01-01&add=99999", "WORKING_DAYS_RANGE_TOO_LARGE"),
        ("start=2026-01-01&end=2070-01-01", "WORKING_DAYS_RANGE_TOO_LARGE"),
        ("start=2026-01-01&add=seven", "REQUEST_INVALID"),
    ],
)
def test_bad_parameters(query: str, code: str) -> None:
    status, body, _ = get(query)
    assert (status, body["code"]) == (422, code)


def test_covered_years() -> None:
    status, body, _ = get("", "/api/v1/calendar/years")
    assert status == 200
    assert [y["year"] for y in body["covered_years"]] == list(range(2019, 2027))
    assert body["covered_years"][-1]["legal_source"].endswith("（国办发明电〔2025〕7号）")
