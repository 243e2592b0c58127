"""The two-step staff log-in: password, then the authenticator code; and its rate limits.

Step one is the console's log-in form (``xinyong.console.views.LoginView``). When it accepts
the password it calls ``begin_login``: a user with a confirmed authenticator is not logged in
yet but remembered in the session as *pending* (for ``PENDING_SECONDS``) and sent to the code
page; a user without one is sent to enrolment when ``XINYONG_REQUIRE_2FA`` is on, and logged
in at once when it is off. ``finish_login`` logs in after the second step.

Failed attempts (a wrong password, a wrong code) count per client address (``login_ip``) and
per user name (``login_user``); past either limit the log-in answers 429 with
``Retry-After`` until the window ends, even for the right password (等保 2.0 登录失败处理;
docs/decisions/0009-rate-limits.md). A success clears the user name's count.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xinyong.core.models import User
from xinyong.core.permissions import is_staff_user
from xinyong.security import ratelimit
from xinyong.security.actions.twofactor import do_record_staff_login
from xinyong.security.errors import RateLimited
from xinyong.security.models import TotpDevice
from xinyong.security.web import client_ip

logger = logging.getLogger("xinyong.security")

PENDING_KEY = "xinyong_login_pending"
PENDING_SECONDS = 300


def _identities(request: HttpRequest, username: str) -> list[tuple[str, str]]:
    found = [("login_ip", client_ip(request))]
    name = username.strip().casefold()
    if name:
        found.append(("login_user", name))
    return found


def check_login_allowed(request: HttpRequest, username: str) -> None:
    """Raise ``RateLimited`` when this address or user name has failed too often."""
    for name, ident in _identities(request, username):
        ratelimit.check(name, ident)


def note_login_failure(request: HttpRequest, username: str) -> None:
    """Count a failed attempt, and log it (user name and address; never the password)."""
    logger.warning("failed staff log-in for %r from %s", username.strip()[:150], client_ip(request))
    for name, ident in _identities(request, username):
        ratelimit.note_failure(name, ident)


def rate_limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """The 429 page: what happened, in the page's language, and when to try again."""
    logger.warning("staff log-in paused for %s: %s", client_ip(request), exc.details)
    response = render(
        request,
        "security/rate_limited.html",
        {"error": exc, "retry_minutes": max(1, -(-exc.retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def second_step(user: User) -> str | None:
    """``"code"``, ``"enrol"`` or None (no second step) for a user whose password is right."""
    device = TotpDevice.objects.filter(user=user).only("confirmed_at").first()
    if device is not None and device.confirmed:
        return "code"
    if settings.XINYONG_REQUIRE_2FA:
        return "enrol"
    return None


def begin_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After a right password: log in, or remember the user as pending the second step."""
    step = second_step(user)
    if step is None:
        return finish_login(request, user, {"next": next_url}, second_factor=False)
    request.session.cycle_key()  # no session fixation across the two steps
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "username": user.get_username(),
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "since": time.time(),
        "next": next_url,
    }
    return redirect("security:login-code" if step == "code" else "security:login-enrol")


def pending_login(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The user who gave the right password and has not finished the second step yet."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = User.objects.filter(pk=int(pending.get("user_id") or 0)).first()
    if user is None or not is_staff_user(user):
        del request.session[PENDING_KEY]
        return None
    return user, pending


def finish_login(
    request: HttpRequest, user: User, pending: dict[str, Any], *, second_factor: bool
) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=pending.get("backend"))
    do_record_staff_login(user, second_factor=second_factor)
    ratelimit.clear("login_user", user.get_username().casefold())
    return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
