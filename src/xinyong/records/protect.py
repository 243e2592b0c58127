"""Sealing personal ID numbers inside records and batch rows.

Why this exists: a penalty on a natural person carries the person's ID number
(``CF_XDR_ZJHM``) and a legal person's record its representative's (``CF_FR_ZJHM``). Subjects
already keep such numbers encrypted, hashed and masked (docs/decisions/0006); records and
rejected rows must not undo that by keeping them in clear JSON. So the values a record or a
rejected row shows hold the *masked* number, and the clear ones are kept in one Fernet
token (``xinyong.core.crypto``) that only the code that must give them back (the rejected
rows spreadsheet) opens. Content digests are keyed HMACs (``crypto.lookup_hash``), so a
digest cannot be used to guess a number either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings

from xinyong.core import crypto, identifiers

#: Field-code suffixes of the national standard whose values are personal ID numbers
#: (XK_/CF_ ``XDR_ZJHM`` the person's, ``FR_ZJHM`` the legal representative's; RULES §1).
PERSONAL_SUFFIXES = ("_ZJHM",)

_SEAL_KEY = "$sealed"


def is_personal(code: str) -> bool:
    return code.upper().endswith(PERSONAL_SUFFIXES)


def mask(value: object) -> str:
    """A personal number masked for display (resident ID rule, first 6 and last 4)."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    return identifiers.mask_identifier(text, identifiers.IdentifierScheme.RESIDENT_ID)


def _split(
    values: Mapping[str, Any], personal: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    shown: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for code, value in values.items():
        if code in personal and value not in (None, ""):
            secret[code] = value
            shown[code] = mask(value)
        else:
            shown[code] = value
    return shown, secret


def seal_record(
    values: Mapping[str, Any], original: Mapping[str, Any], personal: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A record's normalised and received values with the ``personal`` fields masked, and
    one token holding their clear values ("" when there are none)."""
    shown_values, secret_values = _split(values, personal)
    shown_original, secret_original = _split(original, personal)
    if not secret_values and not secret_original:
        return shown_values, shown_original, ""
    secret = {"values": secret_values, "original": secret_original}
    token = crypto.encrypt(json.dumps(secret, ensure_ascii=False))
    return shown_values, shown_original, token


def unseal_record(
    values: Mapping[str, Any], original: Mapping[str, Any], token: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clear values back from :func:`seal_record`."""
    clear_values, clear_original = dict(values), dict(original)
    if token:
        secret = json.loads(crypto.decrypt(token))
        clear_values.update(secret.get("values", {}))
        clear_original.update(secret.get("original", {}))
    return clear_values, clear_original


def seal_cells(cells: list[Any], personal_columns: frozenset[int]) -> list[Any]:
    """A row's cells (aligned with the header) with personal columns masked, and the clear
    values appended as ``{"$sealed": token}`` when there are any."""
    shown: list[Any] = []
    secret: dict[str, Any] = {}
    for index, value in enumerate(cells):
        if index in personal_columns and value not in (None, ""):
            secret[str(index)] = value
            shown.append(mask(value))
        else:
            shown.append(value)
    if secret:
        shown.append({_SEAL_KEY: crypto.encrypt(json.dumps(secret, ensure_ascii=False))})
    return shown


def unseal_cells(cells: list[Any]) -> list[Any]:
    """The clear cells back from :func:`seal_cells`."""
    if cells and isinstance(cells[-1], dict) and _SEAL_KEY in cells[-1]:
        clear = list(cells[:-1])
        secret = json.loads(crypto.decrypt(cells[-1][_SEAL_KEY]))
        for index, value in secret.items():
            clear[int(index)] = value
        return clear
    return list(cells)


def shown_cells(cells: list[Any] | None) -> list[Any]:
    """The cells as displayed (masked), without the sealed part."""
    if not cells:
        return []
    if isinstance(cells[-1], dict) and _SEAL_KEY in cells[-1]:
        return list(cells[:-1])
    return list(cells)


def canonical_json(values: Mapping[str, Any]) -> str:
    """The one JSON text of a mapping: sorted keys, no spaces, Chinese as itself."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(canonical: str) -> str:
    """Keyed digest of a record's canonical normalised values (re-send detection)."""
    return crypto.lookup_hash("record", canonical)


def content_digest(values: Mapping[str, Any]) -> str:
    """Keyed digest of a record's normalised values (re-send detection)."""
    return digest_of(canonical_json(values))


def record_digester() -> Callable[[str], str]:
    """:func:`digest_of` for many rows: the keyed hash's key is prepared once and its state
    copied per row. Gives exactly ``crypto.lookup_hash("record", canonical)``
    (``tests/test_memo.py`` checks it)."""
    base = hmac.new(settings.LOOKUP_HASH_KEY.encode(), b"record:", hashlib.sha256)

    def digest(canonical: str) -> str:
        keyed = base.copy()
        keyed.update(canonical.encode())
        return keyed.hexdigest()

    return digest
