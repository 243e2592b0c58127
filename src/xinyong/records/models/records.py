"""Credit records (信用记录): one licence, penalty or other catalogued decision per record.

Why this exists: collection turns rows into records that other apps (portal, checks, lists,
repair) read. A record keeps

- its provenance (STYLE.md §9): department, batch and row, channel, received time and the
  values exactly as received (``original``) next to the normalised ones (``values``);
- its legal dates (decision date, valid until) and the publication window derived from the
  regime in force on the decision date (RULES §3) or the item's own rule;
- its reporting timeliness: the deadline in working days after the decision (RULES §1:
  7 working days for licences and penalties), the lag and whether it was late;
- its status and version: a changed re-send is a correction (the superseded version goes to
  :class:`RecordVersion`), a withdrawal (撤销) stops publication at once and says when.

A record is identified by (department, catalog item, decision number): re-sending the same
decision never creates a second record (docs/collection.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department, Subject
from xinyong.records.choices import Channel, PublicationRule, RecordStatus
from xinyong.records.models.batches import Batch


class Record(models.Model):
    """One reported decision, its publication window, status and provenance."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="records"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,  # covered by the unique constraint and the stats index
    )
    item_code = models.CharField(_("catalog item"), max_length=64)
    record_kind = models.CharField(_("record kind"), max_length=16)
    decision_number = models.CharField(_("decision number"), max_length=128)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Personal ID numbers are masked in ``values`` and ``original``; the clear ones are kept
    # encrypted in ``sealed`` (xinyong.records.protect).
    values = models.JSONField(_("values"))
    original = models.JSONField(_("values as received"))
    sealed = models.TextField(_("sealed personal numbers"), blank=True)
    digest = models.CharField(_("content digest"), max_length=64)
    severity = models.CharField(_("severity"), max_length=16, blank=True)
    specific_serious = models.BooleanField(_("specific serious"), default=False)
    categories = models.JSONField(_("categories"), default=list, blank=True)

    # Publication (RULES §3): from the decision date to min_end (repair possible after) and
    # max_end (publication stops). Empty when the item is not published.
    disclosure = models.CharField(_("disclosure"), max_length=16)
    publication_rule = models.CharField(
        _("publication rule"), max_length=12, choices=PublicationRule.choices
    )
    published = models.CharField(_("published"), max_length=12, blank=True)
    publication_from = models.DateField(_("published from"), null=True, blank=True)
    publication_min_end = models.DateField(_("minimum period ends"), null=True, blank=True)
    publication_max_end = models.DateField(_("publication ends"), null=True, blank=True)
    regime_code = models.CharField(_("regime"), max_length=64, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    # Provenance of the current version.
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="records"
    )
    batch_row = models.PositiveIntegerField(_("row in batch"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    first_received_at = models.DateTimeField(_("first received"))

    # Timeliness of the first report (RULES §1), in working days of the official calendar.
    reported_on = models.DateField(_("reported on"))
    reporting_deadline = models.DateField(_("reporting deadline"), null=True, blank=True)
    reporting_lag_working_days = models.IntegerField(_("reporting lag"), null=True, blank=True)
    # True when the deadline or the lag crossed a year whose holiday arrangement is not loaded
    # (docs/decisions/0002-uncovered-calendar-years.md); recomputed when it is.
    reporting_provisional = models.BooleanField(_("provisional"), default=False)
    late = models.BooleanField(_("reported late"), default=False)

    # Withdrawal (撤销), 行政处罚法 (2021) art. 48: within 3 days of the change of the decision.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decision_changed_on = models.DateField(_("decision changed on"), null=True, blank=True)
    withdrawal_lag_days = models.IntegerField(_("days to withdraw"), null=True, blank=True)
    withdrawal_late = models.BooleanField(_("withdrawn late"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "item_code", "decision_number"],
                name="records_record_decision_unique",
            )
        ]
        indexes = [
            # Monthly timeliness figures per department.
            models.Index(fields=["department", "reported_on"], name="records_record_reported"),
            # The expiry job: active records whose publication has ended.
            models.Index(
                fields=["publication_max_end"],
                condition=Q(status=RecordStatus.ACTIVE),
                name="records_record_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.decision_number}"

    @property
    def is_published(self) -> bool:
        """Whether the record is shown on the portal today: active, public, published, inside
        its publication window."""
        today = timezone.localdate()
        return (
            self.status == RecordStatus.ACTIVE
            and self.published in ("required", "optional")
            and self.disclosure == "public"
            and (self.publication_from is None or self.publication_from <= today)
            and (self.publication_max_end is None or today <= self.publication_max_end)
        )


class RecordVersion(models.Model):
    """A superseded version of a record, kept when a changed re-send corrects it.

    The current version lives on the record; this table holds every earlier one with its own
    provenance, so "what did the department report on day D" stays answerable
    (STYLE.md §10).
    """

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", db_index=False)
    values = models.JSONField(_("values"))
    original = models.JSONField(_("values as received"))
    sealed = models.TextField(_("sealed personal numbers"), blank=True)
    digest = models.CharField(_("content digest"), max_length=64)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+", db_index=False)
    batch_row = models.PositiveIntegerField(_("row in batch"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    superseded_at = models.DateTimeField(_("superseded"))
    superseded_by_batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["record", "version"]
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="records_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"
