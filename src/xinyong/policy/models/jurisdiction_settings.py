"""Jurisdiction settings: numbers the law or a jurisdiction fixes, as dated data.

Why this exists: deadlines such as "report a penalty within 7 working days" or "answer an
objection within N working days" differ between the national rules and the deploying
jurisdiction's own rules (seed 000 says 3 working days where seed 003 says 10). RULES: where a
seed and a national rule differ, the national rule is the default and the seed's number is the
jurisdiction's setting. So the national defaults ship as ``policy/settings/national.toml`` and a
jurisdiction overrides them with a provincial or local edition (a file, or a supplement pasted
in the admin); ``xinyong.policy.jurisdiction_settings.policy_setting`` picks the most local value
in force on the date asked about.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.policy.choices import Jurisdiction
from xinyong.policy.models.editions import PolicyEdition


class JurisdictionSetting(models.Model):
    """One key's value in one edition, with its own dates (inside the edition's range)."""

    edition = models.ForeignKey(
        PolicyEdition, on_delete=models.PROTECT, related_name="settings", verbose_name=_("edition")
    )
    key = models.CharField(_("key"), max_length=100, db_index=True)
    value = models.JSONField(_("value"))
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    # Copied from the edition so that look-ups can order by precedence in the database.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_source = models.TextField(_("legal source"))
    note = models.TextField(_("note"), blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)

    class Meta:
        verbose_name = _("jurisdiction setting")
        verbose_name_plural = _("jurisdiction settings")
        ordering = ["key", "effective_from"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.jurisdiction})"
