"""Console pages of the checks (mounted under ``/console/checks/``).

Server-rendered, no script: check one subject (the answer is shown at once, with its receipt
to download), upload a CSV of subjects for a batch check (results as CSV, cells neutralised
against formula injection), and the past checks of the user's departments. Only staff with
the department-checker role use them; the views call ``xinyong.checks.actions`` and never
write a check themselves.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.checks.actions import do_check_batch, do_check_subject, receipt_document
from xinyong.checks.choices import Answer
from xinyong.checks.forms import BatchForm, CheckForm
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.queries import matter_label, measure_catalogue
from xinyong.console.views import staff_required
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.core.permissions import departments_with_role
from xinyong.errors import CodedError
from xinyong.records.files import neutralise_cell
from xinyong.security.actions.register import record_access
from xinyong.security.choices import LegalBasis

PAGE_SIZE = 50
#: Answer lines shown on a check's page (the CSV has them all).
SHOWN_LINES = 500
CONSOLE_LINK_LABEL = gettext_noop("Check subjects before granting (应查必查)")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def checking_departments(user: User) -> list[Department]:
    return sorted(departments_with_role(user, Role.DEPARTMENT_CHECKER), key=lambda d: d.name)


def matter_choices() -> list[tuple[str, str]]:
    matters = measure_catalogue(on=timezone.localdate()).matters
    labelled = []
    for code in sorted(matters):
        zh, en = matter_label(code)
        labelled.append((code, f"{zh} / {en}" if zh != en else code))
    return labelled


def _forms(
    request: HttpRequest, departments: list[Department], bound: str = ""
) -> tuple[CheckForm, BatchForm]:
    matters = matter_choices()
    kwargs = {"departments": departments, "matters": matters}
    single = CheckForm(
        request.POST if bound == "single" else None,
        prefix="one",
        **kwargs,  # type: ignore[arg-type]
    )
    batch = BatchForm(
        request.POST if bound == "batch" else None,
        request.FILES if bound == "batch" else None,
        prefix="batch",
        **kwargs,  # type: ignore[arg-type]
    )
    return single, batch


def _page(
    request: HttpRequest, departments: list[Department], *, status: int = 200, **context: Any
) -> HttpResponse:
    checks = Check.objects.filter(department__in=departments).order_by("-checked_at", "-pk")
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "departments": departments, **context}
    return render(request, "checks/console/home.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Check one subject; the forms; past checks of the user's departments."""
    user = _user(request)
    departments = checking_departments(user)
    if not departments:
        return render(request, "checks/console/home.html", {"forbidden": True}, status=403)
    single, batch = _forms(request, departments, "single" if request.method == "POST" else "")
    result = None
    if request.method == "POST" and single.is_valid():
        data = single.cleaned_data
        try:
            result = do_check_subject(
                data["subject"],
                matter=data["matter"],
                purpose=data["purpose"],
                reference=data["reference"],
                department=data["department"],
                acting_user=user,
            )
        except CodedError as exc:
            single.add_error(None, exc.message)
    extra: dict[str, Any] = {}
    if result is not None:
        extra = {
            "answer_label": Answer(result.answer.answer).label,
            "result_measures": [m.as_dict() for m in result.answer.measures],
        }
    status = 422 if request.method == "POST" and result is None else 200
    return _page(
        request, departments, status=status, form=single, batch_form=batch, result=result, **extra
    )


@require_POST
@staff_required
def batch(request: HttpRequest) -> HttpResponse:
    """A CSV of subjects → one batch check → its page."""
    user = _user(request)
    departments = checking_departments(user)
    if not departments:
        return render(request, "checks/console/home.html", {"forbidden": True}, status=403)
    single, form = _forms(request, departments, "batch")
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = do_check_batch(
                data["file"],
                matter=data["matter"],
                purpose=data["purpose"],
                reference=data["reference"],
                department=data["department"],
                acting_user=user,
            )
        except CodedError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("console:checks-detail", receipt_id=result.check.public_id)
    return _page(request, departments, form=single, batch_form=form, status=422)


def _visible_check(request: HttpRequest, receipt_id: uuid.UUID) -> Check:
    """A check of one of the user's checking departments; 404 otherwise."""
    departments = checking_departments(_user(request))
    check = Check.objects.filter(public_id=receipt_id, department__in=departments).first()
    if check is None:
        raise Http404
    return check


@require_safe
@staff_required
def detail(request: HttpRequest, receipt_id: uuid.UUID) -> HttpResponse:
    check = _visible_check(request, receipt_id)
    lines = (
        CheckAnswer.objects.filter(check_request=check)
        .select_related("subject")
        .order_by("position")
    )
    noteworthy = lines.exclude(answer=Answer.CLEAR)[:SHOWN_LINES]
    zh, en = matter_label(check.matter)
    return render(
        request,
        "checks/console/detail.html",
        {
            "check": check,
            "matter_zh": zh,
            "matter_en": en,
            "lines": [_line(line) for line in noteworthy],
            "first_lines": [_line(line) for line in lines[:20]] if check.kind == "single" else [],
            "shown_limit": SHOWN_LINES,
        },
    )


def _line(line: CheckAnswer) -> dict[str, Any]:
    detail = line.detail if isinstance(line.detail, dict) else {}
    measures = detail.get("measures", [])
    return {
        "n": line.position + 1,
        "code": line.subject_code,
        "name": line.subject.name if line.subject_id and line.subject else "",
        "known": line.subject_id is not None,
        "answer": line.answer,
        "answer_label": Answer(line.answer).label,
        "applied": sorted({m["code"] for m in measures if m.get("state") == "applied"}),
        "suspended": sorted({m["code"] for m in measures if m.get("state") == "suspended"}),
        "objection_pending": bool(detail.get("objection_pending")),
        "listings": detail.get("listings", []),
        "error": (detail.get("error") or {}).get("code", ""),
        "error_message": (detail.get("error") or {}).get("message_zh", ""),
    }


RESULT_COLUMNS = [
    gettext_noop("No."),
    gettext_noop("Code"),
    gettext_noop("Subject"),
    gettext_noop("Known subject"),
    gettext_noop("Answer"),
    gettext_noop("Measures applied"),
    gettext_noop("Measures suspended"),
    gettext_noop("Objection pending"),
    gettext_noop("Listings (case, decision, term end)"),
    gettext_noop("Error"),
]


@require_safe
@staff_required
def results_csv(request: HttpRequest, receipt_id: uuid.UUID) -> HttpResponse:
    """Every answer line as CSV (UTF-8 with BOM for spreadsheet programs). Cells that a
    spreadsheet could take for a formula are neutralised (OWASP CSV injection): a subject
    name or an error message is data, never a formula. The download is registered."""
    check = _visible_check(request, receipt_id)
    user = _user(request)
    with transaction.atomic():
        record_access(
            actor=user,
            purpose=f"下载核查结果 {check.public_id}",
            legal_basis=LegalBasis.STATUTORY_DUTY,
            object_type="checks.check",
            object_id=str(check.public_id),
            fields=["answer", "measures", "listings"],
            department=check.department,
        )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_(c) for c in RESULT_COLUMNS])
    lines = (
        CheckAnswer.objects.filter(check_request=check)
        .select_related("subject")
        .order_by("position")
    )
    yes, no = _("yes"), _("no")
    for line in lines.iterator(chunk_size=2000):
        row = _line(line)
        listings = "; ".join(
            f"{x.get('reference', '')} {x.get('decision_number', '')} {x.get('term_end', '')}"
            for x in row["listings"]
        )
        cells = [
            row["n"],
            row["code"],
            row["name"],
            yes if row["known"] else no,
            str(row["answer_label"]),
            " ".join(row["applied"]),
            " ".join(row["suspended"]),
            yes if row["objection_pending"] else no,
            listings,
            f"{row['error']} {row['error_message']}".strip(),
        ]
        writer.writerow([neutralise_cell(c) for c in cells])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="check-{check.public_id}.csv"'
    return response


@require_safe
@staff_required
def receipt_json(request: HttpRequest, receipt_id: uuid.UUID) -> HttpResponse:
    """The signed receipt, exactly as issued, to keep with the file."""
    check = _visible_check(request, receipt_id)
    body = json.dumps(receipt_document(check), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{check.public_id}.json"'
    return response
