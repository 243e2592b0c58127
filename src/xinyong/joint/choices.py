"""Enumerations of joint action (联合奖惩): what changed in a listing, what an inbox item is,
what a department reported back, where a webhook delivery stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingChange(models.TextChoices):
    """What happened to a listing that every implementing department must be told (seed 002
    (十九): 发起响应、信息推送、执行反馈; issue 4 §5). The webhook event type is
    ``listing.<value>``."""

    TOOK_EFFECT = "took_effect", _("Listing took effect: apply the measures")
    CHANGED = "changed", _("Listing changed: adjust the measures")
    SUSPENDED = "suspended", _("Objection pending: suspend the measures")
    RESUMED = "resumed", _("Objection rejected: apply the measures again")
    ENDED = "ended", _("Listing ended: lift the measures")


class ItemKind(models.TextChoices):
    """An inbox item tells a department about a listing change (it implements measures), or
    about a grant it asked to be watched (re-screening)."""

    LISTING_CHANGE = "listing_change", _("Listing change")
    RESCREENING = "rescreening", _("Re-screening of a grant")


class FeedbackOutcome(models.TextChoices):
    """Execution feedback (执行反馈, seed 002 (十九); seed 004 二(二)3: 定期将联合奖惩实施情况汇总
    提交). A reason is required unless the measures were applied."""

    APPLIED = "applied", _("Applied")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    FAILED = "failed", _("Failed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending (to be sent or retried)")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter (all attempts failed)")


class FeedbackChannel(models.TextChoices):
    CONSOLE = "console", _("Console")
    API = "api", _("API")
