"""Listing cases: one subject going through the listing procedure of one list type.

Why this exists: putting a subject on a serious dishonesty list is a legal procedure with
rights attached (RULES §4; 国办发〔2020〕49号): prior notice, an objection answered in time, a
decision document stating reasons, basis, measures, removal conditions and remedies, a term
that ends on a known day, suspension while an objection against the listing is pending
(seed 004). The case row carries the state (transitions only through
``xinyong.lists.actions``, declared in ``xinyong.lists.procedure``), the legal dates (notice,
decision, term) and the one next deadline the periodic job (``xinyong lists tick``) acts on.
The rows around it keep the history: objections, suspension intervals, leniency
assessments, alarms, documents.

Two timelines (STYLE §10): legal dates are ``DateField`` (Asia/Shanghai calendar days), what
we recorded and when is in ``*_at`` datetimes and the audit trail.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.lists.choices import (
    AlarmKind,
    BasisDocumentType,
    CaseState,
    DueKind,
    LeniencyOutcome,
    ObjectionOutcome,
    ObjectionStage,
    RemovalReason,
)
from xinyong.lists.models.list_types import ListType
from xinyong.lists.querysets import ListingCaseQuerySet


class ListingCase(models.Model):
    """One listing procedure (see the module docstring). Never ``.save()``d by callers other
    than the actions in ``xinyong.lists.actions``."""

    list_type_code = models.CharField(_("list type"), max_length=100, db_index=True)
    # The list type row that governs the case: resolved on the creation date, then on the
    # decision date (the rules in force when the decision is taken).
    list_type = models.ForeignKey(
        ListType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("list type rule")
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="listing_cases", verbose_name=_("subject")
    )
    initiating_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="initiated_listing_cases",
        verbose_name=_("initiating department"),
    )
    state = models.CharField(
        _("state"), max_length=32, choices=CaseState.choices, default=CaseState.DRAFT
    )
    # Incremented by every transition: a form carries it, and a stale submission is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    # The legally effective document the finding rests on (seed 000 二(二)1; seed 001 (二)).
    basis_document_type = models.CharField(
        _("basis document type"), max_length=32, choices=BasisDocumentType.choices
    )
    basis_document_number = models.CharField(_("basis document number"), max_length=100)
    basis_document_date = models.DateField(_("basis document date"))
    basis_document_issuer = models.CharField(_("basis document issuer"), max_length=200)
    facts = models.TextField(_("facts and reasons"))

    # Prior notice (告知).
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    objection_window_ends_on = models.DateField(_("objection window ends"), null=True, blank=True)

    # Decision (认定决定).
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=0)
    extension_grounds = models.TextField(_("extension grounds"), blank=True)
    # The measures that follow, as resolved from the memoranda on the decision date.
    measures_snapshot = models.JSONField(_("measures at decision"), default=list)

    # Listing term.
    listed_on = models.DateField(_("listed on (term start)"), null=True, blank=True)
    term_end = models.DateField(_("term ends (last day)"), null=True, blank=True)
    suspended_since = models.DateField(_("measures suspended since"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("days suspended in total"), default=0)

    # Early removal requested (e.g. performance: deleted within 3 working days).
    removal_ground = models.CharField(_("early removal ground"), max_length=100, blank=True)
    removal_ground_on = models.DateField(_("ground occurred on"), null=True, blank=True)
    commitment_signed = models.BooleanField(_("credit commitment signed"), default=False)

    # End.
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(
        _("removal reason"), max_length=32, choices=RemovalReason.choices, blank=True
    )
    removal_note = models.TextField(_("removal note"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)

    # The one next deadline (docs/lists.md, "Deadlines"): what it is, when, how it was counted
    # (from a date plus working days, so that a provisional value can be recomputed once the
    # missing calendar year is loaded — docs/decisions/0002-uncovered-calendar-years.md).
    due_kind = models.CharField(
        _("next deadline"), max_length=32, choices=DueKind.choices, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    due_from = models.DateField(_("counted from"), null=True, blank=True)
    due_working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    due_provisional = models.BooleanField(_("provisional"), default=False)
    due_uncovered_years = models.JSONField(_("years not covered"), default=list)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ListingCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing case")
        verbose_name_plural = _("listing cases")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="lists_case_state_due"),
            models.Index(fields=["state", "term_end"], name="lists_case_state_term"),
            models.Index(fields=["list_type_code", "state"], name="lists_case_type_state"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.list_type_code} · {self.subject_id} · {self.state}"

    @property
    def reference(self) -> str:
        """The case's reference as shown to people."""
        return f"LC-{self.pk:06d}"

    def is_overdue(self, today: date) -> bool:
        """Whether the next deadline has passed (the deadline day itself is still in time)."""
        return self.due_on is not None and self.due_on < today


class ListingObjection(models.Model):
    """An objection (异议) by the party: before listing, against the prior notice; after
    listing, against the listing (then the measures are suspended, seed 004)."""

    case = models.ForeignKey(ListingCase, on_delete=models.CASCADE, related_name="objections")
    stage = models.CharField(_("stage"), max_length=32, choices=ObjectionStage.choices)
    received_on = models.DateField(_("received on"))
    grounds = models.TextField(_("grounds"))
    answer_due_on = models.DateField(_("answer due on"))
    answer_due_provisional = models.BooleanField(_("provisional"), default=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=ObjectionOutcome.choices,
        default=ObjectionOutcome.PENDING,
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["case", "received_on", "pk"]
        constraints = [
            # At most one pending objection per case: the state machine allows one at a time.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(outcome="pending"),
                name="lists_objection_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.stage} · {self.received_on} · {self.outcome}"


class SuspensionInterval(models.Model):
    """Measures of a listed case suspended from ``since`` while an objection is pending
    (seed 004: 异议投诉处理阶段联合惩戒措施暂停执行). ``until`` is the rejection date on which the
    term resumes; ``days`` = ``until - since`` moved the term end
    (docs/decisions/0021-suspension-arithmetic.md)."""

    case = models.ForeignKey(ListingCase, on_delete=models.CASCADE, related_name="suspensions")
    objection = models.OneToOneField(
        ListingObjection, on_delete=models.PROTECT, related_name="suspension"
    )
    since = models.DateField(_("suspended since"))
    until = models.DateField(_("resumed on"), null=True, blank=True)
    days = models.PositiveIntegerField(_("days added to the term"), null=True, blank=True)
    term_end_before = models.DateField(_("term end before"))
    term_end_after = models.DateField(_("term end after"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspension interval")
        verbose_name_plural = _("suspension intervals")
        ordering = ["case", "since", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.since}–{self.until or ''}"


class LeniencyAssessment(models.Model):
    """The record that leniency grounds (minors, force majeure, minor unintentional acts;
    seed 001 (十六), seed 003 四(二)) were considered before a serious listing is decided. The
    decision action refuses without one (``LISTING_LENIENCY_NOT_ASSESSED``)."""

    case = models.ForeignKey(ListingCase, on_delete=models.CASCADE, related_name="leniency")
    considered = models.BooleanField(_("considered"), default=True)
    # Codes of the list type's leniency grounds found to apply (empty: none found).
    grounds_found = models.JSONField(_("grounds found"), default=list)
    outcome = models.CharField(_("outcome"), max_length=16, choices=LeniencyOutcome.choices)
    conclusion = models.TextField(_("conclusion"))
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("leniency assessment")
        verbose_name_plural = _("leniency assessments")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.outcome}"


class ListingAlarm(models.Model):
    """An overdue deadline the tick found (one per case, kind and due date, so that running
    the tick again raises nothing new). ``resolved_at`` is set when the case moves on."""

    case = models.ForeignKey(ListingCase, on_delete=models.CASCADE, related_name="alarms")
    kind = models.CharField(_("kind"), max_length=32, choices=AlarmKind.choices)
    due_on = models.DateField(_("due on"))
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-raised_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on"], name="lists_alarm_unique_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind} · {self.due_on}"
