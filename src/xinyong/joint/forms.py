"""Forms of the joint-action console pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.joint.choices import FeedbackOutcome
from xinyong.measures.choices import Matter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FeedbackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=FeedbackOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the measures are not applicable or could not be applied."),
    )
    given_on = forms.DateField(
        label=_("Date"), required=False, widget=DateInput(), help_text=_("Leave empty for today.")
    )


class DepartmentChoiceForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))

    def __init__(self, *args: Any, departments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.code, d.name) for d in departments]


class EndpointForm(DepartmentChoiceForm):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address of your department's system that receives the events."),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class WatchForm(DepartmentChoiceForm):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=40,
        help_text=_("Unified social credit code, or the resident ID number of a person."),
    )
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    grant_reference = forms.CharField(
        label=_("Grant reference"),
        max_length=100,
        help_text=_("Your licence, contract or award number."),
    )
    granted_on = forms.DateField(label=_("Granted on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
