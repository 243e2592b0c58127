"""Webhook endpoints of departments and the deliveries made to them.

Why this exists: a department's own system should learn of a listing change without a person
reading the console (信息推送, seed 002 (十九)). A department registers an HTTPS endpoint and
receives a secret; every event is POSTed as JSON and signed with HMAC-SHA256 over the
timestamp and the body (docs/joint-action.md, "Webhooks"). Delivery is at-least-once: the
state of each delivery is in :class:`WebhookDelivery` (attempts, next attempt, lease), so a
worker killed mid-delivery leaves a row that is picked up again once its lease runs out;
receivers dedupe by the event id.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department
from xinyong.joint.choices import DeliveryStatus
from xinyong.joint.models.announcements import InboxItem


class WebhookEndpoint(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="webhook_endpoints",
        verbose_name=_("department"),
    )  # fmt: skip
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The signing secret, encrypted at rest (xinyong.core.crypto); shown once when issued.
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    secret_hint = models.CharField(_("secret ends with"), max_length=8)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by_label = models.CharField(_("registered by"), max_length=200)
    secret_rotated_at = models.DateTimeField(_("secret issued"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["department", "pk"]

    def __str__(self) -> str:
        return f"{self.department_id} · {self.url}"


class WebhookDelivery(models.Model):
    """One event to one endpoint, until delivered or dead-lettered. The body is frozen when
    the delivery is created, so every attempt sends the same bytes."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="deliveries")
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event type"), max_length=40)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Set while a worker is sending: another worker leaves the row alone until it runs out.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dead-lettered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="joint_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="joint_delivery_due")]

    def __str__(self) -> str:
        return f"{self.endpoint_id} · {self.event_id} · {self.status}"
