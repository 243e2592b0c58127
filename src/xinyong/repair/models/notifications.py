"""Notifications (告知) to subjects and departments, as rows.

Why this exists: the subject is told the answer to its objection, that it may apply for
repair (seed 000: 3 working days ahead), and the outcome of its application; departments are
told of overdue steps and of listings resting on information that changed. Sending e-mail or
SMS is out of scope (docs/repair.md): the rows are what the portal's progress page and the
console show, and what a future sender would read. ``key`` makes every notification unique,
so a periodic job that runs twice tells nobody twice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.repair.choices import NotificationKind, Recipient


class Notification(models.Model):
    key = models.CharField(_("key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    recipient = models.CharField(_("recipient"), max_length=16, choices=Recipient.choices)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    objection = models.ForeignKey(
        "repair.Objection",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    application = models.ForeignKey(
        "repair.RepairApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    listing_case = models.ForeignKey(
        "lists.ListingCase", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message_zh = models.TextField(_("message (Chinese)"))
    message_en = models.TextField(_("message (English)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["department", "kind"], name="repair_notice_dept_kind")]

    def __str__(self) -> str:
        return self.key
