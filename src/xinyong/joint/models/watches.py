"""Watches: grants a department wants re-screened (issue 4 §6).

Why this exists: a department checks a subject before granting a licence, a contract, funds
or an honour (应查必查, seed 002 (十九)); a listing that takes effect later does not undo the
grant by itself, but the department must know, so that it can apply the measure to what it
granted (e.g. stop paying the remaining funds) or record why it does not apply. A
:class:`Watch` is that standing request: subject + matter + the department's own grant
reference. When a listing takes effect for the subject and one of its measures restricts the
matter, the department gets an inbox item (kind re-screening) and a webhook event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.measures.choices import Matter


class Watch(models.Model):
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="joint_watches",
        verbose_name=_("department"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="joint_watches", verbose_name=_("subject")
    )
    matter = models.CharField(_("matter"), max_length=32, choices=Matter.choices)
    grant_reference = models.CharField(_("grant reference"), max_length=100)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by_label = models.CharField(_("registered by"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "subject", "matter", "grant_reference"],
                condition=models.Q(active=True),
                name="joint_watch_unique_active",
            )
        ]
        indexes = [models.Index(fields=["subject", "active"], name="joint_watch_subject")]

    def __str__(self) -> str:
        return f"{self.department_id} · {self.subject_id} · {self.matter} · {self.grant_reference}"
