"""Credit repair applications (信用修复申请) and their materials.

Why this exists: a subject that has corrected its conduct applies online, free of charge
(seed 001 (十二), seed 003 五(一): 不得以任何形式向申请信用修复的主体收取费用), with the
materials the regime of the decision asks for (RULES §3: under 国办发〔2025〕22号 only proof of
performance and the signed credit commitment). The credit office reviews it first (seed 000
二(三): 2 working days), the sector authority that took the decision decides (22号: 3 working
days). Each step stores its due date so that one periodic job (``xinyong repair tick``) can
find what is overdue. The subject follows the application with its query code.

There is deliberately no fee field: repair is free, and nothing in the data model could ask
for a payment.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.repair.choices import OPEN_APPLICATION_STATES, ApplicationStatus


class RepairApplication(models.Model):
    """One application to repair one record; changed only by ``xinyong.repair.actions``."""

    query_code = models.CharField(_("query code"), max_length=16, unique=True)
    record = models.ForeignKey(
        "records.Record",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        verbose_name=_("record"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="repair_applications"
    )
    #: The sector authority that took the decision and decides the repair.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="repair_applications"
    )
    regime_code = models.CharField(_("regime"), max_length=64)
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_contact = models.CharField(_("contact"), max_length=100, blank=True)
    statement = models.TextField(_("how the violation was corrected"))
    restructuring = models.BooleanField(_("restructuring company"), default=False)
    eligible_from = models.DateField(_("eligible from"))

    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.INITIAL_REVIEW,
    )
    # The current step's deadline (the one the tick checks).
    due_on = models.DateField(_("due on"), null=True, blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    due_provisional = models.BooleanField(_("provisional"), default=False)

    initial_review_on = models.DateField(_("initial review on"), null=True, blank=True)
    initial_review_note = models.TextField(_("initial review note"), blank=True)
    #: The sector authority's decision day (``decided_on`` is the final one: the same day,
    #: or the higher platform's answer where a higher review is configured).
    authority_decided_on = models.DateField(_("sector authority decided on"), null=True,
                                            blank=True)  # fmt: skip
    higher_review_on = models.DateField(_("higher platform reviewed on"), null=True, blank=True)
    higher_review_note = models.TextField(_("higher platform's answer"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    #: Coded reason of a refusal or a return (docs/repair.md), with the reviewer's text.
    refusal_code = models.CharField(_("refusal code"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")
        ordering = ["-submitted_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="repair_app_status_due")]
        constraints = [
            # One open application per record (a second one is a duplicate).
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status__in=sorted(OPEN_APPLICATION_STATES)),
                name="repair_one_open_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.status}"

    @property
    def reference(self) -> str:
        return f"RA-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class RepairMaterial(models.Model):
    """One uploaded material (proof of performance, credit commitment, court order). The
    bytes are stored under ``VAR_DIR/uploads/repair/`` by content hash; the row keeps the
    name given, the size, the type found in the bytes and the SHA-256."""

    application = models.ForeignKey(
        RepairApplication, on_delete=models.CASCADE, related_name="materials"
    )
    material_code = models.CharField(_("material"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_path = models.CharField(_("stored as"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("repair material")
        verbose_name_plural = _("repair materials")
        ordering = ["application", "material_code", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.material_code} {self.original_name}"


class RepairBar(models.Model):
    """The owning department's finding that a record is never repairable (RULES §3: "Some
    acts are never repairable (e.g. online fraud, illegal fund-raising, faulty vaccines)";
    ``never_repairable`` of the regime). The record's fields do not say which act it was,
    so the department records it, citing an item of the regime's list."""

    record = models.OneToOneField(
        "records.Record", on_delete=models.PROTECT, related_name="repair_bar"
    )
    code = models.CharField(_("never-repairable act"), max_length=64)
    reason = models.TextField(_("reason"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("never-repairable finding")
        verbose_name_plural = _("never-repairable findings")

    def __str__(self) -> str:
        return f"{self.record_id} {self.code}"
