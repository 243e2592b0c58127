"""The policy API (``/api/v1/policy/``): editions and dated look-ups, Chinese unescaped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from xinyong.policy.loader import FileOutcome

pytestmark = pytest.mark.usefixtures("loaded_policy")


def _get(path: str) -> tuple[int, Any, str]:
    response = Client().get(path)
    text = response.content.decode()
    return response.status_code, json.loads(text), text


def test_regime_for_a_decision_date() -> None:
    status, body, text = _get("/api/v1/policy/regime?decision_date=2023-06-01")
    assert status == 200
    assert body["code"] == "ndrc-order-58" and body["legal_source"] == "国家发展改革委令第58号"
    assert {s["severity"]: (s["min_months"], s["max_months"]) for s in body["severities"]} == {
        "general": (3, 12),
        "serious": (12, 36),
    }
    assert "国家发展改革委令第58号" in text  # not \\u-escaped


def test_publication_window() -> None:
    status, body, _ = _get(
        "/api/v1/policy/publication-window?decision_date=2026-04-01&severity=light"
    )
    assert status == 200
    assert (body["published"], body["min_end"], body["max_end"], body["repair_from"]) == (
        "optional", "2026-04-01", "2026-07-01", "2026-04-02",
    )  # fmt: skip


def test_problems_have_stable_codes() -> None:
    status, body, text = _get("/api/v1/policy/regime?decision_date=2019-06-30")
    assert (status, body["code"]) == (404, "REGIME_NOT_FOUND")
    assert "决定" in text
    status, body, _ = _get("/api/v1/policy/regime?decision_date=2026-02-30")
    assert (status, body["code"]) == (422, "DATE_INVALID")
    status, body, _ = _get(
        "/api/v1/policy/publication-window?decision_date=2023-06-01&severity=light"
    )
    assert (status, body["code"]) == (404, "REGIME_RULE_NOT_DEFINED")
    status, body, _ = _get("/api/v1/policy/settings/no.such.key")
    assert (status, body["code"]) == (422, "SETTING_UNKNOWN")


def test_setting_and_editions(loaded_policy: list[FileOutcome]) -> None:
    status, body, _ = _get(
        "/api/v1/policy/settings/double_publicity.report_working_days?on=2026-05-01"
    )
    assert status == 200
    assert (body["value"], body["unit"], body["jurisdiction"]) == (7, "working_days", "national")
    status, editions, _ = _get("/api/v1/policy/editions?kind=calendar")
    assert status == 200 and len(editions) == 8
    assert editions[0]["edition"] == "2019" and editions[0]["status"] == "active"
