"""Signed receipts of checks: what they contain, how they are signed and verified.

A receipt is a JSON document a department keeps with its file (财库〔2016〕125号: the query
evidence is kept with the procurement file) and can show to anyone later::

    {
      "type": "xinyong.check-receipt", "version": 1,
      "alg": "Ed25519", "key_id": "3f9c…",
      "payload": "<base64 of the signed bytes>",
      "signature": "<base64 of the Ed25519 signature of those bytes>",
      "receipt": { … the payload, decoded, for people to read … }
    }

The signature covers the **bytes** of ``payload`` (canonical JSON, UTF-8, keys sorted, no
blanks), so a verifier in any language checks it without re-serialising anything:
``base64 -d`` the payload, verify the signature with the published public key
(``GET /api/v1/checks/receipts/public-key``; ``openssl pkeyutl -verify -rawin``). The
readable ``receipt`` must equal the decoded payload, so changing what people read also fails.
One receipt covers a whole batch (docs/decisions/0031-check-receipts.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.serializers.json import DjangoJSONEncoder

from xinyong.checks import signing

RECEIPT_TYPE = "xinyong.check-receipt"
RECEIPT_VERSION = 1


def canonical(value: Any) -> bytes:
    """The signed form: JSON, keys sorted, no blanks, UTF-8 (RFC 8785 for the values a
    receipt holds: strings, integers, booleans, null — never floats)."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document(payload: bytes, *, signature: str, key_id: str) -> dict[str, Any]:
    """The receipt document handed to the department."""
    return {
        "type": RECEIPT_TYPE,
        "version": RECEIPT_VERSION,
        "alg": signing.ALGORITHM,
        "key_id": key_id,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signature": signature,
        "receipt": json.loads(payload),
    }


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a receipt document. ``code`` says why it failed."""

    valid: bool
    code: str
    message_zh: str
    message_en: str
    key_id: str = ""
    receipt: dict[str, Any] = field(default_factory=dict)
    payload_sha256: str = ""

    @property
    def receipt_id(self) -> str:
        return str(self.receipt.get("id", ""))

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "key_id": self.key_id,
            "receipt_id": self.receipt_id,
            "issued_at": self.receipt.get("issued_at", ""),
            "payload_sha256": self.payload_sha256,
        }


def _fail(code: str, zh: str, en: str, **kwargs: Any) -> Verification:
    return Verification(False, code, zh, en, **kwargs)


def parse_document(data: bytes | str | dict[str, Any]) -> dict[str, Any] | Verification:
    """The receipt document as a dict, or a failed verification saying why it is none."""
    if isinstance(data, dict):
        return data
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return _fail(
            "RECEIPT_MALFORMED", "回执不是有效的 JSON 文档。", "the receipt is not a JSON document."
        )
    if not isinstance(parsed, dict):
        return _fail(
            "RECEIPT_MALFORMED", "回执应为 JSON 对象。", "the receipt must be a JSON object."
        )
    return parsed


def verify_document(
    data: bytes | str | dict[str, Any],
    *,
    keys: dict[str, Ed25519PublicKey] | None = None,
) -> Verification:
    """Verify a receipt document with ``keys`` (key id → public key; default: the keys this
    platform publishes). Checks, in order: the form, the key, the signature over the payload
    bytes, the payload's type, and that the readable ``receipt`` equals the payload."""
    doc = parse_document(data)
    if isinstance(doc, Verification):
        return doc
    if keys is None:
        keys = {k.key_id: k.key for k in signing.public_keys()}
    missing = [k for k in ("payload", "signature", "key_id") if not isinstance(doc.get(k), str)]
    if missing:
        return _fail(
            "RECEIPT_MALFORMED",
            f"回执缺少字段：{', '.join(missing)}。",
            f"the receipt lacks: {', '.join(missing)}.",
        )
    if doc.get("alg", signing.ALGORITHM) != signing.ALGORITHM:
        return _fail(
            "RECEIPT_ALGORITHM_UNKNOWN",
            f"不支持的签名算法 {doc.get('alg')!r}。",
            f"unsupported signature algorithm {doc.get('alg')!r}.",
        )
    key_id = doc["key_id"]
    key = keys.get(key_id)
    if key is None:
        return _fail(
            "RECEIPT_KEY_UNKNOWN",
            f"签名密钥 {key_id} 不是本平台公布的密钥。",
            f"key {key_id} is not a key this platform publishes.",
            key_id=key_id,
        )
    try:
        payload = signing.unb64(doc["payload"])
        signature = signing.unb64(doc["signature"])
    except (ValueError, binascii.Error):
        return _fail(
            "RECEIPT_MALFORMED",
            "回执的 payload 或 signature 不是有效的 base64。",
            "the receipt's payload or signature is not valid base64.",
            key_id=key_id,
        )
    digest = sha256_hex(payload)
    if not signing.verify_signature(payload, signature, key):
        return _fail(
            "RECEIPT_SIGNATURE_INVALID",
            "签名验证失败：回执内容已被改动，或不是本平台签发的。",
            "the signature does not match: the receipt was changed or not issued by this platform.",
            key_id=key_id,
            payload_sha256=digest,
        )
    try:
        content = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        content = None
    if not isinstance(content, dict) or content.get("type") != RECEIPT_TYPE:
        return _fail(
            "RECEIPT_MALFORMED",
            "签名有效，但内容不是核查回执。",
            "the signature holds but the payload is not a check receipt.",
            key_id=key_id,
            payload_sha256=digest,
        )
    if "receipt" in doc and doc["receipt"] != content:
        return _fail(
            "RECEIPT_CONTENT_ALTERED",
            "回执中可读的 receipt 部分与已签名的内容不一致（已被改动）。",
            "the readable 'receipt' differs from the signed payload (it was changed).",
            key_id=key_id,
            receipt=content,
            payload_sha256=digest,
        )
    return Verification(
        True,
        "RECEIPT_VALID",
        "回执有效：签名与内容一致。",
        "the receipt is valid: the signature matches its content.",
        key_id=key_id,
        receipt=content,
        payload_sha256=digest,
    )
