"""The consent registry (授权登记): a person's consent for a department to use their
non-public credit information, for one purpose and scope, for a limited time.

Why this exists: seeds 000 §3(2), 001 §(十四), 003 §七(三) — personal credit information is
collected and used "经本人同意" with purpose, manner and scope stated, and "禁止…未经授权、强制
授权或一次授权终身收集使用": every consent therefore has an end date no later than the policy
maximum (``security.consent_max_days``), and can be revoked at any time (个人信息保护法 art.
15). A read on the basis of consent must name a consent that is valid on that day, for that
department, covering the fields read (``actions.consent.check_basis``).

Rows change only through ``do_record_consent`` and ``do_revoke_consent`` (audited 9501/9502).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    subject = models.ForeignKey(
        "core.Subject", on_delete=models.PROTECT, related_name="consents", verbose_name=_("subject")
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("department"),
    )
    #: The number on the signed consent form; what a read names as its basis reference.
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    purpose = models.TextField(_("purpose"))
    #: What may be read: field or section names ("penalties", "lists", "id_number" …).
    scope = models.JSONField(_("scope"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("revocation reason"), blank=True)

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["subject", "department"], name="security_consent_subject")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="security_consent_has_an_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.valid_from}–{self.valid_until}"

    def is_valid_on(self, day: date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until

    def covers(self, fields: list[str] | tuple[str, ...]) -> bool:
        allowed = set(self.scope)
        return "*" in allowed or set(fields) <= allowed
