"""Forms of the check console page: one subject, or a CSV file of subjects."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinyong.checks.actions import MAX_BATCH
from xinyong.checks.queries import classify
from xinyong.core.models import Department
from xinyong.records.files import unneutralise_cell

#: The largest CSV of subjects the console takes (10,000 codes fit in well under 1 MB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class _CheckFields(forms.Form):
    department = forms.ChoiceField(label=_("Checking for"))
    matter = forms.ChoiceField(label=_("Matter to be granted"))
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=500,
        help_text=_("Why you check, e.g. supplier qualification review in a procurement."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The file the check is for: project, application or contract number."),
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        matters: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(str(d.pk), d.name) for d in departments]  # type: ignore[attr-defined]
        self.fields["matter"].choices = matters  # type: ignore[attr-defined]
        self.departments = {str(d.pk): d for d in departments}

    def clean_department(self) -> Department:
        return self.departments[self.cleaned_data["department"]]


class CheckForm(_CheckFields):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=64,
        help_text=_("Unified social credit code, or another identifier (ID number, old codes)."),
    )
    field_order = ["subject", "matter", "purpose", "reference", "department"]


def read_codes(data: bytes) -> list[str]:
    """The first column of a CSV file (UTF-8, with or without BOM, or GB18030), blank rows
    skipped; a first row that is no code at all (a header such as "统一社会信用代码") too."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise forms.ValidationError(_("The file is neither UTF-8 nor GB18030 text."))
    codes: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        cell = str(unneutralise_cell(row[0].strip())) if row else ""
        if cell:
            codes.append(cell)
    if codes and not classify(codes[0]).valid and not any(c.isdigit() for c in codes[0]):
        codes = codes[1:]
    return codes


class BatchForm(_CheckFields):
    file = forms.FileField(
        label=_("CSV file of subjects"),
        help_text=_("One code per line in the first column; at most 10,000."),
    )
    field_order = ["file", "matter", "purpose", "reference", "department"]

    def clean_file(self) -> list[str]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        codes = read_codes(upload.read())
        if not codes:
            raise forms.ValidationError(_("The file holds no code."))
        if len(codes) > MAX_BATCH:
            raise forms.ValidationError(
                _("The file holds %(n)s codes; at most %(max)s may be checked at once.")
                % {"n": len(codes), "max": MAX_BATCH}
            )
        return codes
