"""Row-level access to listing cases: the one queryset method every view and API uses.

Why this exists (STYLE §7): who may see a case is department scope as data — a credit-office
reviewer sees every case, a department's staff see the cases their department initiated,
platform administrators see all (read only), anybody else nothing. Views call
``ListingCase.objects.restrict(user, "view")`` and never filter by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from xinyong.core.choices import Role
from xinyong.core.permissions import is_platform_admin, is_staff_user

if TYPE_CHECKING:
    from xinyong.lists.models import ListingCase  # noqa: F401 (the quoted base class)


class ListingCaseQuerySet(models.QuerySet["ListingCase"]):
    def restrict(self, user: Any, action: str = "view") -> ListingCaseQuerySet:
        """Cases ``user`` may see (``action="view"``). Acting is checked per transition by
        ``xinyong.lists.permissions.check_may_fire``."""
        if action != "view":
            raise ValueError(f"unknown action {action!r}")
        if not is_staff_user(user):
            return self.none()
        roles = set(user.memberships.values_list("role", flat=True))
        if is_platform_admin(user, roles=roles) or Role.CREDIT_OFFICE_REVIEWER in roles:
            return self
        return self.filter(initiating_department__memberships__user=user).distinct()
