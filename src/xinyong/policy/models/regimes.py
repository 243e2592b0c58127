"""Publication and credit-repair regimes as typed rows (RULES §3).

Why this exists: how long a penalty is published and when it can be repaired depends on the
regime in force on the *decision date* — 发改办财金〔2019〕527号 for decisions from 2019-07-01,
国家发展改革委令第58号 from 2023-05-01, 国办发〔2025〕22号 with 国家发展改革委令第36号 from
2026-04-01. The rules are data (``policy/regimes/publication-repair.toml``), loaded by the
"regimes" kind handler into these rows, and read through
``xinyong.policy.regimes.regime_for`` / ``publication_window``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.policy.choices import Publication, Severity
from xinyong.policy.models.editions import PolicyEdition


class PublicationRegime(models.Model):
    """One regime: the decision dates it governs, its legal source and its repair rules.

    List-valued rules (specific-serious cases, repair conditions, materials and effects,
    deadlines, never-repairable acts) are JSON lists of items ``{code, zh, en, ...}``; an item
    with ``unconfirmed: true`` could not be confirmed from a primary source (RULES ⚠).
    """

    edition = models.ForeignKey(
        PolicyEdition, on_delete=models.PROTECT, related_name="regimes", verbose_name=_("edition")
    )
    code = models.CharField(_("code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    legal_source = models.TextField(_("legal source"))
    decisions_from = models.DateField(_("decisions from"))
    decisions_to = models.DateField(_("decisions to"), null=True, blank=True)
    # {months, repairable, legal_source, unconfirmed, note, cases: [...]} or null.
    specific_serious = models.JSONField(_("specific serious rule"), null=True, blank=True)
    repair_conditions = models.JSONField(_("repair conditions"), default=list)
    repair_materials = models.JSONField(_("repair materials"), default=list)
    repair_effects = models.JSONField(_("repair effects"), default=list)
    # [{code, working_days, zh, en, legal_source, unconfirmed}]
    deadlines = models.JSONField(_("deadlines"), default=list)
    never_repairable = models.JSONField(_("never repairable acts"), default=list)
    # {rule: "longest", zh, en, legal_source, unconfirmed} or null.
    multiple_categories = models.JSONField(_("several categories rule"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("publication regime")
        verbose_name_plural = _("publication regimes")
        ordering = ["decisions_from"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="policy_regime_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.decisions_from}–{self.decisions_to or ''})"

    def deadline(self, code: str) -> dict[str, Any] | None:
        """The deadline item with that code (e.g. ``"repair_decision"``), if the regime sets
        one."""
        for item in self.deadlines:
            if item.get("code") == code:
                return dict(item)
        return None


class RegimeSeverityRule(models.Model):
    """Publication and repair rule of one severity under one regime."""

    regime = models.ForeignKey(
        PublicationRegime, on_delete=models.CASCADE, related_name="severity_rules"
    )
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    published = models.CharField(_("published"), max_length=16, choices=Publication.choices)
    min_months = models.PositiveSmallIntegerField(_("minimum period (months)"))
    max_months = models.PositiveSmallIntegerField(_("maximum period (months)"))
    repairable = models.BooleanField(_("repairable"))
    legal_source = models.TextField(_("legal source"), blank=True)
    note = models.TextField(_("note"), blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)

    class Meta:
        verbose_name = _("severity rule")
        verbose_name_plural = _("severity rules")
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "severity"], name="policy_severity_rule_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(min_months__lte=models.F("max_months")),
                name="policy_severity_rule_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} · {self.severity}"
