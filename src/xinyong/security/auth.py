"""API authentication: bearer tokens for department systems, sessions for staff.

``api_auth`` is what an API operation passes as ``auth=``: a department system sends
``Authorization: Bearer xy_<prefix>_<secret>``; a logged-in staff member's browser sends
its session cookie (with the CSRF token on unsafe methods, as Django's session auth
requires). Either way ``request.auth`` becomes a ``Principal``. A handler then calls
``require_scope(request, scope, department=…)`` before it acts.

A token that is sent but fails (unknown, revoked, expired) is answered 401 with a code
saying which; the session is not tried then, so a misconfigured system learns why at once.
Each accepted token also counts against its own rate limit (``api_token``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer

from xinyong.core.models import Department, User
from xinyong.core.permissions import is_staff_user
from xinyong.security import ratelimit
from xinyong.security.actions.tokens import authenticate_kept_token, authenticate_token
from xinyong.security.choices import TokenScope
from xinyong.security.errors import DepartmentMismatch, ScopeMissing
from xinyong.security.principals import Principal


class TokenAuth(HttpBearer):
    """``Authorization: Bearer xy_…``: the token's department and scopes become the principal.

    ``kept=True`` (the single check): a token this process found a little while ago is taken
    from memory and the principal says it is not confirmed yet; the operation confirms it in
    its own statement (``tokens.authenticate_kept_token``)."""

    def __init__(self, *, kept: bool = False) -> None:
        super().__init__()
        self.kept = kept

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        if self.kept:
            api_token, confirmed = authenticate_kept_token(token)
        else:
            api_token, confirmed = authenticate_token(token), True
        ratelimit.hit("api_token", api_token.prefix)
        return Principal.for_token(api_token, confirmed=confirmed)


class StaffSessionAuth(APIKeyCookie):
    """Django's session (an active staff member who logged in, with the second factor when
    required), as a principal; CSRF is checked on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Principal | None:
        # Without a session cookie there is nothing to check (and no CSRF to demand): a
        # department system that forgot its token gets 401, not "CSRF check failed".
        if self.param_name not in request.COOKIES:
            return None
        result: Principal | None = super().__call__(request)
        return result

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = getattr(request, "user", None)
        if isinstance(user, User) and is_staff_user(user):
            return Principal.for_user(user)
        return None


token_auth = TokenAuth()
staff_session_auth = StaffSessionAuth()
#: Tokens first, then the session.
api_auth: list[Any] = [token_auth, staff_session_auth]
#: For an operation that confirms a kept token in its own statement (the single check).
kept_token_api_auth: list[Any] = [TokenAuth(kept=True), staff_session_auth]


def principal_of(request: HttpRequest) -> Principal:
    """``request.auth`` as a principal (a ``User`` from Django's ``django_auth`` is wrapped)."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Principal):
        return auth
    if isinstance(auth, User):
        return Principal.for_user(auth)
    raise ScopeMissing(
        code="AUTHENTICATION_REQUIRED",
        status=401,
        message_zh="需要身份认证：请提供有效的 API 令牌或登录。",
        message_en="Authentication required: send a valid API token or log in.",
    )


def require_scope(
    request: HttpRequest, scope: TokenScope | str, *, department: Department | None = None
) -> Principal:
    """The caller's principal, bound to the department it may act in under ``scope``.

    A token must carry ``scope`` (403 ``TOKEN_SCOPE_MISSING``) and, when ``department`` is
    given, belong to it (403 ``DEPARTMENT_MISMATCH``). A staff member must hold a role that
    gives ``scope`` (``choices.SCOPE_ROLES``) in ``department``, or in exactly one department
    when none is given (else 403 ``DEPARTMENT_MISMATCH`` asking to name it).
    """
    principal = principal_of(request)
    scope = TokenScope(scope)
    allowed = principal.departments_for(scope)
    if not allowed:
        with translation.override("zh-hans"):
            label = str(scope.label)
        raise ScopeMissing(
            message_zh=f"当前凭据没有“{label}”权限（{scope.value}）",
            message_en=f"these credentials lack the scope {scope.value}",
            scope=scope.value,
        )
    if department is not None:
        if department.pk not in {d.pk for d in allowed}:
            raise DepartmentMismatch(
                message_zh=f"当前凭据不能代表{department.name}（{department.code}）操作",
                message_en=f"these credentials cannot act for department {department.code}",
                department=department.code,
                allowed=sorted(d.code for d in allowed),
            )
        chosen = department
    elif len(allowed) == 1:
        chosen = allowed[0]
    else:
        raise DepartmentMismatch(
            code="DEPARTMENT_REQUIRED",
            message_zh="您在多个部门拥有该权限，请指明代表哪个部门操作",
            message_en="you hold this scope in several departments; name the department",
            allowed=sorted(d.code for d in allowed),
        )
    if principal.department is not None and principal.department.pk == chosen.pk:
        return principal
    return Principal(
        kind=principal.kind,
        label=principal.label,
        department=chosen,
        scopes=principal.scopes,
        user=principal.user,
        token=principal.token,
    )
