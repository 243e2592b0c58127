"""Who may do what: the one place where roles held in departments become permissions.

STYLE.md §7: views, API handlers, admin pages and commands ask these functions; none of them
reads ``Membership`` rows or ``is_superuser`` on its own. Department scope is data: a role is
always held in a department, and what it allows is limited to that department (and, where a
rule says so, the departments below it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
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


# ---------------------------------------------------------------------------------------------
# Row-level scope: one ``restrict`` for every list, detail, export and API (STYLE.md §7)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    """Which rows an action reaches, as data (NetBox's ``RestrictedQuerySet`` idea).

    - ``roles``: roles that give the action in the department where they are held; empty
      means any role held there (membership: "my department's data").
    - ``oversight``: roles that give the action over every department, wherever held.
    - ``oversight_kinds``: department kinds in which holding one of ``roles`` gives every
      department (an auditor of the credit office supervises all departments).
    - ``descendants``: a role held in a department also reaches the departments below it.
    - ``token_scopes``: API token scopes that give the action in the token's department.
    - ``superusers``: a superuser reaches every department (False for actions that only a
      role held in the department gives, such as reporting for it or deciding there).
    - ``inactive_departments``: roles held in deactivated departments count too (their cases
      stay visible to their staff); by default only active departments' roles count.
    """

    roles: frozenset[str] = frozenset()
    oversight: frozenset[str] = frozenset()
    oversight_kinds: frozenset[str] = frozenset()
    descendants: bool = False
    token_scopes: frozenset[str] = frozenset()
    superusers: bool = True
    inactive_departments: bool = False


def _user_and_token(actor: Any) -> tuple[Any, Any]:
    """(user, token) of a ``User`` or a ``security.principals.Principal`` (duck-typed: core
    does not import security)."""
    if actor is None:
        return None, None
    if isinstance(actor, User) or not hasattr(actor, "token"):
        return actor, None
    return getattr(actor, "user", None), getattr(actor, "token", None)


def _with_descendants(ids: set[int]) -> set[int]:
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def department_scope(actor: Any, rule: ScopeRule) -> set[int] | None:
    """The departments (ids) whose rows ``actor`` reaches under ``rule``; None means every
    department, an empty set none. ``actor`` is a User, a Principal or None (anonymous)."""
    user, token = _user_and_token(actor)
    if token is not None:
        if set(getattr(token, "scopes", ()) or ()) & rule.token_scopes:
            return {token.department_id}
        return set()
    if not is_staff_user(user):
        return set()
    if user.is_superuser and rule.superusers:
        return None
    memberships = user.memberships.all()
    if not rule.inactive_departments:
        memberships = memberships.filter(department__active=True)
    held = list(memberships.values_list("role", "department_id", "department__kind"))
    if any(role in rule.oversight for role, _d, _k in held):
        return None
    matching = [(d, k) for role, d, k in held if not rule.roles or role in rule.roles]
    if any(kind in rule.oversight_kinds for _d, kind in matching):
        return None
    ids = {d for d, _k in matching}
    return _with_descendants(ids) if rule.descendants and ids else ids


def scope_filter(actor: Any, rule: ScopeRule, *, field: str = "department") -> Q | None:
    """A filter for rows whose ``field`` (a department foreign key, or a ``…_code`` field
    holding department codes) is in scope; None when every row is."""
    allowed = department_scope(actor, rule)
    if allowed is None:
        return None
    if field.endswith("_code"):
        codes = Department.objects.filter(pk__in=allowed).values_list("code", flat=True)
        return Q(**{f"{field}__in": list(codes)})
    return Q(**{f"{field}__in": sorted(allowed)})


def restrict[M: Model](
    queryset: QuerySet[M], actor: Any, action: str, *, rules: dict[str, ScopeRule], field: str
) -> QuerySet[M]:
    """``queryset`` limited to the rows ``actor`` may ``action`` (an unknown action raises:
    a typo must not open everything)."""
    if action not in rules:
        raise ValueError(f"unknown action {action!r} (known: {sorted(rules)})")
    q = scope_filter(actor, rules[action], field=field)
    return queryset if q is None else queryset.filter(q)


class RestrictedQuerySet[M: Model](QuerySet[M]):
    """A queryset with ``.restrict(user_or_principal, action)``. Subclass it per model with
    ``scope_rules`` (action → :class:`ScopeRule`) and ``scope_field`` (the department foreign
    key, or a ``…_code`` field), and use ``RestrictedQuerySet.as_manager()``."""

    scope_rules: dict[str, ScopeRule] = {}
    scope_field: str = "department"

    def restrict(self, actor: Any, action: str = "view") -> RestrictedQuerySet[M]:
        return restrict(self, actor, action, rules=self.scope_rules, field=self.scope_field)  # type: ignore[return-value]


__all__ = [
    "RestrictedQuerySet",
    "ScopeRule",
    "User",
    "department_scope",
    "departments_with_role",
    "is_platform_admin",
    "is_staff_user",
    "require_role",
    "restrict",
    "scope_filter",
]
