"""Console pages: staff log-in and the console home.

Log-in and log-out are Django's auth views (log-out accepts POST only); every other console
page requires an active staff account and sends anyone else to the log-in page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import user_passes_test
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from xinyong.console.dashboards import panels
from xinyong.console.due import due_work
from xinyong.console.forms import StaffAuthenticationForm
from xinyong.console.queries import roles_by_department
from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.core.permissions import is_platform_admin
from xinyong.security.errors import RateLimited
from xinyong.security.login import (
    begin_login,
    check_login_allowed,
    note_login_failure,
    rate_limited_response,
)


def is_active_staff(user: object) -> bool:
    """Whether ``user`` may use the console (anonymous users and non-staff may not)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


staff_required = user_passes_test(is_active_staff)


class LoginView(auth_views.LoginView):
    """Staff log-in with labelled fields and the form's errors announced.

    The password is the first step: ``xinyong.security.login`` limits failed attempts and,
    when the user has (or must have) an authenticator, asks for its code before logging in.
    """

    template_name = "console/login.html"
    authentication_form = StaffAuthenticationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            check_login_allowed(request, str(request.POST.get("username", "")))
        except RateLimited as exc:
            return rate_limited_response(request, exc)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        note_login_failure(self.request, str(form.data.get("username", "")))
        response: HttpResponse = super().form_invalid(form)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        return begin_login(self.request, form.get_user(), self.get_success_url())


@require_safe
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The console home: what is due today and overdue, the user's departments and roles,
    and where to go."""
    user = request.user
    assert isinstance(user, User)
    groups = roles_by_department(user)
    today = timezone.localdate()
    work = due_work(user, today)
    return render(
        request,
        "console/home.html",
        {
            "department_roles": groups,
            "today": today,
            "work": work,
            "due_total": sum(w.due_today for w in work),
            "overdue_total": sum(w.overdue for w in work),
            "can_administer": is_platform_admin(user, roles=[r for g in groups for r in g.roles]),
            "can_audit": any(Role.AUDITOR in g.roles for g in groups),
        },
    )


@require_safe
@staff_required
def dashboards(request: HttpRequest) -> HttpResponse:
    """Charts of the platform's figures (each with its table), one panel per domain, for
    what the user may see."""
    user = request.user
    assert isinstance(user, User)
    today = timezone.localdate()
    return render(
        request, "console/dashboards.html", {"panels": panels(user, today), "today": today}
    )
