"""Objections (异议) to credit information: against a record or a listing.

Why this exists: anyone concerned may challenge information that is wrong (seeds 000, 003,
004; RULES §4; issue 5). An objection goes to the department that owns the information
("谁决定、谁负责", seed 004), which answers within a number of working days set by the
jurisdiction (``objection.answer_working_days``); meanwhile the item is shown as under
objection (``xinyong.repair.queries.items_under_objection``). The outcome — corrected,
revoked, or upheld with reasons — is told to the subject; the rows here and the audit trail
keep the whole history.

An objection against a *listing* is not answered here: the listing procedure
(``xinyong.lists``) already has objections with their suspension rules (seed 004), so this row
is the portal's intake and is linked to the procedure's ``ListingObjection`` once entered.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.repair.choices import (
    FiledBy,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionStatus,
    TargetKind,
)


class Objection(models.Model):
    """One objection; changed only by ``xinyong.repair.actions``."""

    query_code = models.CharField(_("query code"), max_length=16, unique=True)
    target_kind = models.CharField(_("against"), max_length=16, choices=TargetKind.choices)
    record = models.ForeignKey(
        "records.Record",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("record"),
    )
    listing_case = models.ForeignKey(
        "lists.ListingCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_objections",
        verbose_name=_("listing case"),
    )
    #: The listing procedure's objection, once entered there.
    listing_objection = models.OneToOneField(
        "lists.ListingObjection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_objection",
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="objections", verbose_name=_("subject")
    )
    #: The department that owns the information and answers ("谁决定、谁负责").
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("answering department"),
    )
    filed_by = models.CharField(_("filed by"), max_length=16, choices=FiledBy.choices)
    filing_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filing department"),
    )
    filer_name = models.CharField(_("filer"), max_length=100)
    filer_contact = models.CharField(_("contact"), max_length=100, blank=True)
    ground = models.CharField(_("ground"), max_length=32, choices=ObjectionGround.choices)
    statement = models.TextField(_("statement"))

    received_on = models.DateField(_("received on"))
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    answer_working_days = models.PositiveSmallIntegerField(_("working days"), null=True)
    due_provisional = models.BooleanField(_("provisional"), default=False)

    status = models.CharField(
        _("status"), max_length=24, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ObjectionOutcome.choices, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "answer_due_on"], name="repair_obj_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_kind="record", record__isnull=False))
                | (Q(target_kind="listing", listing_case__isnull=False)),
                name="repair_objection_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.target_kind} {self.status}"

    @property
    def reference(self) -> str:
        return f"OB-{self.pk:06d}"

    def is_overdue(self, today: date) -> bool:
        return (
            self.status == ObjectionStatus.PENDING
            and self.answer_due_on is not None
            and self.answer_due_on < today
        )
