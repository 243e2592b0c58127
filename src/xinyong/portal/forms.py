"""The portal's search form (a GET form: results have a shareable address)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

QUERY_MAX_LENGTH = 100


class SubjectSearchForm(forms.Form):
    """Search credit subjects by name or by unified social credit code."""

    q = forms.CharField(
        label=_("Name or unified social credit code"),
        help_text=_("Enter all or part of a name, or an 18-character unified social credit code."),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
