"""Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226) for the staff second factor.

Implemented here from the RFCs rather than taken from a package: the algorithm is twenty
lines of ``hmac``, the RFC's own test vectors pin it (``tests/test_totp.py``), and it keeps a
dependency off the log-in path (docs/decisions/0010-totp.md). Parameters are the ones every
authenticator app accepts: SHA-1, 6 digits, 30-second steps, a 160-bit secret in base32.

Replay protection is the caller's: a code is accepted only for a time step later than the
last step accepted for the same device (RFC 6238 §5.2), see ``actions.twofactor``.
"""

from __future__ import annotations

import base64
import hmac
import os
import struct
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
#: Steps either side of the current one that are accepted, for clock drift (RFC 6238 §5.2
#: recommends at most one).
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 §4 recommends for HMAC-SHA-1


def new_secret() -> str:
    """A random secret in base32 without padding (what authenticator apps take)."""
    return base64.b32encode(os.urandom(SECRET_BYTES)).decode().rstrip("=")


def secret_bytes(secret: str) -> bytes:
    clean = secret.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC over the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def time_step(unix_time: float, *, step: int = STEP_SECONDS) -> int:
    """RFC 6238 §4.2: T = floor((time - T0) / X), with T0 = 0."""
    return int(unix_time // step)


def totp(
    key: bytes,
    unix_time: float,
    *,
    digits: int = DIGITS,
    digest: str = "sha1",
    step: int = STEP_SECONDS,
) -> str:
    return hotp(key, time_step(unix_time, step=step), digits=digits, digest=digest)


def matching_step(
    secret: str, code: str, unix_time: float, *, drift: int = DRIFT_STEPS
) -> int | None:
    """The time step (now ± ``drift``) whose code is ``code``, or None.

    Every candidate is compared in constant time and all are tried, so the time taken does
    not tell which step matched.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = time_step(unix_time)
    found = None
    for candidate in range(now - drift, now + drift + 1):
        if hmac.compare_digest(hotp(key, candidate), code) and found is None:
            found = candidate
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI that authenticator apps read from a QR code (Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


__all__ = [
    "hotp",
    "matching_step",
    "new_secret",
    "provisioning_uri",
    "time_step",
    "totp",
]
