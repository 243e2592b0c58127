"""Re-encrypting stored secrets under the newest field key (``xinyong keys rotate``).

``XINYONG_FIELD_KEYS`` lists Fernet keys newest first: values are written with the first and
read with any. To retire a key (a suspected leak, a yearly rotation), an operator puts a new
key first, runs ``xinyong keys rotate``, then removes the old key. This action re-encrypts
every encrypted column (``Subject.id_number_encrypted``, ``TotpDevice.secret_encrypted``)
with ``crypto.rotate`` (decrypt with any key, encrypt with the newest), in chunks, in one
transaction, with one audit event holding the counts (个人信息保护法 art. 51 (三)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models, transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core import crypto
from xinyong.core.models import Subject, User
from xinyong.security.models import TotpDevice

CHUNK = 500

#: (model, column) of every value encrypted with ``xinyong.core.crypto``.
ENCRYPTED_COLUMNS: list[tuple[type[models.Model], str]] = [
    (Subject, "id_number_encrypted"),
    (TotpDevice, "secret_encrypted"),
]


@dataclass(frozen=True)
class KeyStatus:
    column: str
    total: int
    under_newest_key: int


def key_status() -> list[KeyStatus]:
    """How many stored values each column has, and how many the newest key alone reads."""
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    result = []
    for model, column in ENCRYPTED_COLUMNS:
        total = current = 0
        values = model._default_manager.exclude(**{column: ""}).values_list(column, flat=True)
        for value in values.iterator(chunk_size=2000):
            total += 1
            try:
                newest.decrypt(value.encode())
            except InvalidToken:
                continue
            current += 1
        result.append(KeyStatus(f"{model._meta.label}.{column}", total, current))
    return result


@transaction.atomic
def do_rotate_field_keys(*, acting_user: User | None, actor_label: str = "") -> dict[str, int]:
    """Re-encrypt every encrypted value under the newest key; returns counts per column."""
    counts: dict[str, int] = {}
    for model, column in ENCRYPTED_COLUMNS:
        manager: Any = model._default_manager
        ids = list(manager.exclude(**{column: ""}).order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), CHUNK):
            rows = list(manager.select_for_update().filter(pk__in=ids[start : start + CHUNK]))
            for row in rows:
                setattr(row, column, crypto.rotate(getattr(row, column)))
            manager.bulk_update(rows, [column])
            done += len(rows)
        counts[f"{model._meta.label}.{column}"] = done
    record_event(
        EventType.FIELD_KEYS_ROTATED,
        acting_user=acting_user,
        actor_label=actor_label,
        object_type="core.crypto",
        after={"counts": counts, "keys_listed": len(settings.FIELD_ENCRYPTION_KEYS)},
    )
    return counts
