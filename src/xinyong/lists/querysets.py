"""Row-level access to listing cases: the one queryset method every view and API uses.

Why this exists (STYLE §7): who may see a case is department scope as data — a credit-office
reviewer sees every case, a department's staff see the cases their department initiated,
platform administrators see all (read only), anybody else nothing. Views call
``ListingCase.objects.restrict(user, "view")`` and never filter by hand; the rule below is
applied by ``xinyong.core.permissions.restrict`` (docs/security.md "Row-level scope").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinyong.core.choices import Role
from xinyong.core.permissions import RestrictedQuerySet, ScopeRule

if TYPE_CHECKING:
    from xinyong.lists.models import ListingCase  # noqa: F401 (the quoted base class)

#: Who sees which cases. ``view``: any role held in the initiating department (a deactivated
#: department's staff still see its cases), every case for platform administrators (and
#: superusers) and credit-office reviewers wherever they hold the role. Acting on a case is
#: checked per transition by ``xinyong.lists.permissions.check_may_fire``.
CASE_SCOPE_RULES: dict[str, ScopeRule] = {
    "view": ScopeRule(
        oversight=frozenset({Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER}),
        inactive_departments=True,
    ),
}


class ListingCaseQuerySet(RestrictedQuerySet["ListingCase"]):
    """``ListingCase.objects.restrict(user, "view")``: the cases ``user`` may see."""

    scope_rules = CASE_SCOPE_RULES
    scope_field = "initiating_department"
