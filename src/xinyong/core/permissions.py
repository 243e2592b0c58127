"""Who may do what: the one place where roles held in departments become permissions.

STYLE.md §7: views, API handlers, admin pages and commands ask these functions; none of them
reads ``Membership`` rows or ``is_superuser`` on its own. Department scope is data: a role is
always held in a department, and what it allows is limited to that department (and, where a
rule says so, the departments below it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation

from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.errors import PermissionDenied


def is_staff_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def is_platform_admin(user: Any, roles: Iterable[str] | None = None) -> bool:
    """Superusers and holders of the platform-administrator role (active staff only).

    ``roles`` (every role the user holds, from a query the caller already made) avoids a query.
    """
    if not is_staff_user(user):
        return False
    if user.is_superuser:
        return True
    if roles is not None:
        return Role.PLATFORM_ADMIN in set(roles)
    return bool(user.has_role(Role.PLATFORM_ADMIN))


def departments_with_role(user: Any, role: Role | str) -> list[Department]:
    """The departments in which an active staff user holds ``role``."""
    if not is_staff_user(user):
        return []
    return list(Department.objects.filter(memberships__user=user, memberships__role=role))


def require_role(user: Any, role: Role | str, department: Department | None = None) -> None:
    """Raise PERMISSION_DENIED unless the user holds ``role`` (in ``department`` if given)."""
    if is_staff_user(user):
        memberships = user.memberships.filter(role=role)
        if department is not None:
            memberships = memberships.filter(department=department)
        if memberships.exists():
            return
    with translation.override("zh-hans"):
        label = str(Role(role).label)
    raise PermissionDenied(
        message_zh=f"需要“{label}”角色" + (f"（{department.name}）" if department else ""),
        message_en=f"this needs the role {role}" + (f" in {department.code}" if department else ""),
        role=str(role),
    )


__all__ = ["User", "departments_with_role", "is_platform_admin", "is_staff_user", "require_role"]
