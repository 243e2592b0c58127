"""The catalog API (``/api/v1/catalog/``): items in force on a date and one item with its
fields and code lists; public, read-only, Chinese unescaped, coded problems."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("loaded_policy")


def _get(path: str) -> tuple[int, Any, str]:
    response = Client().get(path)
    text = response.content.decode()
    return response.status_code, json.loads(text), text


def test_items_in_force_on_a_date() -> None:
    status, body, text = _get("/api/v1/catalog/items?on=2023-06-01")
    assert status == 200
    codes = [i["code"] for i in body]
    assert "FLFG" in codes and "ZSCQ" not in codes
    cf = next(i for i in body if i["code"] == "CF")
    assert cf["name_zh"] == "行政处罚信息"
    assert cf["edition"] == "catalog/national-base@2022"
    assert cf["publication_rule"]["type"] == "regime"
    assert cf["reporting_deadline_working_days"] == 7
    assert "fields" not in cf
    assert "行政处罚信息" in text  # not \\u-escaped
    status, body, _ = _get("/api/v1/catalog/items?on=2025-06-01")
    assert "ZSCQ" in [i["code"] for i in body]


def test_one_item_with_fields_and_code_lists() -> None:
    status, body, text = _get("/api/v1/catalog/items/cf?on=2023-06-01")
    assert status == 200
    assert (body["code"], body["on"]) == ("CF", "2023-06-01")
    assert body["key_field"] == "CF_WSH" and body["date_field"] == "CF_JDRQ"
    fields = {f["code"]: f for f in body["fields"]}
    assert fields["CF_CFLB"]["code_list"] == "penalty_category"
    assert fields["CF_XDR_ZJHM"]["public"] is False
    lists = {cl["code"]: cl for cl in body["code_lists"]}
    entries = {e["code"]: e for e in lists["penalty_category"]["entries"]}
    assert entries["L05"]["decisions_to"] == "2021-07-14"
    assert entries["02"]["decisions_from"] == "2021-07-15"
    assert "吊销许可证件" in text


def test_problems_have_stable_codes() -> None:
    status, body, text = _get("/api/v1/catalog/items/ZSCQ?on=2023-06-01")
    assert (status, body["code"]) == (404, "CATALOG_ITEM_UNKNOWN")
    assert "2023-06-01" in body["detail_zh"] and "目录" in text
    status, body, _ = _get("/api/v1/catalog/items?on=2023-02-30")
    assert (status, body["code"]) == (422, "DATE_INVALID")


def test_default_date_is_today() -> None:
    status, body, _ = _get("/api/v1/catalog/items")
    assert status == 200 and body
