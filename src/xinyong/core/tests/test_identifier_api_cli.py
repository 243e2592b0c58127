"""`POST /api/v1/identifiers/validate` and `xinyong identifiers validate CODE…`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xinyong.core import identifiers
from xinyong.core.tests.fixtures import resident_id_for, uscc_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/identifiers/validate"


def _post(client: Client, body: Mapping[str, object]) -> Any:
    return client.post(URL, body, content_type="application/json")


def test_valid_code_with_parts(client: Client) -> None:
    code = uscc_for("9", "1", "330102")
    response = _post(client, {"codes": [code.lower()]})
    assert response.status_code == 200
    body = response.json()
    assert body["all_valid"] is True
    (result,) = body["results"]
    assert result["normalized"] == code
    assert result["valid"] is True and result["error_code"] is None
    parts = result["parts"]
    assert parts["registration_authority"]["code"] == "9"
    assert parts["organisation_type"]["code"] == "1"
    assert parts["division"]["code"] == "330102"
    # Chinese is sent as itself, not as \\u escapes
    assert "工商" in response.content.decode()


def test_invalid_code_gives_code_and_both_languages(client: Client) -> None:
    code = uscc_for()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    (result,) = _post(client, {"codes": [bad]}).json()["results"]
    assert result["valid"] is False
    assert result["error_code"] == "USCC_BAD_CHECK"
    assert result["errors"][0]["message_zh"] and result["errors"][0]["message_en"]


def test_org_code_mismatch_is_a_warning(client: Client) -> None:
    body8 = "MA2H3X4Y"
    first17 = (
        "91330102" + body8 + ("0" if identifiers.org_code_check_character(body8) != "0" else "1")
    )
    code = first17 + identifiers.uscc_check_character(first17)
    (result,) = _post(client, {"codes": [code]}).json()["results"]
    assert result["valid"] is True
    assert [w["code"] for w in result["warnings"]] == ["USCC_ORG_CODE_MISMATCH"]


def test_placeholder_depends_on_subject_kind(client: Client) -> None:
    placeholder = "00000000000000000X"
    (refused,) = _post(client, {"codes": [placeholder]}).json()["results"]
    assert refused["error_code"] == "USCC_PLACEHOLDER_NOT_ALLOWED"
    body = {"codes": [placeholder], "subject_kind": "individual_business"}
    (allowed,) = _post(client, body).json()["results"]
    assert allowed["valid"] is True and allowed["parts"]["placeholder"] is True


def test_personal_id_is_masked_in_the_answer(client: Client) -> None:
    number = resident_id_for(date(1990, 1, 2))
    response = _post(client, {"codes": [number], "scheme": "resident_id"})
    (result,) = response.json()["results"]
    assert result["valid"] is True
    assert number not in response.content.decode()
    assert result["normalized"] == number[:6] + "********" + number[-4:]


def test_malformed_request_is_a_problem(client: Client) -> None:
    response = _post(client, {"codes": []})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "REQUEST_INVALID"


def test_openapi_is_served_unescaped(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "\\u" not in text and "代码校验" in text
    assert "/api/v1/identifiers/validate" in response.json()["paths"]


def test_cli_one_line_per_code_and_exit_status() -> None:
    good, good2 = uscc_for(), uscc_for("N", "2")
    out = StringIO()
    call_command("identifiers", "validate", good, good2, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [[good, "VALID"], [good2, "VALID"]]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("identifiers", "validate", good, bad, stdout=out)
    assert exc.value.code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].split("\t")[1:4] == ["INVALID", "uscc", "USCC_BAD_CHECK"]
