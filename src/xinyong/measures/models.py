"""The measure list and the memoranda as typed rows of dated policy editions.

Why this exists: no department may apply a dishonesty measure that is not on the measure list
(全国失信惩戒措施基础清单 and the local supplements within its scope; RULES §5; seeds 000,
001, 003: 不得…增设惩戒措施), and a measure applies to a list type only where a memorandum
(合作备忘录) binds them, naming who implements it (seed 002 (十七): 实施部门依据…合作备忘录). Both
are reviewed data — ``policy/measures/*.toml`` — loaded by the "measures" and "memoranda" kind
handlers into these rows and read through ``xinyong.measures.queries``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.measures.choices import ListScope, MeasureSide
from xinyong.policy.choices import Jurisdiction
from xinyong.policy.models import PolicyEdition


class Measure(models.Model):
    """One measure of a measure list edition: the matter it restricts or eases, its target,
    means, implementing body and legal basis (the columns seed 001 and seed 004 require)."""

    edition = models.ForeignKey(
        PolicyEdition, on_delete=models.PROTECT, related_name="measures", verbose_name=_("edition")
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    list_scope = models.CharField(_("list"), max_length=16, choices=ListScope.choices)
    code = models.CharField(_("code"), max_length=100, db_index=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    measure_class = models.CharField(_("class"), max_length=100)
    class_zh = models.CharField(_("class (Chinese)"), max_length=300)
    side = models.CharField(_("side"), max_length=16, choices=MeasureSide.choices)
    # Codes of xinyong.measures.choices.Matter.
    matters = models.JSONField(_("matters"), default=list)
    # Codes of xinyong.measures.choices.Target.
    targets = models.JSONField(_("targets"), default=list)
    # Department kinds (xinyong.core.choices.DepartmentKind) that implement it.
    implementing_department_kinds = models.JSONField(_("implementing body"), default=list)
    means = models.TextField(_("means"))
    legal_basis = models.TextField(_("legal basis"))
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["side", "measure_class", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="measures_measure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


class Memorandum(models.Model):
    """A cooperation memorandum (合作备忘录) of one edition."""

    edition = models.ForeignKey(
        PolicyEdition,
        on_delete=models.PROTECT,
        related_name="memoranda",
        verbose_name=_("edition"),
    )
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    code = models.CharField(_("code"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    legal_source = models.TextField(_("legal source"))
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("memorandum")
        verbose_name_plural = _("memoranda")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="measures_memorandum_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


class MemorandumLink(models.Model):
    """One binding of a list type to a measure by a memorandum, with who implements it
    (department kinds, and optionally named departments by their code)."""

    memorandum = models.ForeignKey(Memorandum, on_delete=models.CASCADE, related_name="links")
    list_type_code = models.CharField(_("list type"), max_length=100, db_index=True)
    measure_code = models.CharField(_("measure"), max_length=100, db_index=True)
    implementing_department_kinds = models.JSONField(
        _("implementing department kinds"), default=list
    )
    implementing_department_codes = models.JSONField(_("implementing departments"), default=list)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("memorandum link")
        verbose_name_plural = _("memorandum links")
        ordering = ["memorandum", "list_type_code", "measure_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["memorandum", "list_type_code", "measure_code"],
                name="measures_link_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_type_code} → {self.measure_code}"
