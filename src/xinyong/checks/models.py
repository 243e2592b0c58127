"""Checks before granting (应查必查) as they were made: who asked, for what, and the answer.

Why this exists: before a department grants a licence, a contract, funds or an honour it must
ask the platform whether the applicant is restricted for that matter (seed 002 (十二)、(十九):
将信用信息查询使用嵌入审批、监管工作流程中，确保"应查必查"、"奖惩到位"; 财库〔2016〕125号: the
query evidence is kept with the procurement file). A department must be able to prove later
what it was told, and the platform must be able to say what it answered on a past day (the
recorded timeline, STYLE §10). So every check is kept:

- ``Check``: one request (a single check or a batch): who (staff member or department system,
  with its department — snapshots, like the audit trail), purpose and reference, matter, the
  legal day the answer is for, counts, and the signed receipt exactly as issued;
- ``CheckAnswer``: one line per subject: the code as given (masked for natural persons), the
  subject found, the answer and, when it is not "clear", the measures and listings behind it.

Both are append-only (``AppendOnlyError`` on change or delete). Each check also writes a
query-register row (``xinyong.security``; ``object_type`` "checks.check", ``object_id`` the
receipt id; ``queries.register_entry`` finds it) whose audit event digests the receipt.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.audit.models import AppendOnlyError
from xinyong.checks.choices import Answer, CheckKind
from xinyong.core.models import Department, Subject
from xinyong.security.choices import ActorKind


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.label} rows cannot be deleted")


class Check(_AppendOnly):
    """One check request and its signed receipt (immutable once written)."""

    # The receipt's id: random, so that it reveals nothing about how many checks were made.
    public_id = models.UUIDField(_("receipt id"), unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CheckKind.choices)
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    # The legal day the answer is for (Asia/Shanghai date of ``checked_at``).
    checked_on = models.DateField(_("answer for the day"))
    matter = models.CharField(_("matter"), max_length=64)
    purpose = models.TextField(_("purpose"))
    # The grant the check is made for (a procurement project number, an application number).
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_label = models.CharField(_("who"), max_length=200)
    token_id = models.BigIntegerField(_("token id"), null=True, blank=True)
    # No index of its own: ``checks_check_department`` (department, checked_at) serves.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
        db_index=False,
    )
    department_code = models.CharField(_("department code"), max_length=32)
    department_name = models.CharField(_("department name"), max_length=100)
    subject_count = models.PositiveIntegerField(_("subjects"))
    restricted_count = models.PositiveIntegerField(_("restricted"), default=0)
    incentive_count = models.PositiveIntegerField(_("incentive"), default=0)
    clear_count = models.PositiveIntegerField(_("clear"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid codes"), default=0)
    unknown_count = models.PositiveIntegerField(_("unknown subjects"), default=0)
    # The receipt as issued: the signed payload (canonical JSON, UTF-8) and its signature.
    receipt_payload = models.TextField(_("receipt payload"))
    receipt_sha256 = models.CharField(_("receipt SHA-256"), max_length=64)
    signature = models.CharField(_("signature (base64)"), max_length=200)
    signature_alg = models.CharField(_("signature algorithm"), max_length=16)
    key_id = models.CharField(_("key id"), max_length=32)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "checked_at"], name="checks_check_department"),
            models.Index(fields=["matter", "checked_on"], name="checks_check_matter_day"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} · {self.matter} · {self.subject_count}"


class CheckAnswer(_AppendOnly):
    """One subject's line of a check."""

    # No database-level foreign keys on the answer lines: a 10,000-line batch is written by
    # COPY, and a constraint trigger per line and per key doubled its cost. Lines are only
    # ever written by ``xinyong.checks.actions`` in the transaction of their check, with a
    # subject found in the same transaction; subjects and checks are never deleted (PROTECT,
    # append-only) — docs/decisions/0032-batch-checks.md.
    check_request = models.ForeignKey(
        Check,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("check"),
        db_constraint=False,
        # Served by the unique (check_request, position) index; one index less for COPY.
        db_index=False,
    )
    position = models.PositiveIntegerField(_("position"))
    # The code as given, normalised; a natural person's number is stored masked (the full
    # number is kept nowhere in clear: docs/decisions/0006-personal-data-encryption.md).
    subject_code = models.CharField(_("subject code"), max_length=64)
    scheme = models.CharField(_("identifier scheme"), max_length=32, blank=True)
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
        db_constraint=False,
        # Served by the (subject, check_request) index below; one index less for COPY.
        db_index=False,
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    # Measures, listings and objection state behind a non-clear answer; the identifier
    # rule's error for an invalid code; null for a plain "clear".
    detail = models.JSONField(_("detail"), null=True, blank=True)

    class Meta:
        verbose_name = _("check answer")
        verbose_name_plural = _("check answers")
        ordering = ["check_request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_request", "position"], name="checks_answer_position_unique"
            )
        ]
        indexes = [models.Index(fields=["subject", "check_request"], name="checks_answer_subject")]

    def __str__(self) -> str:
        return f"{self.check_request_id} · {self.subject_code} · {self.answer}"
