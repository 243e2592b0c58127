"""Coded errors of the checks domain (stable codes, never reused; listed in docs/checks.md)."""

from __future__ import annotations

from xinyong.errors import CodedError, NotFound


class CheckRefused(CodedError):
    """A check request the platform cannot answer as asked (``code`` names the rule)."""

    status = 422


class SubjectCodeInvalid(CheckRefused):
    """The subject's code is not a valid identifier: the check is refused, never "clear".
    ``details`` carry the identifier rule's own code (``USCC_BAD_CHECK`` …)."""

    code = "CHECK_SUBJECT_INVALID"


class MatterUnknown(CheckRefused):
    """The matter is named by no measure on a measure list in force on the day."""

    code = "CHECK_MATTER_UNKNOWN"


class BatchTooLarge(CheckRefused):
    status = 413
    code = "CHECK_BATCH_TOO_LARGE"


class BatchEmpty(CheckRefused):
    code = "CHECK_BATCH_EMPTY"


class ReceiptNotFound(NotFound):
    code = "CHECK_RECEIPT_NOT_FOUND"


class ReceiptMalformed(CheckRefused):
    """A receipt document that is not one (missing fields, bad base64, not JSON)."""

    code = "CHECK_RECEIPT_MALFORMED"


class SigningKeyMissing(CodedError):
    """Production without ``XINYONG_CHECK_SIGNING_KEY`` (docs/checks.md, "Receipts")."""

    status = 500
    code = "CHECK_SIGNING_KEY_MISSING"


class CheckNotFound(NotFound):
    code = "CHECK_NOT_FOUND"


class AsOfDateInFuture(CheckRefused):
    """An as-of question about a day that has not come yet: neither timeline knows it."""

    code = "CHECK_DATE_IN_FUTURE"
