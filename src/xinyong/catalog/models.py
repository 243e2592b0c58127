"""Catalog items and code lists as typed rows of a loaded catalog edition.

Why this exists: the catalog of public credit information (公共信用信息目录) says what may be
recorded — RULES §5: "Nothing outside the catalog enters a credit record. Each item states:
category, legal basis, whether public / shared / not disclosed, sharing scope, publication
period." It is reviewed policy data (``policy/catalog/*.toml``, kind ``catalog``), loaded by
:mod:`xinyong.catalog.policy` into these rows, which point back to their immutable
``PolicyEdition`` (text, digest, legal source, dates). Rows are never edited: a new catalog
edition supersedes the old one from its effective date, and look-ups
(:mod:`xinyong.catalog.queries`) pick the editions in force on the date asked about.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.choices import Disclosure, RecordKind
from xinyong.policy.choices import Jurisdiction
from xinyong.policy.models import PolicyEdition


class CatalogItem(models.Model):
    """One item (目录项) of one catalog edition, with its typed fields as JSON.

    ``fields`` is the list of field definitions (``FieldDef.as_dict()``: code, names, type,
    required rules, code list, public, role) in file order, field sets already expanded.
    """

    edition = models.ForeignKey(
        PolicyEdition,
        on_delete=models.PROTECT,
        related_name="catalog_items",
        verbose_name=_("edition"),
    )
    code = models.CharField(_("code"), max_length=32)
    position = models.PositiveIntegerField(_("position"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    category = models.CharField(_("category"), max_length=64)
    category_zh = models.CharField(_("category (Chinese)"), max_length=200)
    category_en = models.CharField(_("category (English)"), max_length=200)
    record_kind = models.CharField(_("record kind"), max_length=16, choices=RecordKind.choices)
    legal_basis = models.TextField(_("legal basis"))
    disclosure = models.CharField(_("disclosure"), max_length=16, choices=Disclosure.choices)
    # ["all_departments"] or department kinds.
    sharing_scope = models.JSONField(_("sharing scope"), default=list)
    # {"type": "regime"} | {"type": "fixed", "months": N} | {"type": "while_valid"} |
    # {"type": "none"}
    publication_rule = models.JSONField(_("publication rule"))
    reporting_deadline_working_days = models.PositiveSmallIntegerField(
        _("reporting deadline (working days)")
    )
    subject_kinds = models.JSONField(_("subject kinds"), default=list)
    reporter_kinds = models.JSONField(_("reporting department kinds"), default=list)
    reporter_codes = models.JSONField(_("reporting department codes"), default=list)
    requires_legal_document = models.BooleanField(_("requires a legal document"), default=False)
    key_field = models.CharField(_("key field"), max_length=64)
    date_field = models.CharField(_("date field"), max_length=64)
    fields = models.JSONField(_("fields"), default=list)
    # Copied from the edition so that lists can filter without a join.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    note = models.TextField(_("note"), blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="catalog_item_unique_code")
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class CatalogCodeList(models.Model):
    """A code list (代码表) of one catalog edition; ``entries`` as JSON
    (``CodeEntry.as_dict()``: code, names, aliases, decision-date range, counterparts)."""

    edition = models.ForeignKey(
        PolicyEdition,
        on_delete=models.PROTECT,
        related_name="catalog_code_lists",
        verbose_name=_("edition"),
    )
    code = models.CharField(_("code"), max_length=64)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    legal_source = models.TextField(_("legal source"), blank=True)
    term_zh = models.CharField(_("term (Chinese)"), max_length=32, default="代码")
    term_en = models.CharField(_("term (English)"), max_length=32, default="code")
    entries = models.JSONField(_("entries"), default=list)
    note = models.TextField(_("note"), blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)

    class Meta:
        verbose_name = _("catalog code list")
        verbose_name_plural = _("catalog code lists")
        ordering = ["edition", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], name="catalog_code_list_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"
