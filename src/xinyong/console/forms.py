"""The staff log-in form: Django's authentication, limited to staff accounts."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import User


class StaffAuthenticationForm(AuthenticationForm):
    """Django's log-in form, refusing accounts that are not staff.

    A non-staff account (a future subject representative) must not get a console session;
    refusing here, with a message, avoids a redirect loop between the console and log-in.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _("This account does not have access to the staff console."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # No autofocus: it would skip the page's heading, explanation and skip link for
        # keyboard and screen-reader users.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")
