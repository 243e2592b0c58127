"""API tokens of department systems (部门系统接口令牌).

A department's own system (its licensing or penalty database) reports and checks through the
API without a person at the keyboard. It authenticates with a bearer token bound to ONE
department and to the scopes it needs, with a required expiry (at most
``XINYONG_API_TOKEN_MAX_DAYS``), so that a leaked token does limited harm for a limited time
(个人信息保护法 art. 51: 合理确定操作权限; seed 000 §3(1): 明确信息查询使用权限和程序).

Only the keyed hash of the token is stored (``credentials.token_digest``); the token itself
is shown once, at creation. Rows are never deleted: a revoked or expired token stays, with
who revoked it and why, and the query register names tokens by id.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self, at: datetime | None = None) -> ApiTokenQuerySet:
        """Not revoked and not yet expired at ``at`` (now by default)."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ApiToken(models.Model):
    """One bearer token of one department system."""

    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    # A list of TokenScope values; validated by the actions.
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    # HMAC-SHA256 of the whole token under the token key; never the token itself.
    digest = models.CharField(_("token hash"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    rotated_from = models.OneToOneField(
        "self",
        verbose_name=_("rotated from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rotated_to",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="security_apitoken_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (xy_{self.prefix}_…)"

    @property
    def display_prefix(self) -> str:
        """How a token is named in lists and logs: enough to recognise, nothing to use."""
        return f"xy_{self.prefix}_…"

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at

    def status(self, at: datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked`` (for lists)."""
        at = at or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > at else "expired"
