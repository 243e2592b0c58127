"""The portal's forms: subject search, list filters, report verification (GET forms where the
result is a page with a shareable address; POST only for uploading a PDF)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

QUERY_MAX_LENGTH = 100
#: A credit report is a few hundred kilobytes; refuse anything much larger unread.
REPORT_MAX_BYTES = 20 * 1024 * 1024


class SubjectSearchForm(forms.Form):
    """Search credit subjects by name or by unified social credit code."""

    q = forms.CharField(
        label=_("Name or unified social credit code"),
        help_text=_("Enter all or part of a name, or an 18-character unified social credit code."),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ListFilterForm(forms.Form):
    """Filters of a list publicity page; every field optional."""

    list_type = forms.ChoiceField(label=_("List"), required=False)
    division = forms.ChoiceField(label=_("Administrative division"), required=False)
    listed_from = forms.DateField(label=_("Listed from"), required=False, widget=DateInput)
    listed_to = forms.DateField(label=_("Listed until"), required=False, widget=DateInput)
    q = forms.CharField(
        label=_("Subject name contains"), required=False, max_length=QUERY_MAX_LENGTH
    )

    def __init__(
        self,
        data: object,
        *,
        list_types: list[tuple[str, str]],
        divisions: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["list_type"].choices = [("", _("All lists")), *list_types]  # type: ignore[attr-defined]
        self.fields["division"].choices = [("", _("All divisions")), *divisions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("listed_from"), data.get("listed_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_("The 16-character code printed on the report, with or without dashes."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReportUploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("The report's PDF file"),
        help_text=_("The file is compared with the one issued and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_pdf(self) -> object:
        upload = self.cleaned_data["pdf"]
        if upload.size > REPORT_MAX_BYTES:
            raise forms.ValidationError(_("This file is too large to be a credit report."))
        return upload
