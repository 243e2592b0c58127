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
    actor_label = models.CharField(_("who"), max_length=200, db_index=True)
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
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    audit_seq = models.BigIntegerField(_("audit event"), unique=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.accessed_at:%Y-%m-%d %H:%M} {self.actor_label} → {self.subject_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("access records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("access records cannot be deleted")
