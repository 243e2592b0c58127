"""Policy editions: one reviewed version of one body of dated policy data.

Why this exists: the rules the platform applies (holiday arrangements, publication and repair
regimes, deadlines a jurisdiction sets) change by date and are published by different levels of
government. Each is kept as a reviewed TOML file (``policy/``) or a local supplement pasted into
the admin, loaded into an immutable ``PolicyEdition`` that records exactly which text (SHA-256)
was loaded, when, from where and on what legal basis. Kind handlers (``policy/kinds.py``) turn
an edition's content into typed rows that point back to it, so every rule applied can be traced
to its edition and legal source, and "as of date D" questions can be answered.

An edition is never edited. A correction or a change is a new edition; if its effective range
overlaps the old one it must say ``supersedes = "<old edition>"``, after which the old edition
stays in force only for the dates before the new one's ``effective_from``. An edition published
by mistake is retired (``do_retire_policy_edition``): it then counts for nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.policy.choices import Jurisdiction, Origin


def in_force_q(on: date, prefix: str = "") -> Q:
    """Editions in force on ``on``: not retired, ``effective_from <= on <= effective_to`` and not
    replaced on that date by an active superseding edition. ``prefix`` is the lookup path to the
    edition from the queried model (e.g. ``"edition__"``)."""
    p = prefix
    return (
        Q(**{f"{p}retired_at__isnull": True})
        & Q(**{f"{p}effective_from__lte": on})
        & (Q(**{f"{p}effective_to__isnull": True}) | Q(**{f"{p}effective_to__gte": on}))
        & (
            Q(**{f"{p}superseded_by__isnull": True})
            | Q(**{f"{p}superseded_by__effective_from__gt": on})
            | Q(**{f"{p}superseded_by__retired_at__isnull": False})
        )
    )


class PolicyEdition(models.Model):
    """One loaded version of a policy file (immutable; see the module docstring)."""

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    code = models.CharField(_("code"), max_length=64)
    edition = models.CharField(_("edition"), max_length=32)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=16, choices=Jurisdiction.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_source = models.TextField(_("legal source"))
    note = models.TextField(_("note"), blank=True)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    source_path = models.CharField(_("source"), max_length=500)
    # The reviewed text exactly as loaded (line endings normalised to LF) and its SHA-256.
    source_text = models.TextField(_("source text"))
    digest = models.CharField(_("SHA-256"), max_length=64)
    # The validated content in the normalised JSON form the kind handler produced.
    content = models.JSONField(_("content"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.CharField(_("loaded by"), max_length=150, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_by = models.CharField(_("retired by"), max_length=150, blank=True)
    retired_reason = models.TextField(_("reason for retiring"), blank=True)

    class Meta:
        verbose_name = _("policy edition")
        verbose_name_plural = _("policy editions")
        ordering = ["kind", "code", "jurisdiction", "effective_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code", "edition"], name="policy_edition_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="policy_edition_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["kind", "code", "jurisdiction"])]

    def __str__(self) -> str:
        return f"{self.kind}/{self.code}@{self.edition} ({self.jurisdiction})"

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.code}@{self.edition}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def active_successor(self) -> PolicyEdition | None:
        """The edition that supersedes this one, unless it was retired."""
        successor = self.superseded_by
        if successor is None or successor.retired_at is not None:
            return None
        return successor

    def effective_range(self) -> tuple[date, date | None] | None:
        """The dates this edition is actually in force for: its own range, cut where an active
        successor starts; None when it is retired or entirely replaced."""
        if self.retired_at is not None:
            return None
        end = self.effective_to
        successor = self.active_successor
        if successor is not None:
            cut = successor.effective_from - timedelta(days=1)
            end = cut if end is None else min(end, cut)
        if end is not None and end < self.effective_from:
            return None
        return (self.effective_from, end)

    @property
    def status(self) -> str:
        """``retired``, ``superseded`` (from some date on) or ``active``."""
        if self.retired_at is not None:
            return "retired"
        if self.active_successor is not None:
            return "superseded"
        return "active"
