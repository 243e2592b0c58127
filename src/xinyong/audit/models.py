"""The audit event and the head of its hash chain.

Every state change writes one ``AuditEvent`` in the same transaction as the change
(``xinyong.audit.record.record_event``). Events form a chain: each stores the SHA-256 of its
own canonical content together with the previous event's hash, and ``seq`` counts up from 1
without gaps. Editing a past event breaks its hash; deleting one leaves a gap and breaks the
next event's link; deleting the newest ones is caught against ``AuditChainHead``, whose value
an office can also publish (``xinyong audit head``) to anchor the chain outside the database.

Actors and departments are stored as snapshots (id, user name, department code), not foreign
keys: the trail must outlive the accounts and departments it names.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.audit.events import EventType


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event through the ORM."""


class AuditEvent(models.Model):
    """One change (or one look at non-public data), immutable once written."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    # No ``choices`` on the column: event types are added with every feature, and the
    # trail's meaning comes from EventType (numbers never reused), not from the schema.
    event_type = models.IntegerField(_("event type"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=150)
    department_code = models.CharField(_("department"), max_length=32, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # Subject the event concerns, when there is one (for "who looked at subject X").
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type_label} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def event_type_label(self) -> str:
        """The event type's label, or its number if this code base no longer knows it."""
        try:
            return str(EventType(self.event_type).label)
        except ValueError:
            return str(self.event_type)


class AuditChainHead(models.Model):
    """The newest event's number and hash; one row, locked to append (serialises writers)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.last_seq}:{self.last_hash}"
