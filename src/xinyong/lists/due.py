"""Listing cases that are due today or overdue, for the console home (``xinyong.console.due``).

A case has one next deadline (``due_on``, see docs/lists.md "Deadlines"); it counts as due
today on its deadline day and overdue the day after. Only cases the user may see count
(``ListingCase.objects.restrict``), and only states in which someone must act.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.console.due import DueWork
from xinyong.core.models import User
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase

# States in which the case waits for someone at the platform (not for the passing of a term).
ACTIONABLE_STATES = [
    CaseState.DRAFT,
    CaseState.NOTICE_ISSUED,
    CaseState.OBJECTION_REVIEW,
    CaseState.READY_FOR_DECISION,
    CaseState.DECIDED,
    CaseState.SUSPENDED,
]


def due_work(user: User, today: date) -> list[DueWork]:
    cases = ListingCase.objects.restrict(user, "view").filter(state__in=ACTIONABLE_STATES)
    counts = cases.aggregate(
        open=Count("pk"),
        due_today=Count("pk", filter=Q(due_on=today)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    if not counts["open"]:
        return []
    return [
        DueWork(
            key="lists.cases",
            label=_("Listing cases"),
            url=reverse("console:lists") + "?due=1",
            due_today=counts["due_today"],
            overdue=counts["overdue"],
            open=counts["open"],
        )
    ]
