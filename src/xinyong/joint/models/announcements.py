"""Announcements of listing changes and the inbox items they become, with the feedback.

Why this exists: when a listing takes effect, changes, is suspended, resumes or ends, every
department that implements one of its measures must be told and must report back what it did
(seed 002 (十七)、(十九): 发起响应、信息推送、执行反馈; seed 004 二(二)3; issue 4 §5). An
:class:`Announcement` is written in the transaction of the listing transition (one per
transition, with a stable event id); each implementing department gets one
:class:`InboxItem` carrying the measures it implements and a feedback deadline; its
:class:`Feedback` rows are what it reported. Webhook deliveries (``models.webhooks``) are
made from the items after commit.

Two timelines (STYLE §10): ``effective_on`` is the legal day of the change (listed on,
objection received, rejected, removed on); ``created_at`` is when the platform announced it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.joint.choices import FeedbackChannel, FeedbackOutcome, ItemKind, ListingChange
from xinyong.lists.models import ListingCase


class Announcement(models.Model):
    """One listing change told to the implementing departments. Written only by
    ``xinyong.joint.actions.do_announce_listing_change``."""

    event_id = models.UUIDField(_("event id"), unique=True)
    change = models.CharField(_("change"), max_length=16, choices=ListingChange.choices)
    case = models.ForeignKey(
        ListingCase, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("case")
    )
    # The case's version after the transition: the same transition is never announced twice.
    case_version = models.PositiveIntegerField(_("case version"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    list_type_code = models.CharField(_("list type"), max_length=100)
    effective_on = models.DateField(_("effective on"))
    # The measures of the listing (the decision's snapshot), as announced.
    measures = models.JSONField(_("measures"), default=list)
    # The listing as announced (public fields only: docs/decisions/0036).
    listing = models.JSONField(_("listing"), default=dict)
    created_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    actor_label = models.CharField(_("announced by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "case_version", "change"], name="joint_announcement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} · {self.case_id} · {self.effective_on}"


class InboxItem(models.Model):
    """What one department is told: a listing change with the measures it implements, or a
    re-screening of a grant it watches. It stays open until the department reports back."""

    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    # The webhook event id: the announcement's for a listing change, its own for re-screening.
    event_id = models.UUIDField(_("event id"))
    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="items", verbose_name=_("announcement")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="joint_items",
        verbose_name=_("department"),
    )
    watch = models.ForeignKey(
        "joint.Watch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("watch"),
    )
    # The measures this department implements (or, for re-screening, those of the matter).
    measures = models.JSONField(_("measures"), default=list)
    # The event as sent (webhook body and API answer are this, unchanged).
    payload = models.JSONField(_("payload"), default=dict)
    due_on = models.DateField(_("feedback due on"), db_index=True)
    due_provisional = models.BooleanField(_("provisional"), default=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    # The latest feedback (history in Feedback rows).
    feedback_outcome = models.CharField(
        _("feedback"), max_length=16, choices=FeedbackOutcome.choices, blank=True
    )
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True)
    feedback_count = models.PositiveIntegerField(_("feedback count"), default=0)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "event_id"], name="joint_item_once")
        ]
        indexes = [
            models.Index(
                fields=["department", "feedback_outcome", "due_on"], name="joint_item_dept"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.department_id} · {self.event_id}"

    @property
    def reference(self) -> str:
        return f"JA-{self.pk:06d}"

    def is_overdue(self, today: date) -> bool:
        """Unanswered after its due day (the due day itself is still in time)."""
        return not self.feedback_outcome and self.due_on < today


class Feedback(models.Model):
    """One report back on an inbox item (执行反馈). A later report supersedes an earlier one
    (a failure later applied); every report is kept."""

    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="feedback")
    outcome = models.CharField(_("outcome"), max_length=16, choices=FeedbackOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    given_on = models.DateField(_("given on"))
    late = models.BooleanField(_("late"), default=False)
    channel = models.CharField(_("channel"), max_length=16, choices=FeedbackChannel.choices)
    actor_label = models.CharField(_("given by"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.outcome}"
