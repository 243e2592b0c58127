"""Coded errors of the security domain (stable codes; the API maps them to problems)."""

from __future__ import annotations

import math
from typing import Any

from xinyong.errors import CodedError, Conflict, PermissionDenied


class TokenRejected(CodedError):
    """An API token that does not authenticate. 401; the code says why (the reason is only
    given once the secret matched, so a guesser learns nothing)."""

    status = 401
    code = "TOKEN_INVALID"
    headers = {"WWW-Authenticate": 'Bearer realm="xinyong"'}


class TokenInvalid(TokenRejected):
    code = "TOKEN_INVALID"


class TokenExpired(TokenRejected):
    code = "TOKEN_EXPIRED"


class TokenRevoked(TokenRejected):
    code = "TOKEN_REVOKED"


class ScopeMissing(PermissionDenied):
    code = "TOKEN_SCOPE_MISSING"


class DepartmentMismatch(PermissionDenied):
    code = "DEPARTMENT_MISMATCH"


class TokenNotActive(Conflict):
    """Rotating or revoking a token that is already revoked, expired or rotated."""

    code = "TOKEN_NOT_ACTIVE"


class TokenLifetimeInvalid(CodedError):
    status = 422
    code = "TOKEN_LIFETIME_INVALID"


class TokenScopeUnknown(CodedError):
    status = 422
    code = "TOKEN_SCOPE_UNKNOWN"


class ReasonRequired(CodedError):
    status = 422
    code = "REASON_REQUIRED"


class RateLimited(CodedError):
    """Too many requests or failed attempts: 429 with ``Retry-After`` (RFC 9110 §10.2.3)."""

    status = 429
    code = "RATE_LIMITED"

    def __init__(self, retry_after: float, **details: Any) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        minutes = math.ceil(self.retry_after / 60)
        wait_zh = f"{self.retry_after} 秒" if self.retry_after < 120 else f"{minutes} 分钟"
        wait_en = f"{self.retry_after} s" if self.retry_after < 120 else f"{minutes} min"
        super().__init__(
            message_zh=f"请求过于频繁，请于 {wait_zh}后重试。",
            message_en=f"Too many requests; try again in {wait_en}.",
            retry_after=self.retry_after,
            **details,
        )
        self.headers = {"Retry-After": str(self.retry_after)}


class TotpCodeInvalid(CodedError):
    """A wrong, expired or already used authenticator code (one message for all three, so
    that a guesser learns nothing; the code of a reuse is TOTP_CODE_REUSED for the log)."""

    status = 400
    code = "TOTP_CODE_INVALID"


class TotpAlreadyEnrolled(Conflict):
    code = "TOTP_ALREADY_ENROLLED"


class TotpNotEnrolled(CodedError):
    status = 409
    code = "TOTP_NOT_ENROLLED"


class PurposeRequired(CodedError):
    """A read of non-public data without a stated purpose (seed 000 §3(1): 查询使用登记)."""

    status = 422
    code = "ACCESS_PURPOSE_REQUIRED"


class NoIdNumber(CodedError):
    status = 409
    code = "SUBJECT_HAS_NO_ID_NUMBER"


class ConsentInvalid(CodedError):
    """A consent that cannot be recorded: no end date, longer than the policy maximum
    (no lifetime consent), an empty purpose or scope."""

    status = 422
    code = "CONSENT_INVALID"


class AccessBasisMissing(PermissionDenied):
    """A read of a person's non-public data without a valid consent or a legal basis."""

    code = "ACCESS_BASIS_MISSING"


class BackupFailed(CodedError):
    """A backup or restore that could not be done; nothing was overwritten. The code says
    why: ``BACKUP_DESTINATION_EXISTS``, ``BACKUP_ENGINE_UNSUPPORTED``, ``BACKUP_TOOL_FAILED``,
    ``RESTORE_SOURCE_INVALID``, ``RESTORE_TARGET_NOT_EMPTY``."""

    status = 409
    code = "BACKUP_FAILED"


class RestoreNotVerified(CodedError):
    """The restored database does not pass the audit verification (its chain or its query
    register was altered, or events are missing): do not use it."""

    status = 409
    code = "RESTORE_NOT_VERIFIED"


class RequestHasNulByte(CodedError):
    """A NUL character (U+0000) in the URL or the query string: no text the platform keeps
    may contain one (PostgreSQL text cannot), so the request is refused before any view."""

    status = 400
    code = "REQUEST_NUL_BYTE"

    def __init__(self) -> None:
        super().__init__(
            message_zh="请求地址或查询参数中含有空字符（U+0000），请删除后重试。",
            message_en="The address or a query parameter contains a NUL character (U+0000); "
            "remove it and try again.",
        )
