"""Credit subjects (信用主体), their identifiers and the history of their names.

A subject is found by its unified social credit code, by a legacy code, or (natural persons)
by the keyed hash of its ID number; it is never created twice for the same identifier. A
renamed company keeps its identity: the old name stays in ``SubjectName`` with its dates.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.choices import LegacyScheme, PersonIdType, SubjectKind


class Subject(models.Model):
    """A legal person, unincorporated organisation, individual business, natural person or
    public body that credit information is about."""

    kind = models.CharField(_("kind"), max_length=32, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # Unified social credit code; empty for natural persons and for individual businesses
    # reported with the placeholder 00000000000000000X (RULES §1).
    # NULL (not "") so that the unique constraint ignores subjects without a code.
    uscc = models.CharField(  # noqa: DJ001
        _("unified social credit code"), max_length=18, null=True, blank=True
    )
    division = models.CharField(_("administrative division"), max_length=6, blank=True)
    # Natural persons: ID type, encrypted number, keyed hash for look-up, masked display form.
    id_type = models.CharField(_("ID type"), max_length=2, choices=PersonIdType.choices, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True)
    id_number_hash = models.CharField(_("ID number look-up hash"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=Q(uscc__isnull=False), name="core_subject_uscc_unique"
            ),
            models.UniqueConstraint(
                fields=["id_type", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="core_subject_person_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_identifier(self) -> str:
        """What the portal shows: the code for organisations, the masked ID for persons."""
        return self.uscc or self.id_number_masked or ""


class SubjectIdentifier(models.Model):
    """A legacy identifier of a subject (business registration no., organisation code, …)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=32, choices=LegacyScheme.choices)
    value = models.CharField(_("value"), max_length=40)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("legacy identifier")
        verbose_name_plural = _("legacy identifiers")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="core_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class SubjectName(models.Model):
    """One name a subject has borne, with the dates it was in use (``valid_to`` empty for
    the current name)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200, db_index=True)
    valid_from = models.DateField(_("in use from"), null=True, blank=True)
    valid_to = models.DateField(_("in use until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["subject", models.F("valid_from").asc(nulls_first=True), "pk"]
        verbose_name = _("subject name")
        verbose_name_plural = _("subject names")

    def __str__(self) -> str:
        return self.name
