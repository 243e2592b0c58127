"""Forms of the listing console pages: one per action, each carrying the case version it was
shown with (a stale submission is refused with ``LISTING_STALE``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.core.lookup import lookup_subject
from xinyong.core.models import Department, Subject
from xinyong.lists.choices import BasisDocumentType, LeniencyOutcome
from xinyong.lists.models import ListingCase, ListType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text or _("Leave empty for today."),
    )


def find_subject(value: str) -> Subject | None:
    """The subject with this unified social credit code, or (natural persons) this resident
    ID number — looked up by its keyed hash, never by the plain number."""
    return lookup_subject(value)[1]


class CreateCaseForm(forms.Form):
    list_type = forms.ChoiceField(label=_("List type"))
    department = forms.ChoiceField(label=_("Initiating department"))
    subject_identifier = forms.CharField(
        label=_("Subject"),
        max_length=40,
        help_text=_("Unified social credit code, or the resident ID number of a person."),
    )
    basis_document_type = forms.ChoiceField(
        label=_("Basis document type"), choices=BasisDocumentType.choices
    )
    basis_document_number = forms.CharField(label=_("Basis document number"), max_length=100)
    basis_document_date = forms.DateField(label=_("Basis document date"), widget=DateInput())
    basis_document_issuer = forms.CharField(label=_("Issued by"), max_length=200)
    facts = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self,
        *args: Any,
        list_types: list[ListType],
        departments: list[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["list_type"].choices = [(t.code, t.name_zh) for t in list_types]  # type: ignore[attr-defined]
        self.fields["department"].choices = [(str(d.pk), d.name) for d in departments]  # type: ignore[attr-defined]
        self.departments = {str(d.pk): d for d in departments}
        self.subject: Subject | None = None

    def clean_subject_identifier(self) -> str:
        value = str(self.cleaned_data["subject_identifier"])
        self.subject = find_subject(value)
        if self.subject is None:
            raise forms.ValidationError(
                _("No subject with this identifier is known to the platform."),
                code="SUBJECT_NOT_FOUND",
            )
        return value


class VersionedForm(forms.Form):
    """Base of the action forms: the case version the page was rendered with."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class NoticeForm(VersionedForm):
    notice_date = date_field(_("Date the notice is served"))


class CloseWindowForm(VersionedForm):
    pass


class ObjectionForm(VersionedForm):
    received_on = date_field(_("Objection received on"))
    grounds = forms.CharField(
        label=_("Grounds of the objection"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(VersionedForm):
    OUTCOMES = [
        ("rejected", _("Rejected: the listing proceeds (or the term resumes)")),
        ("upheld", _("Upheld")),
        ("upheld_redraft", _("Upheld in part: correct and notify again (before listing only)")),
    ]
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES, widget=forms.RadioSelect)
    answered_on = date_field(_("Answered on"))
    answer = forms.CharField(
        label=_("Answer and reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )


class LeniencyForm(VersionedForm):
    grounds_found = forms.MultipleChoiceField(
        label=_("Leniency grounds found"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none if no ground applies."),
    )
    outcome = forms.ChoiceField(
        label=_("Conclusion"), choices=LeniencyOutcome.choices, widget=forms.RadioSelect
    )
    conclusion = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, case: ListingCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds_found"].choices = [  # type: ignore[attr-defined]
            (g["code"], g["zh"]) for g in case.list_type.leniency_grounds
        ]


class DecideForm(VersionedForm):
    decision_date = date_field(_("Decision date"))
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for the list type's default term."),
    )
    extension_months = forms.IntegerField(
        label=_("Extension (months)"), required=False, min_value=0
    )
    extension_grounds = forms.CharField(
        label=_("Grounds of the extension"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublishForm(VersionedForm):
    listed_on = date_field(_("Entered on the list on (term start)"))


class EarlyRemovalRequestForm(VersionedForm):
    ground = forms.ChoiceField(label=_("Early-removal ground"))
    occurred_on = forms.DateField(label=_("Date of performance or correction"), widget=DateInput())
    commitment_signed = forms.BooleanField(label=_("Credit commitment signed"), required=False)

    def __init__(self, *args: Any, case: ListingCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [  # type: ignore[attr-defined]
            (c["code"], c["zh"]) for c in case.list_type.early_removal
        ]


class RemoveEarlyForm(VersionedForm):
    removed_on = date_field(_("Removed on"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RepairForm(VersionedForm):
    repair_reference = forms.CharField(label=_("Repair decision (number)"), max_length=200)
    removed_on = date_field(_("Removed on"))


class RevokeForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    removed_on = date_field(_("Removed on"))


class CloseForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
