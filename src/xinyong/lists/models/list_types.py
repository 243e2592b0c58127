"""List types as typed rows of a dated policy edition (kind ``list_types``).

Why this exists: a list may only be kept on a legal basis, in one of the four domains of
国办发〔2020〕49号, with a term, removal conditions and remedies its legal basis fixes (RULES §4).
Those facts differ per list and change by date, so they are reviewed data
(``policy/lists/*.toml``) loaded by ``xinyong.lists.policy.ListTypesHandler`` into these rows,
each pointing back to its edition and legal source. Look-ups go through
``xinyong.lists.queries.list_type_for(code, on=)``: the most local edition in force wins.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.lists.choices import ListSide
from xinyong.policy.choices import Jurisdiction
from xinyong.policy.models import PolicyEdition


class ListType(models.Model):
    """One list type (e.g. 失信被执行人名单) as one edition states it.

    JSON fields hold lists of described items ``{code, zh, en, legal_source, note,
    unconfirmed, …}`` as the handler validated them; ``unconfirmed`` marks facts that could not
    be confirmed from a primary source (RULES ⚠).
    """

    edition = models.ForeignKey(
        PolicyEdition,
        on_delete=models.PROTECT,
        related_name="list_types",
        verbose_name=_("edition"),
    )
    # Copied from the edition so that look-ups order by precedence without a join.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    code = models.CharField(_("code"), max_length=100, db_index=True)
    side = models.CharField(_("side"), max_length=16, choices=ListSide.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    # Domain codes of 国办发〔2020〕49号 (xinyong.lists.choices.Domain); empty for red lists.
    domains = models.JSONField(_("domains"), default=list)
    # Department kinds (xinyong.core.choices.DepartmentKind) that may initiate a listing.
    initiating_department_kinds = models.JSONField(_("initiating department kinds"), default=list)
    # Subject kinds (xinyong.core.choices.SubjectKind) the list applies to.
    subject_kinds = models.JSONField(_("subject kinds"), default=list)
    term_months = models.PositiveSmallIntegerField(_("default term (months)"))
    term_months_min = models.PositiveSmallIntegerField(_("shortest term (months)"))
    term_months_max = models.PositiveSmallIntegerField(_("longest term (months)"))
    # {min_months, max_months, step_months, zh, en, legal_source, note, unconfirmed} or null.
    extension = models.JSONField(_("extension rule"), null=True, blank=True)
    # [{code, zh, en, after_months, counted_from, requires_commitment, removal_working_days,
    #   legal_source, note, unconfirmed}]
    early_removal = models.JSONField(_("early removal conditions"), default=list)
    # {zh, en, legal_source, note, unconfirmed}
    removal_procedure = models.JSONField(_("removal procedure"), default=dict)
    remedies = models.JSONField(_("remedies"), default=list)
    leniency_grounds = models.JSONField(_("leniency grounds"), default=list)
    prior_notice_required = models.BooleanField(_("prior notice required"))
    # Per-list overrides of the jurisdiction settings (seed 000: 有关部门对核实时间另有规定的，
    # 从其规定); null = the setting applies.
    objection_window_working_days = models.PositiveSmallIntegerField(
        _("objection window (working days)"), null=True, blank=True
    )
    objection_answer_working_days = models.PositiveSmallIntegerField(
        _("objection answer deadline (working days)"), null=True, blank=True
    )
    # The dates this list type is in force for (inside its edition's range).
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("list type")
        verbose_name_plural = _("list types")
        ordering = ["side", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="lists_list_type_unique"),
            models.CheckConstraint(
                condition=models.Q(term_months_min__lte=models.F("term_months"))
                & models.Q(term_months__lte=models.F("term_months_max")),
                name="lists_list_type_term_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def is_serious(self) -> bool:
        return self.side == ListSide.SERIOUS

    @property
    def leniency_required(self) -> bool:
        """Serious lists must show the leniency grounds were considered (seeds 001, 003)."""
        return self.is_serious

    def early_removal_condition(self, code: str) -> dict[str, Any] | None:
        for item in self.early_removal:
            if item.get("code") == code:
                return dict(item)
        return None
