"""Portal pages of objections and repair (mounted under ``/repair/``): object, apply,
follow progress. No log-in: the subject names itself with its code or ID number, which must
be the subject's own (the actions refuse otherwise); progress needs the query code *and*
that identifier. Thin: forms → actions; coded errors are shown with their code."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from xinyong.errors import CodedError
from xinyong.lists.models import ListingCase
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.api import read_upload
from xinyong.repair.forms import ApplicationForm, ObjectionForm, ProgressForm
from xinyong.repair.materials import MaterialFile
from xinyong.repair.models import Objection
from xinyong.repair.queries import lookup_by_code, subject_notifications


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "repair/portal/index.html", {})


@require_http_methods(["GET", "POST"])
def object_view(request: HttpRequest) -> HttpResponse:
    form = ObjectionForm(request.POST or None, initial=request.GET.dict() or None)
    error: CodedError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        model: Any = ListingCase if data["target"] == "listing" else Record
        target = model.objects.select_related("subject").filter(pk=data["target_id"]).first()
        if target is None:
            form.add_error("target_id", "没有这条信息。/ No such information.")
        else:
            try:
                objection = actions.do_file_objection(
                    target,
                    ground=data["ground"],
                    statement=data["statement"],
                    filer_name=data["filer_name"],
                    filer_contact=data["filer_contact"],
                    subject_identifier=data["subject_identifier"],
                    acting_user=None,
                )
            except CodedError as exc:
                error = exc
            else:
                return render(request, "repair/portal/submitted.html", {"item": objection})
    return render(request, "repair/portal/object.html", {"form": form, "error": error})


@require_http_methods(["GET", "POST"])
def apply_view(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, request.FILES or None,
                           initial=request.GET.dict() or None)  # fmt: skip
    error: CodedError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = [
            MaterialFile(code, data[field].name, read_upload(data[field]))
            for code, field in (
                ("proof-of-performance", "proof_of_performance"),
                ("credit-commitment", "credit_commitment"),
                ("court-restructuring-order", "court_restructuring_order"),
            )
            if data.get(field)
        ]
        try:
            application = actions.do_submit_repair_application(
                data["record"],
                subject_identifier=data["subject_identifier"],
                applicant_name=data["applicant_name"],
                applicant_contact=data["applicant_contact"],
                statement=data["statement"],
                restructuring=data["restructuring"],
                materials=files,
            )
        except CodedError as exc:
            error = exc
        else:
            return render(request, "repair/portal/submitted.html", {"item": application})
    return render(request, "repair/portal/apply.html", {"form": form, "error": error})


@require_safe
def progress_view(request: HttpRequest) -> HttpResponse:
    form = ProgressForm(request.GET or None)
    found = None
    searched = False
    if form.is_valid():
        searched = True
        found = lookup_by_code(form.cleaned_data["code"], form.cleaned_data["identifier"])
    return render(
        request,
        "repair/portal/progress.html",
        {
            "form": form,
            "item": found,
            "is_objection": isinstance(found, Objection),
            "searched": searched,
            "notices": subject_notifications(found) if found is not None else [],
        },
    )
