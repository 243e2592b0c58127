"""Forms of the portal and console pages of objections and repair (labels through gettext;
the actions do the checking that can refuse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinyong.repair.choices import ObjectionGround, ObjectionOutcome, TargetKind


class DateInput(forms.DateInput):
    input_type = "date"


class ObjectionForm(forms.Form):
    target = forms.ChoiceField(label=_("Against"), choices=TargetKind.choices)
    target_id = forms.IntegerField(label=_("Number of the record or listing case"), min_value=1)
    subject_identifier = forms.CharField(
        label=_("Your unified social credit code or ID number"), max_length=40
    )
    filer_name = forms.CharField(label=_("Your name"), max_length=100)
    filer_contact = forms.CharField(label=_("Telephone or e-mail"), max_length=100, required=False)
    ground = forms.ChoiceField(label=_("Ground"), choices=ObjectionGround.choices)
    statement = forms.CharField(
        label=_("What is wrong, and why"), widget=forms.Textarea(attrs={"rows": 5})
    )


class ApplicationForm(forms.Form):
    record = forms.IntegerField(label=_("Number of the record"), min_value=1)
    subject_identifier = forms.CharField(
        label=_("Your unified social credit code or ID number"), max_length=40
    )
    applicant_name = forms.CharField(label=_("Your name"), max_length=100)
    applicant_contact = forms.CharField(
        label=_("Telephone or e-mail"), max_length=100, required=False
    )
    statement = forms.CharField(
        label=_("How the violation was corrected and the obligations performed"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    restructuring = forms.BooleanField(
        label=_("The company is under court-approved restructuring"), required=False
    )
    proof_of_performance = forms.FileField(label=_("Proof of performance"), required=False)
    credit_commitment = forms.FileField(label=_("Signed credit commitment"), required=False)
    court_restructuring_order = forms.FileField(
        label=_("Court ruling approving the restructuring plan"), required=False
    )


class ProgressForm(forms.Form):
    code = forms.CharField(label=_("Query code"), max_length=16)
    identifier = forms.CharField(
        label=_("Your unified social credit code or ID number"), max_length=40
    )


class DecideObjectionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ObjectionOutcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Initial review"),
        choices=[("1", _("Materials complete: pass to the sector authority")),
                 ("0", _("Return to complete the materials"))],
        coerce=lambda v: v == "1",
    )  # fmt: skip
    note = forms.CharField(
        label=pgettext_lazy("repair", "Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DecideApplicationForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=pgettext_lazy("repair", "Decision"),
        choices=[("1", _("Approve: repair")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class HigherReviewForm(forms.Form):
    """The higher credit platform's answer, recorded by a credit-office reviewer."""

    approve = forms.TypedChoiceField(
        label=_("The higher platform's answer"),
        choices=[("1", _("Confirmed: repair takes effect")), ("0", _("Not confirmed"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
