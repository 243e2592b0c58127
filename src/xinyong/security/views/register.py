"""The query register for auditors: the day's unusual-access alerts, one search ("who looked
at subject X last month, and why"), results page by page, and a CSV export that is itself
registered."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.core.permissions import departments_with_role
from xinyong.security.alerts import FACTOR, MINIMUM_SUBJECTS, WINDOW_DAYS, unusual_access
from xinyong.security.exports import export_register, search_register_page
from xinyong.security.forms import RegisterSearchForm
from xinyong.security.queries import RegisterQuery
from xinyong.security.views.twofactor import staff_required

PAGE_SIZE = 50


def _auditor(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not departments_with_role(user, Role.AUDITOR):
        raise PermissionDenied
    return user


def _query(form: RegisterSearchForm) -> RegisterQuery:
    data = form.cleaned_data
    return RegisterQuery(
        subject=data.get("subject") or "",
        user=data.get("user") or "",
        department=data.get("department") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def _alerts_day(value: str) -> date:
    """The day whose alerts are shown: ``?alerts_on=YYYY-MM-DD``, else (or if not a date)
    today."""
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_safe
@staff_required
def register(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    criteria = request.GET.copy()
    alerts_on = _alerts_day(criteria.pop("alerts_on", [""])[-1])
    criteria.pop("page", None)
    form = RegisterSearchForm(criteria or None)
    page = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        page = search_register_page(
            user, _query(form), page=request.GET.get("page"), page_size=PAGE_SIZE
        )
    return render(
        request,
        "security/register.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "alerts": unusual_access(user, day=alerts_on),
            "alerts_on": alerts_on,
            "alert_rule": {"factor": FACTOR, "minimum": MINIMUM_SUBJECTS, "window": WINDOW_DAYS},
        },
    )


@require_POST
@staff_required
def register_export(request: HttpRequest) -> HttpResponse:
    user = _auditor(request)
    form = RegisterSearchForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "security/register.html",
            {"form": form, "page": None, "searched": False},
            status=400,
        )
    content, _count = export_register(user, _query(form))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="query-register-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
