"""API token pages for platform administrators: list, create, rotate, revoke.

A new token's value is shown once, on the page that answers the POST (never in a URL or a
redirect, and with ``Cache-Control: no-store``); afterwards only its prefix is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xinyong.core.models import User
from xinyong.core.permissions import is_platform_admin
from xinyong.errors import CodedError
from xinyong.security.actions.tokens import (
    do_create_api_token,
    do_revoke_api_token,
    do_rotate_api_token,
)
from xinyong.security.forms import ReasonForm, TokenCreateForm
from xinyong.security.models import ApiToken
from xinyong.security.views.twofactor import staff_required


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff only (else the log-in page), platform administrators only (else 403)."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_platform_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _acting(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _show_once(request: HttpRequest, token: ApiToken, value: str, rotated: bool) -> HttpResponse:
    response = render(
        request,
        "security/token_created.html",
        {"token": token, "value": value, "rotated": rotated},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@admin_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = list(
        ApiToken.objects.select_related("department", "created_by", "rotated_from").order_by(
            "revoked_at", "-created_at", "-pk"
        )
    )
    now = timezone.now()
    rows = [(token, token.status(now)) for token in tokens]
    return render(request, "security/tokens.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
@admin_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = do_create_api_token(
                name=form.cleaned_data["name"],
                department=form.cleaned_data["department"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                acting_user=_acting(request),
            )
        except CodedError as exc:
            form.add_error(None, exc.message)
        else:
            return _show_once(request, issued.token, issued.value, rotated=False)
    return render(request, "security/token_form.html", {"form": form})


@never_cache
@require_POST
@admin_required
def token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        issued = do_rotate_api_token(token, acting_user=_acting(request))
    except CodedError as exc:
        messages.error(request, exc.message)
        return redirect("security:tokens")
    return _show_once(request, issued.token, issued.value, rotated=True)


@require_http_methods(["GET", "POST"])
@admin_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("department"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_revoke_api_token(
                token, reason=form.cleaned_data["reason"], acting_user=_acting(request)
            )
        except CodedError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return redirect("security:tokens")
    return render(request, "security/token_revoke.html", {"token": token, "form": form})
