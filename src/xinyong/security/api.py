"""API of the security domain.

- ``GET /api/v1/security/whoami``, for a department system to check its token (department,
  scopes, expiry) without touching any data; with ``scope`` (and ``department``) it also
  answers whether the token may act so, exactly as a reporting or checking endpoint would
  (``require_scope``).
- ``GET /api/v1/security/alerts?day=``: unusual access of the day for auditors
  (``xinyong.security.alerts``), over the register rows the auditor may see. Staff session
  with the auditor role only: auditing is a person's job, tokens are refused.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from xinyong.core.choices import Role
from xinyong.core.models import Department
from xinyong.core.permissions import departments_with_role
from xinyong.errors import NotFound, PermissionDenied
from xinyong.security.alerts import FACTOR, MINIMUM_SUBJECTS, WINDOW_DAYS, unusual_access
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


class AlertOut(Schema):
    actor_kind: str
    actor: str
    departments: list[str]
    day: date
    subjects: int
    median: float
    threshold: float
    ratio: float | None


class AlertsOut(Schema):
    day: date
    factor: int
    minimum_subjects: int
    window_days: int
    alerts: list[AlertOut]


@router.get("/alerts", response=AlertsOut, auth=api_auth, summary="Unusual access (异常查询提示)")
def alerts(request: HttpRequest, day: date | None = None) -> dict[str, object]:
    """Users and department systems whose distinct subjects read on ``day`` (default today,
    Asia/Shanghai) exceed ``factor`` times their median of the ``window_days`` days before
    and ``minimum_subjects``. Auditors (staff session) only; credit-office auditors see every
    department, others their own and those below. 403 ``PERMISSION_DENIED`` otherwise."""
    user = principal_of(request).user
    if user is None or not departments_with_role(user, Role.AUDITOR):
        raise PermissionDenied(
            message_zh="异常查询提示仅供审计员（工作人员登录）查看。",
            message_en="unusual-access alerts are for auditors (staff log-in) only.",
        )
    day = day or timezone.localdate()
    return {
        "day": day,
        "factor": FACTOR,
        "minimum_subjects": MINIMUM_SUBJECTS,
        "window_days": WINDOW_DAYS,
        "alerts": [a.as_dict() for a in unusual_access(user, day=day)],
    }
