"""Shared steps of the repair actions: query codes, the subject's identity, deadlines in
working days, notifications."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from xinyong.core import crypto, identifiers
from xinyong.core.models import Subject
from xinyong.errors import CodedError
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.repair.errors import refused
from xinyong.repair.models import Notification
from xinyong.workdays.queries import add_working_days_result

#: Query codes avoid letters and digits that are easy to confuse (0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def today_local() -> date:
    return timezone.localdate()


def new_query_code(model: Any, prefix: str) -> str:
    """A random code the subject uses to follow its case (``OB``/``RA`` + 10 characters:
    31^10 ≈ 8·10^14, not guessable; the look-up also needs the subject's identifier)."""
    while True:
        code = prefix + "".join(secrets.choice(_ALPHABET) for _ in range(10))
        if not model.objects.filter(query_code=code).exists():
            return code


def identifier_matches(subject: Subject, identifier: str) -> bool:
    """Whether ``identifier`` (a USCC, or a resident ID number) is the subject's own. The ID
    number is compared by its keyed hash, never stored or logged."""
    value = (identifier or "").strip().upper()
    if not value:
        return False
    scheme = identifiers.guess_scheme(value)
    result = identifiers.validate(value, scheme)
    if not result.valid:
        return False
    if scheme == identifiers.IdentifierScheme.USCC:
        return bool(subject.uscc) and subject.uscc == result.normalized
    if scheme == identifiers.IdentifierScheme.RESIDENT_ID:
        digest = crypto.lookup_hash("id01", result.normalized)
        return subject.id_type == "01" and subject.id_number_hash == digest
    return False


def check_subject_identifier(subject: Subject, identifier: str) -> None:
    """``REPAIR_NOT_YOUR_RECORD`` unless ``identifier`` is the subject's: only the subject
    (or its representative, who holds its code) may object or apply (issue 5, "Bad input")."""
    if not identifier_matches(subject, identifier):
        raise refused(
            "REPAIR_NOT_YOUR_RECORD",
            "所填统一社会信用代码或身份证号码与该信息的主体不一致：只有信用主体本人或其代理人"
            "可以提出异议或申请信用修复。",
            "The code or ID number given is not the one of the subject of this information: "
            "only the subject or its representative may object or apply for repair.",
        )


def require_text(value: str, *, name: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise refused(code, f"{name} 不能为空。", f"{name} is required.", field=name)
    return value


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    working_days: int | None
    provisional: bool


def working_deadline(key: str, *, start: date, fallback: int | None = None) -> Deadline:
    """``start`` + N working days, N from the jurisdiction setting ``key`` in force on
    ``start`` (else ``fallback``; no deadline when neither exists). A result that crossed a
    year whose holiday arrangement is not loaded is provisional (docs/decisions/0002)."""
    try:
        days: int | None = int(policy_setting(key, on=start).value)
    except CodedError:
        days = fallback
    if days is None:
        return Deadline(None, None, False)
    result = add_working_days_result(start, days)
    assert isinstance(result.value, date)
    return Deadline(result.value, days, result.provisional)


def notify(key: str, *, kind: str, recipient: str, message_zh: str, message_en: str,
           **links: Any) -> Notification | None:  # fmt: skip
    """Create the notification ``key`` once; ``None`` if it exists (idempotent)."""
    if Notification.objects.filter(key=key).exists():
        return None
    return Notification.objects.create(
        key=key,
        kind=kind,
        recipient=recipient,
        message_zh=message_zh,
        message_en=message_en,
        **links,
    )
