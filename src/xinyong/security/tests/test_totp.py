"""TOTP against the published test vectors of RFC 4226 (HOTP) and RFC 6238 (TOTP)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from xinyong.security import totp

RFC_SECRET_SHA1 = b"12345678901234567890"
RFC_SECRET_SHA256 = b"12345678901234567890123456789012"
RFC_SECRET_SHA512 = (b"1234567890" * 7)[:64]


def test_hotp_matches_rfc_4226_appendix_d() -> None:
    expected = [
        "755224", "287082", "359152", "969429", "338314",
        "254676", "287922", "162583", "399871", "520489",
    ]  # fmt: skip
    assert [totp.hotp(RFC_SECRET_SHA1, counter) for counter in range(10)] == expected


@pytest.mark.parametrize(
    ("unix_time", "sha1", "sha256", "sha512"),
    [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ],
)
def test_totp_matches_rfc_6238_appendix_b(
    unix_time: int, sha1: str, sha256: str, sha512: str
) -> None:
    assert totp.totp(RFC_SECRET_SHA1, unix_time, digits=8) == sha1
    assert totp.totp(RFC_SECRET_SHA256, unix_time, digits=8, digest="sha256") == sha256
    assert totp.totp(RFC_SECRET_SHA512, unix_time, digits=8, digest="sha512") == sha512


def test_matching_step_accepts_one_step_of_drift_and_no_more() -> None:
    secret = base64.b32encode(RFC_SECRET_SHA1).decode()
    now = 1_700_000_000.0
    step = totp.time_step(now)
    key = totp.secret_bytes(secret)
    for offset in (-1, 0, 1):
        code = totp.hotp(key, step + offset)
        assert totp.matching_step(secret, code, now) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(secret, totp.hotp(key, step + offset), now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None
    spaced = totp.hotp(key, step)
    assert totp.matching_step(secret, f"{spaced[:3]} {spaced[3:]}", now) == step


def test_new_secrets_are_160_bit_base32_and_differ() -> None:
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(totp.secret_bytes(first)) == 20
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_provisioning_uri_is_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="li wei", issuer="信用示范市")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    query = parse_qs(parsed.query)
    assert query["secret"] == ["JBSWY3DPEHPK3PXP"]
    assert query["issuer"] == ["信用示范市"]
    assert query["digits"] == ["6"] and query["period"] == ["30"]
    assert "%E4%BF%A1" in parsed.path  # the issuer label is percent-encoded UTF-8
