"""The lists panel of the console dashboards: subjects entered on and removed from lists, by
month, over the last twelve months (cases the user may see)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.console.charts import last_months, monthly_bar_chart
from xinyong.console.dashboards import MONTHS, Panel
from xinyong.core.models import User
from xinyong.lists.models import ListingCase


def _by_month(cases: QuerySet[ListingCase], field: str, since: date) -> dict[date, int]:
    rows = (
        cases.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return dict(rows)


def panel(user: User, today: date) -> Panel | None:
    months = last_months(today, MONTHS)
    cases = ListingCase.objects.restrict(user, "view")
    entered = _by_month(cases, "listed_on", months[0])
    removed = _by_month(cases, "removed_on", months[0])
    values = [(m, (entered.get(m, 0), removed.get(m, 0))) for m in months]
    chart = monthly_bar_chart(
        title=_("Subjects entered on and removed from lists, by month"),
        description=_(
            "Two bars per month: entered on a list, and removed (term ended, early removal, "
            "repair or revocation). The same numbers are in the table."
        ),
        series=[("entered", _("Entered")), ("removed", _("Removed"))],
        values=values,
    )
    return Panel(
        key="lists.volumes",
        title=_("Lists"),
        chart=chart,
        columns=[_("Month"), _("Entered"), _("Removed")],
        rows=[(m.strftime("%Y-%m"), e, r) for m, (e, r) in values],
        url=reverse("console:lists"),
        url_label=_("Listing cases"),
    )
