"""Enumerations of collection (归集), labelled for people (zh-Hans through translations)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a batch reached the platform. All three go through the same engine."""

    API = "api", _("Batch API")
    UPLOAD = "upload", _("File upload in the console")
    CLI = "cli", _("Command line import")


class BatchStatus(models.TextChoices):
    """Where a batch is in its processing.

    ``failed`` means the *file* failed as a whole (unreadable, wrong encoding, missing
    columns …): chunks committed before the failure stay accepted, and a batch that stopped
    (a crash, a kill) without failing is resumed from its last committed row.
    """

    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RowOutcome(models.TextChoices):
    """What happened to one row of a batch.

    ``accepted`` and ``warning`` created a record; ``corrected`` changed an existing record
    (a changed re-send); ``unchanged`` was a re-send of a record already held as it is;
    ``rejected`` created nothing and lists field-level errors.
    """

    ACCEPTED = "accepted", _("Accepted")
    WARNING = "warning", _("Accepted with warnings")
    REJECTED = "rejected", _("Rejected")
    UNCHANGED = "unchanged", _("Unchanged re-send")
    CORRECTED = "corrected", _("Correction")


#: Outcomes whose row is held by a record (everything but a rejection).
ACCEPTED_OUTCOMES = frozenset(
    {RowOutcome.ACCEPTED, RowOutcome.WARNING, RowOutcome.UNCHANGED, RowOutcome.CORRECTED}
)


class RecordStatus(models.TextChoices):
    """Whether a record is published. A correction keeps ``active`` and bumps the version.

    ``withdrawn`` (撤销): the decision was changed, revoked or found invalid, publication
    stopped at once (行政处罚法 2021 art. 48). ``expired``: the publication period ended.
    ``repaired``: credit repair stopped publication (RULES §3; set by the repair app).
    """

    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Publication ended")
    REPAIRED = "repaired", _("Repaired")


class PublicationRule(models.TextChoices):
    """How a record's publication window is derived (the catalog item's rule)."""

    REGIME = "regime", _("Dated publication regime (penalties)")
    FIXED = "fixed", _("Fixed number of months")
    WHILE_VALID = "while_valid", _("While the decision is valid")
    NONE = "none", _("Not published")
