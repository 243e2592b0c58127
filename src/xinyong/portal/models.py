"""The public credit reports the portal issued (公共信用信息报告).

Why this exists: a report is handed to a bank, a tender board or a landlord, who must be able
to check that it came from this platform and was not edited. Each issued PDF gets a
verification code (printed on it, with a QR code to ``/reports/verify/<code>/``); the
platform keeps the SHA-256 of the exact bytes it sent and a summary of what they contained
(sections and counts, the records and list entries by number). The PDF itself is not kept:
it can be regenerated from the data only as of today, and what it said is fixed by the hash
(docs/decisions/0062-credit-report-verification.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Subject


class CreditReport(models.Model):
    """One issued report: code, subject, when, language, hash and size of the PDF."""

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots: what the report named, even if the subject is renamed later.
    subject_name = models.CharField(_("subject name"), max_length=200)
    subject_identifier = models.CharField(_("code or masked ID number"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    generated_at = models.DateTimeField(_("query time"))
    as_of = models.DateField(_("information as of"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    summary = models.JSONField(_("contents"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")

    def __str__(self) -> str:
        return self.code


# The self-service accounts of subjects (docs/portal.md, "Self-service").
from xinyong.portal.selfservice_models import SubjectAccount  # noqa: E402

__all__ = ["CreditReport", "SubjectAccount"]
