"""Protection of personal identifiers at rest: encryption, keyed look-up hash, masking.

ID numbers of natural persons are stored encrypted (Fernet, AES-128-CBC + HMAC; keys from
``XINYONG_FIELD_KEYS``, newest first so that old ciphertexts stay readable during rotation),
found through an HMAC-SHA256 keyed hash (``XINYONG_HASH_KEY``), and shown masked everywhere
unless a role with a recorded purpose unmasks them (seeds 000, 001; 个人信息保护法 art. 51).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _current().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (used by the key-rotation command)."""
    return _current().rotate(token.encode()).decode()


def lookup_hash(kind: str, normalized_value: str) -> str:
    """Keyed hash for equality look-up; ``kind`` separates identifier types."""
    key = settings.LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{normalized_value}".encode(), hashlib.sha256).hexdigest()
