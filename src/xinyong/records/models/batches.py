"""Batches (批次): every submission of records, whatever its channel, and its per-row report.

Why this exists: a department sends records by the API, by a file uploaded in the console or
by ``xinyong import``; each submission must be answerable later — what was sent, when, by
whom, what became of every row, and (for a long file) how far processing got. A batch is
processed in chunks that each commit on their own (``last_committed_row``), so a crash loses
only the chunk in flight and the batch resumes after its last committed row
(docs/collection.md, "Crashes and resuming").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department
from xinyong.records.choices import BatchStatus, Channel, RowOutcome


class Batch(models.Model):
    """One submission of rows of one catalog item by one department."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="batches"
    )
    item_code = models.CharField(_("catalog item"), max_length=64)
    item_edition = models.CharField(_("catalog edition"), max_length=64, blank=True)
    record_kind = models.CharField(_("record kind"), max_length=16, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    # Re-sending is safe: a second submission with the same key returns this batch.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    # SHA-256 of the submission (JSON rows, or the file's bytes) to tell a true re-send from
    # a different submission that reuses a key.
    content_digest = models.CharField(_("content digest"), max_length=64, blank=True)

    # Source: the file as received (uploads and the CLI), kept to resume a stopped batch.
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    source_path = models.CharField(_("stored file"), max_length=500, blank=True)
    source_format = models.CharField(_("format"), max_length=8, blank=True)
    source_encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    source_size = models.BigIntegerField(_("size in bytes"), null=True, blank=True)
    header = models.JSONField(_("columns as received"), default=list, blank=True)

    # Progress and totals.
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    # Share of the source read, in thousandths (bytes of a CSV, rows of an XLSX).
    progress_permille = models.PositiveSmallIntegerField(_("progress (‰)"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    accepted_with_warnings = models.PositiveIntegerField(_("accepted with warnings"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    corrected = models.PositiveIntegerField(_("corrected"), default=0)
    # Row number (1-based data row, as the file counts it) of the last committed chunk's end.
    last_committed_row = models.PositiveIntegerField(_("last committed row"), default=0)
    chunks_committed = models.PositiveIntegerField(_("chunks committed"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("sent by (label)"), max_length=150, blank=True)
    received_at = models.DateTimeField(_("received"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # A failure of the whole submission (the file, not a row).
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error_message_zh = models.TextField(_("error (Chinese)"), blank=True)
    error_message_en = models.TextField(_("error (English)"), blank=True)
    error_details = models.JSONField(_("error details"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="records_batch_idempotency_unique",
            )
        ]
        indexes = [
            models.Index(fields=["department", "received_at"], name="records_batch_received")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item_code} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    @property
    def accepted_total(self) -> int:
        """Rows held by a record: new, new with warnings, unchanged re-sends, corrections."""
        return self.accepted + self.accepted_with_warnings + self.unchanged + self.corrected

    @property
    def percent(self) -> int:
        """Progress in whole percent: rows when the total is known, else bytes read."""
        if self.status == BatchStatus.DONE:
            return 100
        if self.rows_total:
            return min(99, self.rows_processed * 100 // self.rows_total)
        return min(99, self.progress_permille // 10)


class BatchRow(models.Model):
    """The outcome of one row of a batch.

    ``issues`` lists the row's errors and warnings as ``{field, code, severity, message_zh,
    message_en}``. ``raw`` keeps a rejected row's values as received (aligned with
    ``Batch.header``) so that the rejected rows can be sent back as a spreadsheet to fix;
    an accepted row's values live on its record (``Record.original``).
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=RowOutcome.choices)
    decision_number = models.CharField(_("decision number"), max_length=128, blank=True)
    issues = models.JSONField(_("issues"), null=True, blank=True)
    raw = models.JSONField(_("values as received"), null=True, blank=True)
    record = models.ForeignKey(
        "records.Record",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("batch row")
        verbose_name_plural = _("batch rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="records_batchrow_unique")
        ]
        indexes = [
            # A duplicate of an earlier unchanged re-send in the same batch is found with this
            # index (xinyong.records.actions.chunks._reject_duplicates).
            models.Index(
                fields=["batch", "decision_number"],
                condition=Q(outcome=RowOutcome.UNCHANGED),
                name="records_batchrow_unchanged",
            ),
            # The report lists the rows that were not simply accepted; most rows are.
            models.Index(
                fields=["batch", "outcome", "row_number"],
                condition=~Q(outcome=RowOutcome.ACCEPTED),
                name="records_batchrow_notable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.outcome}"
