"""Accounts of subjects for the self-service pages (``/me/``) of the demo log-in.

Why this exists: a subject (a company, a person) may see its own full record and who checked
it (issue 6 §2, issue 7: "subject X sees the same list in the portal"). In production the
subject is identified by the provincial government-service identity platform
(政务服务统一身份认证), plugged in through ``xinyong.portal.selfservice_auth``; the demo
back-end needs somewhere to keep a password, and this is it. A subject account is not a
staff user: it has no roles, no department and never a Django log-in (docs/portal.md,
"Self-service").

The password is stored as a Django password hash (``make_password``); the account is
created only by ``selfservice_actions.do_create_subject_account`` (audited, event 8902).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Subject


class SubjectAccount(models.Model):
    """The demo log-in of one subject: its password hash and when it last logged in."""

    subject = models.OneToOneField(
        Subject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        related_name="selfservice_account",
    )
    password = models.CharField(_("password hash"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last log-in"), null=True, blank=True)

    class Meta:
        app_label = "portal"
        verbose_name = _("subject account")
        verbose_name_plural = _("subject accounts")

    def __str__(self) -> str:
        return f"account of subject {self.subject_id}"
