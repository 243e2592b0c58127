"""Enumerations of the checks domain, labelled for people (zh-Hans through translations)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    """What the platform answers about one subject and one matter (应查必查).

    ``restricted``: at least one dishonesty measure applies to the matter; ``incentive``: no
    restriction, at least one honesty incentive applies; ``clear``: neither (measures that are
    suspended while an objection is pending do not count, seed 004). ``invalid``: the code
    given is not a valid identifier — never "clear" (issue 4: a check on an invalid code says
    so). A single check refuses an invalid code with an error instead; a batch answers
    ``invalid`` for that line and goes on.
    """

    RESTRICTED = "restricted", _("Restricted")
    INCENTIVE = "incentive", _("Incentive")
    CLEAR = "clear", _("Clear")
    INVALID = "invalid", _("Invalid code")


class CheckKind(models.TextChoices):
    SINGLE = "single", _("Single check")
    BATCH = "batch", _("Batch check")


class MeasureState(models.TextChoices):
    """Whether a measure that follows from a listing is applied on the day, or suspended
    because an objection against the listing is pending (seed 004 二(三)2:
    异议投诉处理阶段联合惩戒措施暂停执行)."""

    APPLIED = "applied", _("Applied")
    SUSPENDED = "suspended", _("Suspended (objection pending)")
