"""The key that signs check receipts (Ed25519), and the public keys that verify them.

Why Ed25519 and not an HMAC: a receipt must be verifiable by anyone — the department that
holds it, an auditor, a court — without a secret and without asking the platform. With a
public-key signature the platform publishes its public key
(``GET /api/v1/checks/receipts/public-key``) and keeps the private key to itself; an HMAC
would need the verifier to hold the very key that forges receipts
(docs/decisions/0031-check-receipts.md).

Key handling (docs/checks.md, "Keys"):

- ``XINYONG_CHECK_SIGNING_KEY``: the private key — the 32-byte Ed25519 seed in base64, or a
  PKCS#8 PEM. Required in production: the system check ``checks.E001`` fails every
  management command (``migrate`` included) without it, and signing refuses with
  ``CHECK_SIGNING_KEY_MISSING``. A demo or a test run makes one once under ``var/secrets/``
  (like the other local secrets), so receipts survive restarts.
- ``XINYONG_CHECK_RETIRED_PUBLIC_KEYS``: public keys (base64 of the 32 raw bytes, comma
  separated) of keys that signed receipts before a rotation. They are still published and
  still verify old receipts; they sign nothing.
- A key is named by its ``key_id``: the first 16 hex digits of the SHA-256 of its 32 raw
  public-key bytes. Every receipt names the key that signed it.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from xinyong.checks.errors import SigningKeyMissing

ALGORITHM = "Ed25519"
ENV_KEY = "XINYONG_CHECK_SIGNING_KEY"
ENV_RETIRED = "XINYONG_CHECK_RETIRED_PUBLIC_KEYS"
LOCAL_KEY_FILE = "xinyong_check_signing_key"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional; ``ValueError`` when it is neither."""
    text = "".join(text.split())
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    key: Ed25519PublicKey
    current: bool

    @property
    def raw_b64(self) -> str:
        return b64(raw_public(self.key))

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """A private key from its base64 seed or a PKCS#8 PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    seed = unb64(text)
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes (base64 of the seed)")
    return Ed25519PrivateKey.from_private_bytes(seed)


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key from base64 of its 32 raw bytes or a SubjectPublicKeyInfo PEM."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    raw = unb64(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def new_private_key_text() -> str:
    """A fresh private key as the base64 of its seed (``xinyong checks keygen``)."""
    key = Ed25519PrivateKey.generate()
    return b64(
        key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    )


def _local_key_text() -> str:
    """The demo/test key, made once under ``var/secrets/`` (never in production); read once
    per process and path (a check signs with it on every request)."""
    if getattr(settings, "PRODUCTION", False):
        raise SigningKeyMissing(
            message_zh=f"生产环境须设置 {ENV_KEY}（核查回执签名私钥），见 docs/checks.md。",
            message_en=f"{ENV_KEY} (the receipt signing key) must be set in production; "
            "see docs/checks.md.",
        )
    return _local_key_in(str(settings.VAR_DIR))


@cache
def _local_key_in(var_dir: str) -> str:
    # Keyed by the directory's text: building and hashing a Path cost more than the check's
    # signature (a check signs on every request).
    path = Path(var_dir) / "secrets" / LOCAL_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(new_private_key_text())
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # first writer wins when two processes start together
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def _configured_text() -> str:
    return (
        getattr(settings, "XINYONG_CHECK_SIGNING_KEY", "")
        or os.environ.get(ENV_KEY, "")
        or _local_key_text()
    )


def _retired_text() -> str:
    return getattr(settings, "XINYONG_CHECK_RETIRED_PUBLIC_KEYS", "") or os.environ.get(
        ENV_RETIRED, ""
    )


@cache
def _signing_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    key = parse_private_key(text)
    return key_id_of(key.public_key()), key


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """(key id, private key) of the key that signs new receipts."""
    return _signing_key(_configured_text())


@cache
def _retired(text: str) -> tuple[Ed25519PublicKey, ...]:
    return tuple(parse_public_key(item) for item in text.split(",") if item.strip())


def public_keys() -> list[PublicKey]:
    """The current key first, then the retired ones."""
    current_id, private = signing_key()
    keys = [PublicKey(current_id, private.public_key(), True)]
    for key in _retired(_retired_text()):
        kid = key_id_of(key)
        if kid != current_id:
            keys.append(PublicKey(kid, key, False))
    return keys


def sign(payload: bytes) -> tuple[str, str]:
    """(key id, base64 signature) of ``payload`` under the current key."""
    kid, key = signing_key()
    return kid, b64(key.sign(payload))


def verify_signature(payload: bytes, signature: bytes, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        return False
    return True
