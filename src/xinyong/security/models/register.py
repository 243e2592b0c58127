"""The query register (查询使用登记台帐): one row for every read of non-public data.

Seeds 000 §3(1), 001 §(十三) and 003 §七(二) require a register of who queried and used
credit information, with permissions and a procedure, so that a leak can be traced to a
person; 个人信息保护法 art. 54–55 requires that the processing of personal information be
auditable. Each row says who (a staff member or a department system's token, with its
department), why (purpose and legal basis, or the consent reference), what (subject, object
and fields) and when (time and request id).

A row is written by ``actions.register.record_access`` in the transaction of the read, with
an audit event (9101 ``QUERY_REGISTERED``, or the read's own type such as 1301
``PERSONAL_ID_UNMASKED``) whose ``after`` holds a digest of the row: the hash chain covers
the register, and ``verify_register`` finds a row changed or deleted after the fact.

Checks (应查必查, hundreds a second) are registered without an audit event each: their rows
form short hash chains of their own (``chain``, ``chain_seq``, ``prev_hash``, ``row_hash``;
one chain per process slot, so concurrent checks do not queue on one lock), and the head of
each chain is anchored in the audit chain by a ``REGISTER_ANCHORED`` event every
``ANCHOR_EVERY`` rows and by ``xinyong checks anchor`` (docs/decisions/0070-register-chains.md).
Such a row has no ``audit_seq``.

People and departments are snapshots (ids and names), like audit events: the register must
outlive the accounts, tokens and subject names it names.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.audit.models import AppendOnlyError
from xinyong.security.choices import ActorKind, LegalBasis


class AccessRecord(models.Model):
    """One look at non-public data, immutable once written."""

    accessed_at = models.DateTimeField(_("time"), db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    # The user name, or "token xy_<prefix>_… <name>" for a department system.
    actor_label = models.CharField(_("who"), max_length=200)
    token_id = models.BigIntegerField(_("token id"), null=True, blank=True)
    department_code = models.CharField(_("department"), max_length=32, blank=True)
    department_name = models.CharField(_("department name"), max_length=100, blank=True)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    # The article relied on, or the consent's reference number.
    basis_reference = models.CharField(_("basis reference"), max_length=200, blank=True)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    subject_name = models.CharField(_("subject"), max_length=200, blank=True)
    # The USCC, or the MASKED ID number of a natural person (never the number itself).
    subject_code = models.CharField(_("subject code"), max_length=40, blank=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # The criteria of a search or an export (what was asked, not what was found).
    query = models.JSONField(_("query"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # The audit event of the row; None for a chained row (below).
    audit_seq = models.BigIntegerField(_("audit event"), unique=True, null=True, blank=True)
    # Register chain (docs/decisions/0070-register-chains.md): the chain, the row's place in
    # it, the previous row's hash and this row's hash (over its content and prev_hash).
    chain = models.PositiveSmallIntegerField(_("register chain"), null=True, blank=True)
    chain_seq = models.BigIntegerField(_("place in the chain"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    row_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [
            models.Index(fields=["subject_id", "accessed_at"], name="security_access_subject"),
            models.Index(fields=["actor_user_id", "accessed_at"], name="security_access_user"),
            models.Index(
                fields=["department_code", "accessed_at"], name="security_access_department"
            ),
            # Plain indexes (equality, IN): ``db_index`` on a CharField also builds a LIKE
            # index on PostgreSQL, which no search uses and every check's row paid for.
            models.Index(fields=["actor_label"], name="security_access_actor"),
            models.Index(fields=["request_id"], name="security_access_request"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="security_access_chain")
        ]

    def __str__(self) -> str:
        return f"{self.accessed_at:%Y-%m-%d %H:%M} {self.actor_label} → {self.subject_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("access records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("access records cannot be deleted")


class RegisterChainHead(models.Model):
    """The last row of one register chain, and the last one anchored in the audit chain.

    Writers of a chain lock its head row (``UPDATE … RETURNING``) for the rest of their
    transaction, so a chain never forks; different chains never wait for each other."""

    chain = models.PositiveSmallIntegerField(_("register chain"), primary_key=True)
    last_seq = models.BigIntegerField(_("last row"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default="0" * 64)
    # The hash before the last row (set by the same UPDATE that advances the head).
    prev_hash = models.CharField(_("previous hash"), max_length=64, default="0" * 64)
    anchored_seq = models.BigIntegerField(_("last anchored row"), default=0)

    class Meta:
        verbose_name = _("register chain head")
        verbose_name_plural = _("register chain heads")

    def __str__(self) -> str:
        return f"register chain {self.chain} at {self.last_seq}"
