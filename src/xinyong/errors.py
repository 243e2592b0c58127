"""Coded errors: the one way domain code refuses something.

Every refusal carries a stable ``code`` (UPPER_SNAKE, never reused), a message in Chinese and
in English that a clerk can act on, the HTTP status the API layer maps it to, and optional
details (the field, the expected value). Domain packages raise these; the API turns them into
RFC 9457 problem responses, the CLI prints them, the admin shows them as form errors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import get_language


class CodedError(Exception):
    """A refusal with a stable code and a bilingual, actionable message."""

    status: ClassVar[int] = 400
    code: str = "ERROR"
    #: HTTP headers the API adds to the problem response (``Retry-After``, ``WWW-Authenticate``).
    headers: dict[str, str] = {}

    def __init__(
        self,
        code: str | None = None,
        message_zh: str = "",
        message_en: str = "",
        *,
        status: int | None = None,
        **details: Any,
    ) -> None:
        if code is not None:
            self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        if status is not None:
            # ``status`` is the HTTP status; a detail about an object's status needs another
            # name (``current_status=…``), or the error would crash the response.
            if not isinstance(status, int):
                raise TypeError(f"{self.code}: status must be an HTTP status code, not {status!r}")
            self.status = status  # type: ignore[misc]
        self.details = details
        super().__init__(f"{self.code}: {message_zh} / {message_en}")

    @property
    def message(self) -> str:
        """The message in the active language (Chinese unless English is active)."""
        lang = get_language() or "zh-hans"
        return self.message_en if lang.startswith("en") else self.message_zh

    def as_problem(self) -> dict[str, Any]:
        """RFC 9457 problem details, with our stable code and both languages."""
        return {
            "type": f"https://xinyong.invalid/problems/{self.code.lower().replace('_', '-')}",
            "title": self.code,
            "status": self.status,
            "code": self.code,
            "detail": self.message,
            "detail_zh": self.message_zh,
            "detail_en": self.message_en,
            **({"details": self.details} if self.details else {}),
        }


class NotFound(CodedError):
    status = 404
    code = "NOT_FOUND"


class PermissionDenied(CodedError):
    status = 403
    code = "PERMISSION_DENIED"


class Conflict(CodedError):
    status = 409
    code = "CONFLICT"
