"""Holiday arrangements as loaded from reviewed calendar editions.

Why this exists: :mod:`xinyong.workdays.calendar` computes working days from the State
Council's yearly holiday arrangements, but knows nothing of where they come from. These rows
are the arrangements the platform has actually loaded — one ``CalendarYear`` per covered year,
pointing to the ``PolicyEdition`` (file, digest, legal source) it was loaded from, and its
``CalendarDay`` overrides — from which ``xinyong.workdays.queries.get_calendar`` builds the
``WorkingCalendar`` every deadline is computed with. They are written only by the "calendar"
kind handler (``xinyong.workdays.policy``), inside the policy load action.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinyong.policy.models import PolicyEdition


def active_years_q() -> Q:
    """Calendar years whose edition is neither retired nor replaced by an active successor
    (an arrangement covers its whole year, so a successor replaces it entirely)."""
    return Q(edition__retired_at__isnull=True) & (
        Q(edition__superseded_by__isnull=True) | Q(edition__superseded_by__retired_at__isnull=False)
    )


class CalendarYear(models.Model):
    """A year whose official holiday arrangement (国务院办公厅通知) is loaded."""

    edition = models.OneToOneField(
        PolicyEdition,
        on_delete=models.PROTECT,
        related_name="calendar_year",
        verbose_name=_("edition"),
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)

    class Meta:
        verbose_name = _("covered calendar year")
        verbose_name_plural = _("covered calendar years")
        ordering = ["year", "pk"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An official exception to the Monday–Friday rule: a day off of a holiday block
    (``working=False``) or an adjusted working weekend day (调休上班, ``working=True``)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), db_index=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar_year", "date"], name="workdays_day_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.working else '休'} {self.name}"
