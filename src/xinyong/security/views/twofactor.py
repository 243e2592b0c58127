"""The log-in's second step, authenticator enrolment, and the authenticator settings page.

Enrolment shows the secret three ways: a QR code (an SVG drawn on the server by ``segno``,
sent as a ``data:`` image so the page needs no script and no inline style under the CSP),
the ``otpauth://`` URI, and the secret in groups of four for typing by hand.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from xinyong.core.models import User
from xinyong.core.permissions import is_staff_user
from xinyong.security import totp
from xinyong.security.actions.twofactor import (
    do_confirm_totp_device,
    do_start_totp_enrolment,
    do_verify_totp_code,
)
from xinyong.security.errors import RateLimited, TotpAlreadyEnrolled, TotpCodeInvalid
from xinyong.security.forms import CodeForm
from xinyong.security.login import (
    check_login_allowed,
    finish_login,
    note_login_failure,
    pending_login,
    rate_limited_response,
)
from xinyong.security.models import TotpDevice

staff_required = user_passes_test(is_staff_user)


def _enrolment_context(user: User, secret: str) -> dict[str, Any]:
    issuer = str(settings.XINYONG["PLATFORM_NAME"])
    uri = totp.provisioning_uri(secret, account=user.get_username(), issuer=issuer)
    qr = segno.make(uri, error="m")
    return {
        "secret_grouped": totp.grouped(secret),
        "otpauth_uri": uri,
        "qr_data_uri": qr.svg_data_uri(scale=5, border=4, dark="#111", light="#fff"),
        "issuer": issuer,
    }


def _code_error(form: CodeForm, exc: TotpCodeInvalid) -> None:
    form.add_error("code", exc.message)


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Second step of the log-in: the code of the user's authenticator."""
    found = pending_login(request)
    if found is None:
        return redirect("console:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            check_login_allowed(request, user.get_username())
        except RateLimited as exc:
            return rate_limited_response(request, exc)
        if form.is_valid():
            try:
                with transaction.atomic():
                    do_verify_totp_code(user, form.cleaned_data["code"])
                    return finish_login(request, user, pending, second_factor=True)
            except TotpCodeInvalid as exc:
                note_login_failure(request, user.get_username())
                _code_error(form, exc)
    return render(request, "security/login_code.html", {"form": form, "pending_user": user})


@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """First log-in without an authenticator while one is required: enrol, then log in."""
    found = pending_login(request)
    if found is None:
        return redirect("console:login")
    user, pending = found
    try:
        _device, secret = do_start_totp_enrolment(user, acting_user=user)
    except TotpAlreadyEnrolled:
        return redirect("security:login-code")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            check_login_allowed(request, user.get_username())
        except RateLimited as exc:
            return rate_limited_response(request, exc)
        if form.is_valid():
            try:
                with transaction.atomic():
                    do_confirm_totp_device(user, form.cleaned_data["code"], acting_user=user)
                    return finish_login(request, user, pending, second_factor=True)
            except TotpCodeInvalid as exc:
                note_login_failure(request, user.get_username())
                _code_error(form, exc)
    return render(
        request,
        "security/enrol.html",
        {"form": form, "during_login": True, **_enrolment_context(user, secret)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def twofactor_settings(request: HttpRequest) -> HttpResponse:
    """A logged-in staff member's authenticator: its state, or enrolment when there is none."""
    user = request.user
    assert isinstance(user, User)
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed:
        return render(request, "security/twofactor.html", {"device": device})
    if request.method == "GET" and "start" not in request.GET:
        return render(
            request,
            "security/twofactor.html",
            {"device": None, "required": settings.XINYONG_REQUIRE_2FA},
        )
    _device, secret = do_start_totp_enrolment(user, acting_user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        try:
            check_login_allowed(request, user.get_username())
        except RateLimited as exc:
            return rate_limited_response(request, exc)
        if form.is_valid():
            try:
                do_confirm_totp_device(user, form.cleaned_data["code"], acting_user=user)
            except TotpCodeInvalid as exc:
                note_login_failure(request, user.get_username())
                _code_error(form, exc)
            else:
                messages.success(
                    request, _("Authenticator enrolled: log-in will ask for its code.")
                )
                return redirect("security:twofactor")
    return render(
        request,
        "security/enrol.html",
        {"form": form, "during_login": False, **_enrolment_context(user, secret)},
    )
