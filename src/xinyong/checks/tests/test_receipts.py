"""Signed receipts: they verify (API and command, online and offline), and any change to a
receipt — its readable part, its payload, its signature, the stored copy — fails."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xinyong.checks import signing
from xinyong.checks.models import Check
from xinyong.checks.receipts import verify_document
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.models import Subject
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.security.actions.tokens import IssuedToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(
    client: Client,
    checkers: Checkers,
    company: Subject,
    case_in: Callable[..., ListingCase],
    token: Callable[..., IssuedToken],
) -> dict[str, Any]:
    case_in(CaseState.LISTED)
    value = token("check").value
    response = client.get(
        "/api/v1/checks",
        {"subject": str(company.uscc), "matter": "government_procurement", "purpose": "资格审查"},
        headers={"Authorization": f"Bearer {value}"},
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _post(client: Client, receipt_id: str, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/checks/receipts/{receipt_id}/verify",
        data=json.dumps(document, ensure_ascii=False),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()
    return result


def test_receipt_verifies_by_id_and_when_posted(client: Client, issued: dict[str, Any]) -> None:
    receipt_id = issued["receipt_id"]
    document = issued["receipt"]
    assert document["receipt"]["id"] == receipt_id
    assert document["receipt"]["answers"][0]["answer"] == "restricted"
    stored = client.get(f"/api/v1/checks/receipts/{receipt_id}/verify").json()
    assert stored["valid"] and stored["code"] == "RECEIPT_VALID"
    assert stored["on_record"] is True and stored["register_intact"] is True
    posted = _post(client, receipt_id, document)
    assert posted["valid"] and posted["on_record"] is True
    assert posted["key_id"] == signing.public_keys()[0].key_id


def _reencoded(
    document: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    payload = json.loads(base64.b64decode(document["payload"]))
    change(payload)
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {
        **document,
        "payload": base64.b64encode(data.encode()).decode(),
        "receipt": payload,
    }


def _set_answer(receipt: dict[str, Any]) -> None:
    receipt["answers"][0]["answer"] = "clear"


def test_changed_receipts_fail(client: Client, issued: dict[str, Any]) -> None:
    receipt_id, document = issued["receipt_id"], issued["receipt"]
    readable = json.loads(json.dumps(document))
    _set_answer(readable["receipt"])
    assert _post(client, receipt_id, readable)["code"] == "RECEIPT_CONTENT_ALTERED"
    resigned = _reencoded(document, _set_answer)
    result = _post(client, receipt_id, resigned)
    assert (result["valid"], result["code"]) == (False, "RECEIPT_SIGNATURE_INVALID")
    signature = base64.b64decode(document["signature"])
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    bad = {**document, "signature": base64.b64encode(flipped).decode()}
    assert _post(client, receipt_id, bad)["code"] == "RECEIPT_SIGNATURE_INVALID"
    assert _post(client, receipt_id, {**document, "key_id": "0" * 16})["code"] == (
        "RECEIPT_KEY_UNKNOWN"
    )
    assert _post(client, receipt_id, {"payload": 1})["code"] == "RECEIPT_MALFORMED"
    other = "00000000-0000-4000-8000-000000000000"
    assert _post(client, other, document)["code"] == "RECEIPT_ID_MISMATCH"
    response = client.post(
        f"/api/v1/checks/receipts/{receipt_id}/verify", data="[]", content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "CHECK_RECEIPT_MALFORMED"


def test_a_receipt_changed_in_the_database_fails(client: Client, issued: dict[str, Any]) -> None:
    receipt_id = issued["receipt_id"]
    check = Check.objects.get(public_id=receipt_id)
    # Bypass the append-only guard as an intruder with database access would.
    Check.objects.filter(pk=check.pk).update(
        receipt_payload=check.receipt_payload.replace('"restricted"', '"clear"')
    )
    result = client.get(f"/api/v1/checks/receipts/{receipt_id}/verify").json()
    assert (result["valid"], result["code"]) == (False, "RECEIPT_SIGNATURE_INVALID")
    assert result["on_record"] is False


def test_unknown_receipt_id_is_404(client: Client, db: None) -> None:
    response = client.get("/api/v1/checks/receipts/00000000-0000-4000-8000-000000000000/verify")
    assert response.status_code == 404
    assert response.json()["code"] == "CHECK_RECEIPT_NOT_FOUND"


def test_the_checking_department_downloads_its_receipt(
    client: Client, issued: dict[str, Any], token: Callable[..., IssuedToken], checkers: Checkers
) -> None:
    receipt_id = issued["receipt_id"]
    own = token("check").value
    response = client.get(
        f"/api/v1/checks/receipts/{receipt_id}", headers={"Authorization": f"Bearer {own}"}
    )
    assert response.status_code == 200
    assert response.json() == issued["receipt"]
    foreign = token("check", department=checkers.other).value
    response = client.get(
        f"/api/v1/checks/receipts/{receipt_id}", headers={"Authorization": f"Bearer {foreign}"}
    )
    assert response.status_code == 404


def test_public_key_endpoint_verifies_offline(client: Client, issued: dict[str, Any]) -> None:
    [key] = client.get("/api/v1/checks/receipts/public-key").json()
    assert key["current"] and key["algorithm"] == "Ed25519"
    public = signing.parse_public_key(key["public_key"])
    assert signing.parse_public_key(key["public_key_pem"]).public_bytes_raw() == (
        public.public_bytes_raw()
    )
    document = issued["receipt"]
    assert verify_document(document, keys={key["key_id"]: public}).valid
    payload = base64.b64decode(document["payload"])
    assert signing.verify_signature(payload, base64.b64decode(document["signature"]), public)


def test_command_verifies_and_fails_changed_receipts(
    issued: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps(issued["receipt"], ensure_ascii=False), encoding="utf-8")
    call_command("checks", "verify", str(good))
    out = capsys.readouterr().out
    assert "RECEIPT_VALID" in out and "on record" in out
    changed = json.loads(good.read_text(encoding="utf-8"))
    _set_answer(changed["receipt"])
    bad = tmp_path / "changed.json"
    bad.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("checks", "verify", str(bad))
    assert exited.value.code == 1
    assert "RECEIPT_CONTENT_ALTERED" in capsys.readouterr().err
    resigned = tmp_path / "resigned.json"
    resigned.write_text(json.dumps(_reencoded(issued["receipt"], _set_answer)), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("checks", "verify", str(resigned))
    assert "RECEIPT_SIGNATURE_INVALID" in capsys.readouterr().err


def test_command_verifies_offline_with_a_public_key_file(
    issued: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = tmp_path / "receipt.json"
    receipt.write_text(json.dumps(issued["receipt"]), encoding="utf-8")
    call_command("checks", "public-key")
    key_line = capsys.readouterr().out.split()
    key_file = tmp_path / "key.txt"
    key_file.write_text(key_line[3])
    call_command("checks", "verify", str(receipt), "--public-key", str(key_file))
    assert "RECEIPT_VALID" in capsys.readouterr().out
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(
        signing.PublicKey(
            "x", signing.parse_private_key(signing.new_private_key_text()).public_key(), True
        ).pem
    )
    with pytest.raises(SystemExit):
        call_command("checks", "verify", str(receipt), "--public-key", str(stranger))
    assert "RECEIPT_KEY_UNKNOWN" in capsys.readouterr().err


def test_rotated_key_still_verifies_old_receipts_when_retired(
    issued: dict[str, Any], settings: Any
) -> None:
    old = signing.public_keys()[0]
    settings.XINYONG_CHECK_SIGNING_KEY = signing.new_private_key_text()
    assert not verify_document(issued["receipt"]).valid  # old key no longer published
    assert verify_document(issued["receipt"]).code == "RECEIPT_KEY_UNKNOWN"
    settings.XINYONG_CHECK_RETIRED_PUBLIC_KEYS = old.raw_b64
    keys = signing.public_keys()
    assert [k.current for k in keys] == [True, False]
    assert verify_document(issued["receipt"]).valid


def test_keygen_makes_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("checks", "keygen")
    text = capsys.readouterr().out.strip()
    key = signing.parse_private_key(text)
    assert signing.verify_signature(b"x", key.sign(b"x"), key.public_key())


def test_receipt_download_needs_the_check_scope(
    client: Client, issued: dict[str, Any], token: Callable[..., IssuedToken], checkers: Checkers
) -> None:
    url = f"/api/v1/checks/receipts/{issued['receipt_id']}"
    assert client.get(url).status_code == 401
    reporter = token("report").value
    response = client.get(url, headers={"Authorization": f"Bearer {reporter}"})
    assert response.status_code == 403 and response.json()["code"] == "TOKEN_SCOPE_MISSING"
    client.force_login(checkers.checker)
    assert client.get(url).json() == issued["receipt"]
