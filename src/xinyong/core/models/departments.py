"""Departments (部门): the public bodies that report, check, decide and audit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.core.choices import DepartmentKind


class Department(models.Model):
    """A public body known to the platform, identified by its unified social credit code.

    ``division`` is its administrative division (GB/T 2260, 6 digits); ``parent`` the body
    above it (a county bureau under the city bureau), used for department scope.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    division = models.CharField(_("administrative division"), max_length=6, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["division", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name
