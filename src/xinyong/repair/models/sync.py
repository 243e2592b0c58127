"""Synchronised repair events (一次申请、同步修复、完全修复, seed 003 五(一)).

Why this exists: one application repairs the record on every connected platform. When a
repair completes here, an event (schema in docs/repair.md, "Synchronised repair") is stored
as outgoing, for the exchange transport (a later issue) to send; an event received from
another platform is applied once — ``event_id`` is unique, so applying the same event again
changes nothing and answers with the first outcome.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.repair.choices import SyncDirection, SyncOutcome


class RepairSyncEvent(models.Model):
    event_id = models.UUIDField(_("event id"), unique=True)
    direction = models.CharField(_("direction"), max_length=4, choices=SyncDirection.choices)
    outcome = models.CharField(_("outcome"), max_length=24, choices=SyncOutcome.choices)
    payload = models.JSONField(_("event"))
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "repair.RepairApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sync_events",
    )
    origin = models.CharField(_("origin platform"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("repair sync event")
        verbose_name_plural = _("repair sync events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.event_id} {self.outcome}"
