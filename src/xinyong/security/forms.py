"""Forms of the security pages: authenticator codes, API tokens, the register search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department
from xinyong.security.choices import TokenScope


class CodeForm(forms.Form):
    """The 6-digit code of the authenticator app."""

    code = forms.CharField(
        label=_("Authenticator code"),
        help_text=_("The 6 digits your authenticator app shows now."),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The system that will use the token, e.g. “licensing system”."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(active=True).order_by("division", "name"),
        empty_label=_("Choose the department"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the system needs."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The maximum is a setting, read per form (tests and deployments change it).
        maximum = settings.XINYONG_API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=maximum,
            initial=min(90, maximum),
            help_text=_("At most %(days)s days.") % {"days": maximum},
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterSearchForm(forms.Form):
    """ "Who looked at subject X last month, and why": every field is optional."""

    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        help_text=_("Name (or part of it), unified social credit code or full ID number."),
    )
    user = forms.CharField(label=_("User or token"), required=False)
    department = forms.CharField(label=_("Department code"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
