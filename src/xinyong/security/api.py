"""API of the security domain: ``GET /api/v1/security/whoami``, for a department system to
check its token (department, scopes, expiry) without touching any data; with ``scope`` (and
``department``) it also answers whether the token may act so, exactly as a reporting or
checking endpoint would (``require_scope``)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from xinyong.core.models import Department
from xinyong.errors import NotFound
from xinyong.security.auth import api_auth, principal_of, require_scope
from xinyong.security.choices import TokenScope

router = Router()


class DepartmentOut(Schema):
    code: str
    name: str


class TokenOut(Schema):
    name: str
    prefix: str
    expires_at: datetime


class WhoAmIOut(Schema):
    kind: str
    label: str
    department: DepartmentOut | None
    scopes: list[str]
    token: TokenOut | None


@router.get("/whoami", response=WhoAmIOut, auth=api_auth, summary="Who am I (我的凭据)")
def whoami(
    request: HttpRequest, scope: TokenScope | None = None, department: str | None = None
) -> WhoAmIOut:
    """The caller as the platform sees it: a token's department, scopes and expiry, or a
    staff member's user name and the scopes their roles give.

    With ``scope`` (and optionally ``department``, a unified social credit code): 403
    ``TOKEN_SCOPE_MISSING`` or ``DEPARTMENT_MISMATCH`` when the caller may not act so."""
    principal = principal_of(request)
    if scope is not None:
        target = None
        if department:
            target = Department.objects.filter(code=department.strip().upper()).first()
            if target is None:
                raise NotFound(
                    code="DEPARTMENT_NOT_FOUND",
                    message_zh=f"没有统一社会信用代码为 {department} 的部门",
                    message_en=f"no department with code {department}",
                )
        principal = require_scope(request, scope, department=target)
    token = principal.token
    return WhoAmIOut(
        kind=str(principal.kind),
        label=principal.label,
        department=(
            DepartmentOut(code=principal.department.code, name=principal.department.name)
            if principal.department
            else None
        ),
        scopes=sorted(principal.scopes),
        token=(
            TokenOut(name=token.name, prefix=token.display_prefix, expires_at=token.expires_at)
            if token
            else None
        ),
    )
