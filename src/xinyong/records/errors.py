"""Coded errors of collection: refused submissions, missing batches and records, refused
withdrawals. Row-level problems are not exceptions but issues stored on the batch row (see
:mod:`xinyong.records.issues`)."""

from __future__ import annotations

from xinyong.errors import CodedError, Conflict, NotFound, PermissionDenied


class BatchNotFound(NotFound):
    code = "BATCH_NOT_FOUND"


class RecordNotFound(NotFound):
    code = "RECORD_NOT_FOUND"


class AuthenticationRequired(CodedError):
    status = 401
    code = "AUTHENTICATION_REQUIRED"


class ReportingNotAllowed(PermissionDenied):
    """The user holds no reporter role in the department (or names none they hold)."""

    code = "REPORTING_NOT_ALLOWED"


class DepartmentAmbiguous(CodedError):
    status = 422
    code = "DEPARTMENT_AMBIGUOUS"


class DepartmentUnknown(CodedError):
    status = 422
    code = "DEPARTMENT_UNKNOWN"


class ItemRequired(CodedError):
    """The catalog item of a file could not be inferred from its columns."""

    status = 422
    code = "CATALOG_ITEM_REQUIRED"


class IdempotencyKeyReused(Conflict):
    """The idempotency key was used before for a different submission."""

    code = "IDEMPOTENCY_KEY_REUSED"


class BatchTooLarge(CodedError):
    status = 413
    code = "BATCH_TOO_LARGE"


class BatchBusy(Conflict):
    """Another process is processing the batch (its committed row moved under us)."""

    code = "BATCH_BUSY"


class BatchNotResumable(Conflict):
    code = "BATCH_NOT_RESUMABLE"


class BatchFileError(CodedError):
    """The whole file (or the whole JSON submission) cannot be processed."""

    status = 422
    code = "BATCH_FILE_INVALID"


class RecordAlreadyWithdrawn(Conflict):
    code = "RECORD_ALREADY_WITHDRAWN"


class WithdrawalInvalid(CodedError):
    status = 422
    code = "WITHDRAWAL_INVALID"


class StatsQueryInvalid(CodedError):
    status = 422
    code = "STATS_QUERY_INVALID"
