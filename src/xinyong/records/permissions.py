"""Who may report, see and withdraw records: department scope as data (STYLE.md §7).

Why this exists: every API handler, console page and command asks the same two questions —
"may this caller report for that department?" and "which departments' batches and records may
this caller see?". They are answered here, once, for both kinds of caller:

- a staff member (a ``User``, or the API's ``Principal`` of a staff session): from the
  user's role memberships (``xinyong.core.models.Membership``) — the 报送员 role to report,
  oversight roles to see every department;
- a department system (the API's ``Principal`` of a bearer token,
  ``xinyong.security.auth.api_auth``): the token's own department, and only when the token
  carries the ``report`` scope (``xinyong.security.choices.TokenScope``; 403
  ``TOKEN_SCOPE_MISSING`` otherwise). A token never reports for, nor sees the batches and
  records of, another department.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Model, QuerySet
from django.utils import translation

from xinyong.core import permissions
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.core.permissions import ScopeRule, department_scope
from xinyong.records.errors import (
    AuthenticationRequired,
    DepartmentAmbiguous,
    ReportingNotAllowed,
)
from xinyong.security.choices import TokenScope
from xinyong.security.errors import ScopeMissing
from xinyong.security.principals import Principal

Action = Literal["view", "report"]

#: Roles that see every department's batches, records and figures (oversight).
OVERSIGHT_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER, Role.AUDITOR})
#: Roles that send and withdraw their department's records.
REPORTING_ROLES = frozenset({Role.DEPARTMENT_REPORTER})

#: Department scope as data (``xinyong.core.permissions``; docs/security.md "Row-level
#: scope"). ``view``: any role held in an active department gives its batches and records,
#: an oversight role (or being a superuser) every department's. ``report``: the reporter role
#: in an active department — superusers report for no department without it. A token reaches
#: its own department with the ``report`` scope (checked first, with a coded refusal).
SCOPE_RULES: dict[str, ScopeRule] = {
    "view": ScopeRule(oversight=OVERSIGHT_ROLES, token_scopes=frozenset({TokenScope.REPORT})),
    "report": ScopeRule(
        roles=REPORTING_ROLES, token_scopes=frozenset({TokenScope.REPORT}), superusers=False
    ),
}


def acting_user_of(actor: object) -> User | None:
    """The staff member behind ``actor`` (None for a department system's token)."""
    if isinstance(actor, Principal):
        return actor.user if actor.token is None else None
    return actor if isinstance(actor, User) else None


def actor_label_of(actor: object) -> str:
    """How the audit trail names a caller that is not a staff member (a token)."""
    if isinstance(actor, Principal) and actor.token is not None:
        return actor.label
    return ""


def _token_department(principal: Principal) -> Department:
    """A token's department, if the token may report (the ``report`` scope)."""
    token = principal.token
    assert token is not None
    if TokenScope.REPORT not in principal.scopes:
        with translation.override("zh-hans"):
            label = str(TokenScope.REPORT.label)
        raise ScopeMissing(
            message_zh=f"该令牌没有“{label}”权限（{TokenScope.REPORT.value}），不能报送或查看"
            "报送的信息；请平台管理员签发带 report 权限的令牌。",
            message_en=f"This token lacks the scope {TokenScope.REPORT.value}: it cannot report "
            "or see reported information. Ask the platform administrator for a token with "
            "the report scope.",
            scope=TokenScope.REPORT.value,
        )
    department = token.department
    if not department.active:
        raise ReportingNotAllowed(
            message_zh=f"部门 {department.code} 已停用，不能报送信息。",
            message_en=f"Department {department.code} is inactive and cannot report.",
            department=department.code,
        )
    return department


def _check_staff(user: object) -> User:
    if isinstance(user, Principal):
        user = user.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise AuthenticationRequired(
            message_zh="需要身份认证：请先登录。", message_en="Authentication required: log in."
        )
    if not user.is_active or not user.is_staff:
        raise ReportingNotAllowed(
            message_zh="该账号不是在职工作人员账号，不能使用此功能。",
            message_en="This account is not an active staff account.",
        )
    return user


def _check_caller(user: object) -> None:
    """Refuse a caller who may use none of collection: a token without the ``report`` scope
    (or of an inactive department), a visitor who is not logged in, a non-staff account."""
    if isinstance(user, Principal) and user.token is not None:
        _token_department(user)
    else:
        _check_staff(user)


def department_ids(user: object, action: Action) -> set[int] | None:
    """The departments whose batches and records ``user`` (a ``User`` or an API
    ``Principal``) may ``view`` or ``report`` for; None means every department (oversight
    roles viewing). A token: its own department, with the ``report`` scope."""
    _check_caller(user)
    return department_scope(user, SCOPE_RULES[action])


def restrict[M: Model](queryset: QuerySet[M], user: object, action: Action = "view") -> QuerySet[M]:
    """``queryset`` (batches or records: a ``department`` foreign key) limited to the rows
    ``user`` may ``action`` — ``xinyong.core.permissions.restrict`` with :data:`SCOPE_RULES`,
    after refusing callers who may use none of collection (401/403)."""
    _check_caller(user)
    return permissions.restrict(queryset, user, action, rules=SCOPE_RULES, field="department")


def access_department_for_reporting(user: object, department_code: str | None) -> Department:
    """The department ``user`` reports for: the one named by ``department_code`` (its unified
    social credit code), or the only one where the user holds the reporter role. ``user`` is
    a ``User`` or an API ``Principal``; a token reports for its own department only.

    Raises ``AUTHENTICATION_REQUIRED`` (401), ``REPORTING_NOT_ALLOWED`` (403: no reporter
    role there, or another department than the token's; an unknown code gets the same
    answer so that codes cannot be probed), ``TOKEN_SCOPE_MISSING`` (403: a token without
    the ``report`` scope) and ``DEPARTMENT_AMBIGUOUS`` (422: several departments and none
    named).
    """
    if isinstance(user, Principal) and user.token is not None:
        department = _token_department(user)
        if department_code and department_code.strip().upper() != department.code:
            raise ReportingNotAllowed(
                message_zh=f"该令牌属于部门 {department.code}，不能为部门 {department_code} "
                "报送信息。",
                message_en=f"This token belongs to department {department.code}; it cannot "
                f"report for department {department_code}.",
                department=department_code,
            )
        return department
    staff = _check_staff(user)
    allowed = department_scope(staff, SCOPE_RULES["report"]) or set()
    departments = {d.code: d for d in Department.objects.filter(pk__in=allowed).order_by("code")}
    if department_code:
        found = departments.get(department_code.strip().upper())
        if found is None:
            raise ReportingNotAllowed(
                message_zh=f"您不是部门 {department_code} 的报送员，不能为其报送信息。",
                message_en=f"You hold no reporter role in department {department_code}.",
                department=department_code,
            )
        return found
    if not departments:
        raise ReportingNotAllowed(
            message_zh="您在任何部门都没有报送员角色，请联系平台管理员授予。",
            message_en="You hold no reporter role in any department; ask an administrator.",
        )
    if len(departments) > 1:
        raise DepartmentAmbiguous(
            message_zh="您是多个部门的报送员，请指明为哪个部门报送（department）。",
            message_en="You report for several departments; name one (department).",
            departments=sorted(departments),
        )
    return next(iter(departments.values()))
