"""The format of API token secrets, and the only form in which they are stored.

A token reads ``xy_<prefix>_<secret>``: ``xy`` says whose token it is (secret scanners can
match it), ``prefix`` (10 characters, 50 random bits, stored in clear and unique) finds the
row, and ``secret`` (52 characters, 256 random bits) proves possession. Both parts use the
lowercase base32 alphabet, so a token is one "word" to copy and never needs URL escaping.

Only ``HMAC-SHA256(token key, full token)`` is stored. The secret has 256 bits of entropy, so
a fast hash is enough (no password hashing needed); the key, derived from
``XINYONG_HASH_KEY``, means a stolen database alone cannot even confirm a leaked token.
Comparison is constant-time (``hmac.compare_digest``). Decision: docs/security.md#api-tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from django.conf import settings

TOKEN_MARK = "xy"  # noqa: S105 (a marker, not a secret)
PREFIX_BYTES = 6  # 48 bits → 10 base32 characters (the last one carries 2 padding bits)
SECRET_BYTES = 32  # 256 bits → 52 base32 characters
_FORMAT = re.compile(r"^xy_([a-z2-7]{10})_([a-z2-7]{52})$")


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=").lower()


@dataclass(frozen=True)
class NewToken:
    """A freshly made token: ``value`` is shown once; ``prefix`` and ``digest`` are stored."""

    value: str
    prefix: str
    digest: str


def _key() -> bytes:
    # Domain-separated from the identifier look-up hash that uses the same secret key.
    return hmac.new(
        settings.LOOKUP_HASH_KEY.encode(), b"xinyong api token v1", hashlib.sha256
    ).digest()


def token_digest(value: str) -> str:
    """The stored form of a token: hex HMAC-SHA256 under the token key."""
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def make_token() -> NewToken:
    prefix = _b32(os.urandom(PREFIX_BYTES))
    value = f"{TOKEN_MARK}_{prefix}_{_b32(os.urandom(SECRET_BYTES))}"
    return NewToken(value=value, prefix=prefix, digest=token_digest(value))


def parse_prefix(value: str) -> str | None:
    """The prefix of a well-formed token, or None (then no database query is made)."""
    match = _FORMAT.match(value.strip())
    return match.group(1) if match else None


def digest_matches(value: str, stored_digest: str) -> bool:
    return hmac.compare_digest(token_digest(value.strip()), stored_digest)
