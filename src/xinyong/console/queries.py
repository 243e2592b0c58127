"""Reads about staff accounts for the console: a user's departments and roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from xinyong.core.models import Department, User


@dataclass
class DepartmentRoles:
    """The roles one user holds in one department, labelled for display."""

    department: Department
    roles: list[str] = field(default_factory=list)
    role_labels: list[str] = field(default_factory=list)


def roles_by_department(user: User) -> list[DepartmentRoles]:
    """The user's memberships grouped by department (by department name), in one query."""
    memberships = user.memberships.select_related("department").order_by(
        "department__name", "department_id", "role"
    )
    groups: dict[int, DepartmentRoles] = {}
    for membership in memberships:
        group = groups.setdefault(
            membership.department_id, DepartmentRoles(department=membership.department)
        )
        group.roles.append(membership.role)
        group.role_labels.append(membership.get_role_display())
    return list(groups.values())
