"""Who may report, see and withdraw records: department scope as data (STYLE.md §7).

Why this exists: every API handler, console page and command asks the same two questions —
"may this user report for that department?" and "which departments' batches and records may
this user see?". They are answered here, once, from the user's role memberships
(``xinyong.core.models.Membership``). API tokens for department systems come later; they
plug in at :func:`access_department_for_reporting`, the one seam every channel calls.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Q

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.records.errors import (
    AuthenticationRequired,
    DepartmentAmbiguous,
    ReportingNotAllowed,
)

Action = Literal["view", "report"]

#: Roles that see every department's batches, records and figures (oversight).
OVERSIGHT_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER, Role.AUDITOR})
#: Roles that send and withdraw their department's records.
REPORTING_ROLES = frozenset({Role.DEPARTMENT_REPORTER})


def _check_staff(user: object) -> User:
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


def department_ids(user: object, action: Action) -> set[int] | None:
    """The departments whose batches and records ``user`` may ``view`` or ``report`` for;
    None means every department (oversight roles viewing)."""
    staff = _check_staff(user)
    roles = REPORTING_ROLES if action == "report" else None
    memberships = staff.memberships.filter(department__active=True)
    if action == "view":
        if staff.is_superuser or memberships.filter(role__in=OVERSIGHT_ROLES).exists():
            return None
    else:
        memberships = memberships.filter(role__in=roles or ())
    return set(memberships.values_list("department_id", flat=True))


def scope_q(user: object, action: Action, *, field: str = "department_id") -> Q:
    """A filter limiting a queryset to the departments ``user`` may ``action``."""
    allowed = department_ids(user, action)
    if allowed is None:
        return Q()
    return Q(**{f"{field}__in": sorted(allowed)})


def access_department_for_reporting(user: object, department_code: str | None) -> Department:
    """The department ``user`` reports for: the one named by ``department_code`` (its unified
    social credit code), or the only one where the user holds the reporter role.

    Raises ``AUTHENTICATION_REQUIRED`` (401), ``REPORTING_NOT_ALLOWED`` (403: no reporter
    role there; an unknown code gets the same answer so that codes cannot be probed) and
    ``DEPARTMENT_AMBIGUOUS`` (422: several departments and none named).
    """
    staff = _check_staff(user)
    memberships = list(
        staff.memberships.filter(role__in=REPORTING_ROLES, department__active=True)
        .select_related("department")
        .order_by("department__code")
    )
    departments = {m.department.code: m.department for m in memberships}
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
