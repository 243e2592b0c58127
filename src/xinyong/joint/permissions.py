"""Who may see and do what in joint action — the one place these rules live.

- **Inbox** (read): a staff member sees the items of every department where they hold a
  department role (reporter, checker) or the credit-office reviewer role; a department system
  (API token) sees its own department's items.
- **Feedback and webhooks** (write): scope ``report`` in the item's or endpoint's department —
  a department reporter in the console, a token with ``report`` over the API. Execution
  feedback is reporting back to the platform, the duty the ``report`` scope already carries
  (docs/decisions/0039-joint-scopes.md: no scope of its own yet).
- **Watches**: scope ``check`` — the department checkers who grant (应查必查) register the
  grants they want re-screened.
- **Feedback rates**: the credit office (seed 002 (二十五): 跟踪、监测、统计、评估) — credit-office
  reviewers and platform administrators, or a token with ``read_shared`` held by a department
  of kind credit office.
"""

from __future__ import annotations

from typing import Any

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, User
from xinyong.core.permissions import is_platform_admin, is_staff_user
from xinyong.joint.errors import RatesForbidden
from xinyong.security.choices import TokenScope
from xinyong.security.principals import Principal

INBOX_ROLES = (Role.DEPARTMENT_REPORTER, Role.DEPARTMENT_CHECKER, Role.CREDIT_OFFICE_REVIEWER)
FEEDBACK_SCOPE = TokenScope.REPORT
WEBHOOK_SCOPE = TokenScope.REPORT
WATCH_SCOPE = TokenScope.CHECK
RATES_TOKEN_SCOPE = TokenScope.READ_SHARED


def principal_for(actor: User | Principal) -> Principal:
    return actor if isinstance(actor, Principal) else Principal.for_user(actor)


def inbox_department_ids(actor: User | Principal) -> set[int]:
    """Departments whose inbox the actor may read."""
    principal = principal_for(actor)
    if principal.token is not None:
        return {principal.token.department_id}
    user = principal.user
    if not is_staff_user(user):
        return set()
    assert user is not None
    return set(
        user.memberships.filter(role__in=INBOX_ROLES).values_list("department_id", flat=True)
    )


def scoped_departments(actor: User | Principal, scope: TokenScope) -> list[Department]:
    """Departments where the actor may act under ``scope`` (sorted by name)."""
    return sorted(principal_for(actor).departments_for(scope), key=lambda d: (d.name, d.pk))


def may_see_rates(actor: User | Principal) -> bool:
    principal = principal_for(actor)
    if principal.token is not None:
        return (
            RATES_TOKEN_SCOPE in principal.scopes
            and principal.token.department.kind == DepartmentKind.CREDIT_OFFICE
        )
    user: Any = principal.user
    if not is_staff_user(user):
        return False
    return is_platform_admin(user) or bool(user.has_role(Role.CREDIT_OFFICE_REVIEWER))


def require_rates(actor: User | Principal) -> None:
    if not may_see_rates(actor):
        raise RatesForbidden(
            message_zh="联合奖惩反馈统计仅供信用办（信用工作牵头部门）查看。",
            message_en="feedback rates are for the credit office only.",
        )
