"""Enumerations of objections and credit repair, labelled for people (zh-Hans through
translations)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy


class TargetKind(models.TextChoices):
    """What an objection is against: a credit record or a listing (名单)."""

    RECORD = "record", _("Credit record")
    LISTING = "listing", pgettext_lazy("repair", "Listing")


class ObjectionGround(models.TextChoices):
    """The grounds the credit portals offer (issue 5; 信用中国 异议申诉 categories)."""

    WRONG = "wrong", _("The information is wrong")
    MISSING = "missing", _("The information is incomplete")
    DUPLICATED = "duplicated", _("The information is duplicated")
    NOT_PUBLIC = "not_public", _("The information should not be public")
    BEYOND_PERIOD = "beyond_period", _("Published beyond its period")
    INCONSISTENT = "inconsistent", _("Inconsistent with the deciding authority's information")


class FiledBy(models.TextChoices):
    """Who filed an objection."""

    SUBJECT = "subject", _("The subject or its representative")
    DEPARTMENT = "department", _("A department")


class ObjectionStatus(models.TextChoices):
    """Where an objection is.

    ``pending``: with the department that owns the information (a record objection), or
    received on the portal and waiting to be entered in the listing procedure (a listing
    objection); ``in_listing_procedure``: entered as an objection of the listing procedure
    (xinyong.lists), answered there; ``decided``: answered, the outcome is final here.
    """

    PENDING = "pending", _("Pending")
    IN_LISTING_PROCEDURE = "in_listing_procedure", _("In the listing procedure")
    DECIDED = "decided", pgettext_lazy("repair objection", "Decided")


class ObjectionOutcome(models.TextChoices):
    """The answer to an objection (issue 5: corrected, revoked, or upheld with reasons).

    ``upheld`` means the *information* is upheld — the objection is rejected."""

    CORRECTED = "corrected", _("Information corrected")
    REVOKED = "revoked", _("Information revoked")
    UPHELD = "upheld", _("Information upheld (objection rejected)")


class ApplicationStatus(models.TextChoices):
    """Steps of a repair application (seed 000 二(三): initial review by the credit office in
    2 working days; 国办发〔2025〕22号: the sector authority decides in 3 working days)."""

    INITIAL_REVIEW = "initial_review", _("Initial review by the credit office")
    AUTHORITY_REVIEW = "authority_review", _("Decision of the sector authority")
    #: Only where the jurisdiction configures it (``repair.higher_review_working_days`` > 0;
    #: 国办发〔2025〕22号): the sector authority approved, the higher platform reviews.
    HIGHER_REVIEW = "higher_review", _("Review by the higher credit platform")
    APPROVED = "approved", _("Repaired")
    REFUSED = "refused", _("Refused")
    RETURNED = "returned", _("Returned: materials to be completed")


#: Application states in which the application is still open (a second one is a duplicate).
OPEN_APPLICATION_STATES = frozenset(
    {
        ApplicationStatus.INITIAL_REVIEW,
        ApplicationStatus.AUTHORITY_REVIEW,
        ApplicationStatus.HIGHER_REVIEW,
    }
)


class Recipient(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    DEPARTMENT = "department", _("Department")


class NotificationKind(models.TextChoices):
    """What a notification says (rows the portal and the console show; no e-mail is sent —
    docs/repair.md)."""

    OBJECTION_RECEIVED = "objection_received", _("Objection received")
    OBJECTION_DECIDED = "objection_decided", _("Objection decided")
    OBJECTION_OVERDUE = "objection_overdue", _("Objection answer overdue")
    AFFECTED_LISTING = "affected_listing", _("A listing rests on changed information")
    ELIGIBLE_SOON = "eligible_soon", _("Repair may be applied for soon")
    APPLICATION_RECEIVED = "application_received", _("Repair application received")
    APPLICATION_DECIDED = "application_decided", _("Repair application decided")
    APPLICATION_OVERDUE = "application_overdue", _("Repair application step overdue")
    LISTING_REMOVAL_NEEDED = "listing_removal_needed", _("Listing to be removed after repair")
    AFFECTED_CHECK = "affected_check", _("A check relied on a listing that changed")


class SyncDirection(models.TextChoices):
    OUTGOING = "out", _("Sent to connected platforms")
    INCOMING = "in", _("Received from another platform")


class SyncOutcome(models.TextChoices):
    EMITTED = "emitted", _("Emitted")
    APPLIED = "applied", _("Applied")
    ALREADY_REPAIRED = "already_repaired", _("Record already repaired or no longer published")
    UNMATCHED = "unmatched", _("No matching record here")


#: Materials a restructuring company adds to the regime's (issue 5: "a court order for a
#: restructuring company"; 国办发〔2025〕22号 on 破产重整企业: the court's ruling approving the
#: restructuring plan replaces proof of performance of the debts it covers).
COURT_ORDER_MATERIAL = {
    "code": "court-restructuring-order",
    "zh": "人民法院批准重整计划的裁定书",
    "en": "Court ruling approving the restructuring plan",
    "legal_source": "国办发〔2025〕22号（破产重整企业信用修复）",
}


#: The labels of this app's audit event types (7000–7999, declared in
#: ``xinyong.audit.events``), marked here so that their Chinese translations live in this
#: app's catalog (``locale/zh_Hans``) and the history on the console pages reads in Chinese.
AUDIT_EVENT_LABELS = (
    gettext_noop("Objection to credit information filed"),
    gettext_noop("Objection forwarded to the listing procedure"),
    gettext_noop("Objection decided"),
    gettext_noop("Objection answer overdue (alarm raised)"),
    gettext_noop("Repair application submitted"),
    gettext_noop("Repair application passed the initial review"),
    gettext_noop("Repair application returned at initial review"),
    gettext_noop("Repair application approved"),
    gettext_noop("Repair application refused"),
    gettext_noop("Repair application step overdue (alarm raised)"),
    gettext_noop("Repair approved by the sector authority, awaiting the higher platform's review"),
    gettext_noop("Subject told it may apply for repair"),
    gettext_noop("Record marked never repairable"),
    gettext_noop("Record repaired: publication stopped"),
    gettext_noop("Repair event from another platform applied"),
    gettext_noop("Repair event from another platform not applicable"),
)
