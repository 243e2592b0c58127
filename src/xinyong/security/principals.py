"""Who is acting: a staff member or a department system holding an API token.

The API sets ``request.auth`` to a ``Principal`` (``auth.TokenAuth``, ``auth.StaffSessionAuth``);
the query register and the audit trail name it. A token's principal is bound to one
department and its scopes; a staff member's scopes come from the roles held in departments
(``choices.SCOPE_ROLES``), checked per department by ``core.permissions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xinyong.core.models import Department, User
from xinyong.core.permissions import departments_with_role
from xinyong.security.choices import SCOPE_ROLES, ActorKind, TokenScope
from xinyong.security.models import ApiToken


@dataclass(frozen=True)
class Principal:
    kind: ActorKind
    label: str
    #: The token's department; for a staff member, the department an action was allowed in
    #: (set by ``auth.require_scope``), else None.
    department: Department | None
    scopes: frozenset[str] = field(default_factory=frozenset)
    user: User | None = None
    token: ApiToken | None = None
    #: False for a token kept in memory (``tokens.authenticate_kept_token``): whoever acts on
    #: it confirms it first (``tokens.token_usable_sql`` in its statement, or
    #: ``tokens.confirm_token``).
    token_confirmed: bool = True

    @classmethod
    def for_token(cls, token: ApiToken, *, confirmed: bool = True) -> Principal:
        return cls(
            kind=ActorKind.TOKEN,
            label=f"token {token.display_prefix} {token.name}",
            department=token.department,
            scopes=frozenset(token.scopes),
            token=token,
            token_confirmed=confirmed,
        )

    @classmethod
    def for_user(cls, user: User, department: Department | None = None) -> Principal:
        roles = set(user.memberships.values_list("role", flat=True)) if user.is_active else set()
        scopes = frozenset(
            scope for scope, allowed in SCOPE_ROLES.items() if roles & {str(r) for r in allowed}
        )
        return cls(
            kind=ActorKind.USER,
            label=user.get_username(),
            department=department,
            scopes=scopes,
            user=user,
        )

    def departments_for(self, scope: TokenScope | str) -> list[Department]:
        """The departments in which this principal may act under ``scope``."""
        if self.token is not None:
            return [self.token.department] if scope in self.scopes else []
        if self.user is None:
            return []
        found: dict[int, Department] = {}
        for role in SCOPE_ROLES.get(str(scope), ()):
            for department in departments_with_role(self.user, role):
                found.setdefault(department.pk, department)
        return list(found.values())
