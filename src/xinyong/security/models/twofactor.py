"""Authenticator devices of staff members: the second factor of the staff log-in.

Who can read non-public credit information must prove more than a password (等保 2.0 third
level: 双因素鉴别 for administrators; 个人信息保护法 art. 51 (三) 采取相应的加密、去标识化等安全
技术措施). One device per user, enrolled by showing the secret and confirming one code.

The TOTP secret is stored encrypted with ``xinyong.core.crypto`` (the same keys as ID
numbers, re-encrypted by ``xinyong keys rotate``). ``last_used_step`` is the time step of the
last accepted code: a code is accepted only for a later step, so it cannot be replayed
(RFC 6238 §5.2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TotpDevice(models.Model):
    """A user's authenticator (TOTP, RFC 6238), pending until its first code is confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="totp_device",
    )
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last accepted time step"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"TOTP · {self.user}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
