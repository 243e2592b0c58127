"""The joint-action panel of the console dashboards: items sent to implementing departments
and feedback received, by month (credit office only, as the feedback-rates page)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.console.charts import last_months, monthly_bar_chart
from xinyong.console.dashboards import MONTHS, Panel
from xinyong.core.models import User
from xinyong.joint.models import InboxItem
from xinyong.joint.permissions import may_see_rates


def panel(user: User, today: date) -> Panel | None:
    if not may_see_rates(user):
        return None
    months = last_months(today, MONTHS)
    items = InboxItem.objects.all()
    sent = dict(
        items.filter(created_at__date__gte=months[0])
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    answered = dict(
        items.filter(feedback_on__gte=months[0])
        .annotate(month=TruncMonth("feedback_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    values = [(m, (sent.get(m, 0), answered.get(m, 0))) for m in months]
    return Panel(
        key="joint.feedback",
        title=_("Joint action"),
        chart=monthly_bar_chart(
            title=_("Joint-action items sent and answered, by month"),
            description=_(
                "Two bars per month: items sent to implementing departments, and items they "
                "answered with feedback. The same numbers are in the table."
            ),
            series=[("sent", _("Sent")), ("answered", _("Answered"))],
            values=values,
        ),
        columns=[_("Month"), _("Sent"), _("Answered")],
        rows=[(m.strftime("%Y-%m"), s, a) for m, (s, a) in values],
        url=reverse("console:joint-rates"),
        url_label=_("Feedback rates by department"),
    )
