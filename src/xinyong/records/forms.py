"""Console forms of collection: uploading a file, withdrawing a record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.core.models import Department


class UploadForm(forms.Form):
    """A CSV or XLSX file of one catalog item for one department the user reports for."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), empty_label=None
    )
    item = forms.ChoiceField(
        label=_("Catalog item"),
        help_text=_("One item per file: its columns are the item's field codes or names."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8, GBK or GB18030; detected) or XLSX. The first row is the header: "
            "field codes such as CF_WSH or the Chinese field names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        # An empty file still becomes a batch, failed with FILE_EMPTY like on every channel.
        allow_empty_file=True,
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        items: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        if len(departments) == 1:
            field.initial = departments[0].pk
        item_field = self.fields["item"]
        assert isinstance(item_field, forms.ChoiceField)
        item_field.choices = items


class WithdrawForm(forms.Form):
    """Why and since when a record's decision no longer stands (行政处罚法 art. 48)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the decision was changed, revoked or found invalid."),
    )
    decision_changed_on = forms.DateField(
        label=_("Date the decision was changed"),
        help_text=_("YYYY-MM-DD. The law allows 3 days from this date to withdraw."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_decision_changed_on(self) -> Any:
        value = self.cleaned_data["decision_changed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be after today."))
        return value
