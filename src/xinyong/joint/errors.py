"""Coded errors of joint action (stable codes, never reused; listed in docs/joint-action.md)."""

from __future__ import annotations

from xinyong.errors import CodedError, Conflict, NotFound


class InboxItemNotFound(NotFound):
    """No inbox item with that id for the caller's departments (404, not 403: the caller is
    not told that another department's item exists)."""

    code = "JOINT_ITEM_NOT_FOUND"


class FeedbackReasonRequired(CodedError):
    """ "Not applicable" and "failed" need the reason (issue 4 §5)."""

    status = 422
    code = "JOINT_FEEDBACK_REASON_REQUIRED"


class FeedbackOutcomeUnknown(CodedError):
    status = 422
    code = "JOINT_FEEDBACK_OUTCOME_UNKNOWN"


class FeedbackDateInvalid(CodedError):
    status = 422
    code = "JOINT_FEEDBACK_DATE_INVALID"


class WebhookUrlInvalid(CodedError):
    """Not an absolute https URL (http only to a loopback address, or when the deployment
    allows it: ``XINYONG["WEBHOOK_ALLOW_HTTP"]``)."""

    status = 422
    code = "WEBHOOK_URL_INVALID"


class WebhookEndpointNotFound(NotFound):
    code = "WEBHOOK_ENDPOINT_NOT_FOUND"


class WebhookDeliveryNotFound(NotFound):
    code = "WEBHOOK_DELIVERY_NOT_FOUND"


class WebhookDeliveryNotDead(Conflict):
    """Only a dead-lettered delivery can be sent again by hand."""

    code = "WEBHOOK_DELIVERY_NOT_DEAD"


class WatchSubjectUnknown(CodedError):
    """The code is valid but no subject with it is known to the platform."""

    status = 404
    code = "WATCH_SUBJECT_UNKNOWN"


class WatchSubjectCodeInvalid(CodedError):
    """Not a valid unified social credit code or resident ID number (the check digit says
    so): the caller is told, never answered as if nothing were wrong."""

    status = 422
    code = "WATCH_SUBJECT_CODE_INVALID"


class WatchMatterUnknown(CodedError):
    status = 422
    code = "WATCH_MATTER_UNKNOWN"


class WatchReferenceRequired(CodedError):
    status = 422
    code = "WATCH_REFERENCE_REQUIRED"


class WatchDuplicate(Conflict):
    """The department already watches this grant (same subject, matter and reference)."""

    code = "WATCH_DUPLICATE"


class WatchNotFound(NotFound):
    code = "WATCH_NOT_FOUND"


class RatesForbidden(CodedError):
    """Feedback rates are the credit office's view (seed 002 (二十五): 跟踪、监测、统计、评估)."""

    status = 403
    code = "PERMISSION_DENIED"


class WebhookEndpointDisabled(Conflict):
    """The endpoint was disabled: register or re-enable a working one before redelivering."""

    code = "WEBHOOK_ENDPOINT_DISABLED"
