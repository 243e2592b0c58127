"""The repair panel of the console dashboards (``xinyong.console.dashboards``; add
``"xinyong.repair.dashboard.panel"`` to ``DASHBOARD_PANELS``): credit repair applications
received, approved and refused, by month, over the last twelve months — the applications the
user may see (``xinyong.repair.permissions.restrict``). Three aggregate queries.

A month counts an application when it was submitted (received) and when it was decided
(approved or refused); one returned at initial review for its materials to be completed is
received but neither approved nor refused.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinyong.console.charts import last_months, monthly_bar_chart
from xinyong.console.dashboards import MONTHS, Panel
from xinyong.core.models import User
from xinyong.core.permissions import is_staff_user
from xinyong.repair.choices import ApplicationStatus
from xinyong.repair.models import RepairApplication
from xinyong.repair.permissions import restrict


def _by_month(rows: QuerySet[RepairApplication], field: str, since: date) -> dict[date, int]:
    found = (
        rows.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return dict(found)


def panel(user: User, today: date) -> Panel | None:
    if not is_staff_user(user):
        return None
    months = last_months(today, MONTHS)
    applications = restrict(RepairApplication.objects.all(), user)
    received = _by_month(applications, "submitted_on", months[0])
    approved = _by_month(
        applications.filter(status=ApplicationStatus.APPROVED), "decided_on", months[0]
    )
    refused = _by_month(
        applications.filter(status=ApplicationStatus.REFUSED), "decided_on", months[0]
    )
    values = [(m, (received.get(m, 0), approved.get(m, 0), refused.get(m, 0))) for m in months]
    chart = monthly_bar_chart(
        title=_("Credit repair applications received, approved and refused, by month"),
        description=_(
            "Three bars per month: applications received, applications approved (the "
            "information is no longer published) and applications refused by the sector "
            "authority. The same numbers are in the table."
        ),
        series=[
            ("received", pgettext_lazy("repair applications", "Received")),
            ("approved", _("Approved")),
            ("refused", _("Refused")),
        ],
        values=values,
    )
    return Panel(
        key="repair.volumes",
        title=_("Credit repair"),
        chart=chart,
        columns=[
            _("Month"),
            pgettext_lazy("repair applications", "Received"),
            _("Approved"),
            _("Refused"),
        ],
        rows=[(m.strftime("%Y-%m"), a, b, c) for m, (a, b, c) in values],
        url=reverse("console:repair-worklist"),
        url_label=_("Objections and repair applications"),
    )
