"""Console pages of objections and repair (mounted under ``/console/repair/``): the worklist
(due and overdue), an objection and an application with their history and materials, and
the forms to answer, review and decide. Thin: forms → actions; coded errors → messages.
Who sees what: ``xinyong.repair.permissions.restrict`` (404 for anything else).

An objection or an application holds non-public data (the statement, the filer's contact,
the materials): every page showing one, and every material opened, writes a query-register
entry (``xinyong.security.actions.register.record_access``) in the transaction of the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.console.views import staff_required
from xinyong.errors import CodedError
from xinyong.policy.regimes import regime_for
from xinyong.repair import actions
from xinyong.repair.eligibility import required_materials
from xinyong.repair.forms import (
    DecideApplicationForm,
    DecideObjectionForm,
    HigherReviewForm,
    ReviewForm,
)
from xinyong.repair.materials import open_material
from xinyong.repair.models import Notification, Objection, RepairApplication, RepairMaterial
from xinyong.repair.permissions import is_reviewer, owns, restrict
from xinyong.repair.queries import worklist
from xinyong.security.actions.register import record_access
from xinyong.security.choices import LegalBasis

#: What a detail page shows that is not public (the register lists the fields read).
OBJECTION_FIELDS = ("statement", "filer_name", "filer_contact", "ground", "reasons")
APPLICATION_FIELDS = ("statement", "applicant_name", "applicant_contact", "materials")


def _visible(model: Any, request: HttpRequest, pk: int) -> Any:
    found = restrict(model.objects.all(), request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _register(request: HttpRequest, obj: Objection | RepairApplication, *, purpose: str,
              fields: tuple[str, ...], material: RepairMaterial | None = None) -> None:  # fmt: skip
    """One query-register entry for a read of ``obj`` (or of one of its materials)."""
    with transaction.atomic():
        record_access(
            actor=request.user,  # type: ignore[arg-type]
            purpose=purpose,
            legal_basis=LegalBasis.STATUTORY_DUTY,
            subject=obj.subject,
            obj=material or obj,
            fields=fields,
        )


def _materials(application: RepairApplication) -> list[tuple[RepairMaterial, str]]:
    """The materials with the regime's name for each kind, in the page's language."""
    labels: dict[str, str] = {}
    if application.record.decision_date is not None:
        try:
            regime = regime_for(application.record.decision_date)
        except CodedError:
            regime = None
        if regime is not None:
            english = (get_language() or "").startswith("en")
            for m in required_materials(regime, restructuring=True):
                labels[str(m["code"])] = str(m["en"] if english else m["zh"])
    return [(m, labels.get(m.material_code, m.material_code)) for m in application.materials.all()]


def _history(obj: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        # Reads are in the query register, not in the procedure's history.
        .exclude(event_type=EventType.QUERY_REGISTERED)
        .order_by("seq")
    )


@require_safe
@staff_required
def worklist_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    due = request.GET.get("due") == "1"
    work = worklist(request.user, today=today, overdue_only=overdue, due_only=due)
    return render(
        request,
        "repair/console/worklist.html",
        {"work": work, "today": today, "overdue": overdue, "due": due},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _visible(Objection, request, pk)
    forward = request.POST.get("operation") == "forward"
    form = DecideObjectionForm(request.POST if request.method == "POST" and not forward else None)
    if request.method == "POST" and (forward or form.is_valid()):
        try:
            if forward:
                actions.do_forward_objection_to_listing(
                    objection,
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            else:
                actions.do_decide_objection(
                    objection,
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data["reasons"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
        except CodedError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
        else:
            messages.success(request, "已办理。/ Done.")
            return HttpResponseRedirect(reverse("console:repair-objection", args=[pk]))
    _register(request, objection, purpose=f"办理异议 {objection.reference}",
              fields=OBJECTION_FIELDS)  # fmt: skip
    return render(
        request,
        "repair/console/objection.html",
        {
            "objection": objection,
            "form": form,
            "may_decide": objection.status != "decided"
            and (objection.target_kind == "listing" or owns(request.user, objection.department_id)),
            "history": _history(objection),
            "notices": Notification.objects.filter(objection=objection).order_by("pk"),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(RepairApplication, request, pk)
    review = ReviewForm(request.POST if request.POST.get("operation") == "review" else None)
    decide = DecideApplicationForm(
        request.POST if request.POST.get("operation") == "decide" else None
    )
    higher = HigherReviewForm(request.POST if request.POST.get("operation") == "higher" else None)
    if request.method == "POST":
        try:
            if request.POST.get("operation") == "review" and review.is_valid():
                actions.do_review_repair_application(
                    application,
                    passed=review.cleaned_data["passed"],
                    note=review.cleaned_data["note"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            elif request.POST.get("operation") == "decide" and decide.is_valid():
                actions.do_decide_repair_application(
                    application,
                    approve=decide.cleaned_data["approve"],
                    reasons=decide.cleaned_data["reasons"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            elif request.POST.get("operation") == "higher" and higher.is_valid():
                actions.do_record_higher_review(
                    application,
                    approve=higher.cleaned_data["approve"],
                    note=higher.cleaned_data["note"],
                    acting_user=request.user,  # type: ignore[arg-type]
                )
            else:
                raise Http404
        except CodedError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
        else:
            messages.success(request, "已办理。/ Done.")
            return HttpResponseRedirect(reverse("console:repair-application", args=[pk]))
    _register(request, application, purpose=f"审核信用修复申请 {application.reference}",
              fields=APPLICATION_FIELDS)  # fmt: skip
    return render(
        request,
        "repair/console/application.html",
        {
            "application": application,
            "materials": _materials(application),
            "review_form": review,
            "decide_form": decide,
            "may_review": application.status == "initial_review" and is_reviewer(request.user),
            "may_decide": application.status == "authority_review"
            and owns(request.user, application.department_id),
            "higher_form": higher,
            "may_higher_review": application.status == "higher_review"
            and is_reviewer(request.user),
            "history": _history(application),
            "notices": Notification.objects.filter(application=application).order_by("pk"),
            "today": timezone.localdate(),
        },
    )


@require_safe
@staff_required
def material_view(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    """One material of an application, as uploaded (decrypted), for those who may see the
    application (404 otherwise); ``?download=1`` saves it instead of showing it. Each
    opening is registered."""
    application = _visible(RepairApplication, request, pk)
    material = RepairMaterial.objects.filter(application=application, pk=material_id).first()
    if material is None:
        raise Http404
    try:
        content = open_material(material.stored_path)
    except FileNotFoundError:
        raise Http404 from None
    _register(
        request,
        application,
        purpose=f"查阅信用修复申请材料 {application.reference}",
        fields=(f"material:{material.material_code}",),
        material=material,
    )
    response = HttpResponse(content, content_type=material.content_type or "application/pdf")
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        material.content_type, "bin"
    )
    # The name given by the public is not put in a header; the download is named by the
    # application and the kind of material.
    filename = f"{application.reference}-{material.material_code}-{material.pk}.{extension}"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = material.sha256
    return response
