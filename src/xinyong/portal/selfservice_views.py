"""Subject self-service pages (``/me/…``): log-in, the subject's own record and "who checked
me", its own credit report, log-out.

Thin: authentication in ``selfservice_auth`` (pluggable back-ends, the subject's own session
key), reads in ``selfservice_queries``, the report in ``reports``. Failed log-ins count per
client address (limit ``login_ip``) and per code (limit ``login_user``, under the identity
``subject:<code>``, so a subject's code and a staff user name never share a counter), as the
staff log-in does (``xinyong.security.login``); past either limit the page answers 429 with
``Retry-After``, even for the right password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.core.models import Subject
from xinyong.portal.reports import format_code, issue_report
from xinyong.portal.selfservice_auth import (
    authenticate_subject,
    current_subject,
    login_subject,
    logout_subject,
    normalize_code,
)
from xinyong.portal.selfservice_forms import SubjectLoginForm
from xinyong.portal.selfservice_queries import own_file
from xinyong.security import ratelimit
from xinyong.security.errors import RateLimited
from xinyong.security.web import client_ip

logger = logging.getLogger("xinyong.security")


def _language() -> str:
    return get_language() or "zh-hans"


def _identities(request: HttpRequest, code: str) -> list[tuple[str, str]]:
    found = [("login_ip", client_ip(request))]
    code = normalize_code(code)
    if code:
        found.append(("login_user", f"subject:{code}"))
    return found


def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    logger.warning("subject log-in paused for %s: %s", client_ip(request), exc.details)
    response = render(
        request,
        "portal/me/rate_limited.html",
        {"error": exc, "retry_minutes": max(1, -(-exc.retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def subject_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The logged-in subject as ``subject``; anonymous visitors go to ``/me/login/``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subject = current_subject(request)
        if subject is None:
            return redirect(f"{reverse('portal:me-login')}?next={request.path}")
        return view(request, subject, *args, **kwargs)

    return wrapper


def _safe_next(value: str) -> str:
    # Only our own self-service pages: never an open redirect.
    return value if value.startswith("/me/") and "//" not in value else reverse("portal:me-home")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def me_login(request: HttpRequest) -> HttpResponse:
    """The subject log-in: its code and its password (demo back-end)."""
    next_url = _safe_next(str(request.POST.get("next") or request.GET.get("next") or ""))
    form = SubjectLoginForm(request.POST or None)
    failed = False
    if request.method == "POST":
        code = str(request.POST.get("code", ""))
        try:
            for name, ident in _identities(request, code):
                ratelimit.check(name, ident)
        except RateLimited as exc:
            return _rate_limited(request, exc)
        if form.is_valid():
            found = authenticate_subject(
                request, form.cleaned_data["code"], form.cleaned_data["password"]
            )
            if found is not None:
                subject, backend = found
                login_subject(request, subject, backend)
                ratelimit.clear("login_user", f"subject:{normalize_code(code)}")
                return redirect(next_url)
        failed = True
        logger.warning("failed subject log-in from %s", client_ip(request))
        for name, ident in _identities(request, code):
            ratelimit.note_failure(name, ident)
    return render(
        request,
        "portal/me/login.html",
        {"form": form, "failed": failed, "next": next_url},
        status=200,
    )


@require_POST
def me_logout(request: HttpRequest) -> HttpResponse:
    logout_subject(request)
    return redirect("portal:me-login")


@never_cache
@require_safe
@subject_required
def me(request: HttpRequest, subject: Subject) -> HttpResponse:
    """The subject's own full record, its listings, objections, repair applications and who
    checked it."""
    return render(
        request,
        "portal/me/home.html",
        {"subject": subject, "file": own_file(subject, language=_language())},
    )


@never_cache
@require_safe
@subject_required
def me_report(request: HttpRequest, subject: Subject) -> HttpResponse:
    """The subject's own credit report (the public report, issued and recorded now)."""

    def verify_url_for(code: str) -> str:
        return request.build_absolute_uri(reverse("portal:report-verify", args=[code]))

    report, pdf = issue_report(
        subject, verify_url_for=verify_url_for, language=_language(), acting_user=None
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localdate(report.generated_at).strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="credit-report-{day}-{report.code}.pdf"'
    )
    response["X-Content-SHA256"] = report.sha256
    response["X-Verification-Code"] = format_code(report.code)
    return response
