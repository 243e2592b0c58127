"""Users and their roles in departments.

A person may hold several roles, each in one department (a reviewer at the credit office,
a checker at the procurement centre). Permissions are derived from these memberships in one
place (``xinyong.core.permissions``), never from Django's per-model permissions.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.choices import Role
from xinyong.core.models.departments import Department


class User(AbstractUser):
    """A staff member, an auditor, or (later) a subject's representative."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def primary_department(self) -> Department | None:
        """The department the user's first role is held in (for audit snapshots)."""
        membership = self.memberships.select_related("department").order_by("pk").first()
        return membership.department if membership else None

    def roles_in(self, department: Department) -> set[str]:
        return set(self.memberships.filter(department=department).values_list("role", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return self.memberships.filter(role=role).exists()


class Membership(models.Model):
    """A role held by a user in a department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="core_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.department}"
