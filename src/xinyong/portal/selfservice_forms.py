"""The subject log-in form of the self-service pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SubjectLoginForm(forms.Form):
    code = forms.CharField(
        label=_("Unified social credit code or ID number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
