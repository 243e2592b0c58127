"""Documents of the listing procedure: the prior notice (告知书) and the listing decision
(认定决定书), as the PDF that was issued.

Why this exists: the notice and the decision are legal acts addressed to the party; what was
issued must be kept exactly — the PDF bytes, their SHA-256 and the document number — so that
a later dispute can compare a copy with the original. Numbers are counted per department,
kind and year (:class:`DocumentCounter`, incremented under a row lock).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department
from xinyong.lists.choices import DocumentKind
from xinyong.lists.models.cases import ListingCase


class ListingDocument(models.Model):
    """One issued document (immutable once written)."""

    case = models.ForeignKey(ListingCase, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    # Numbered per issuing department, kind and year (DocumentCounter); ``number`` is the
    # formatted 文号, e.g. 市场监管局信告字〔2026〕3号.
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("document number"), max_length=150)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = models.BinaryField(_("PDF"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("listing document")
        verbose_name_plural = _("listing documents")
        ordering = ["case", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year", "seq"], name="lists_document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.case.reference}-{self.kind}-{self.pk}.pdf"


class DocumentCounter(models.Model):
    """The last number given to a kind of document by a department in a year."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"], name="lists_document_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} · {self.kind} · {self.year}: {self.last}"
