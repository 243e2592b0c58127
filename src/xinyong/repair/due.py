"""Objections and repair reviews that are due today or overdue, for the console home
(``xinyong.console.due``; add ``"xinyong.repair.due.due_work"`` to ``DUE_PROVIDERS``).

Only the work the user may act on counts, each with its deadline stored on the row
(docs/repair.md, "Steps and deadlines"):

- **objections**: a record objection waits for a department reporter of the department that
  owns the record ("谁决定、谁负责"); a listing objection received on the portal waits for
  the credit office to enter it in the listing procedure (it has no deadline of its own
  here: the procedure counts it);
- **repair reviews**: an application in initial review waits for a credit-office reviewer;
  one waiting for the sector authority's decision, for a reporter of that department.

Due today on the deadline day, overdue from the day after. Two aggregate queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.console.due import DueWork
from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.core.permissions import departments_with_role
from xinyong.repair.choices import ApplicationStatus, ObjectionStatus, TargetKind
from xinyong.repair.models import Objection, RepairApplication
from xinyong.repair.permissions import is_reviewer


def _counts(rows: QuerySet[Any], field: str, today: date) -> dict[str, int]:
    return rows.aggregate(
        open=Count("pk"),
        due_today=Count("pk", filter=Q(**{field: today})),
        overdue=Count("pk", filter=Q(**{f"{field}__lt": today})),
    )


def due_work(user: User, today: date) -> list[DueWork]:
    reviewer = is_reviewer(user)
    owned = [d.pk for d in departments_with_role(user, Role.DEPARTMENT_REPORTER)]
    if not reviewer and not owned:
        return []
    url = reverse("console:repair-worklist") + "?due=1"

    mine = Q(target_kind=TargetKind.RECORD, department_id__in=owned)
    if reviewer:
        mine |= Q(target_kind=TargetKind.LISTING)
    objections = _counts(
        Objection.objects.filter(mine, status=ObjectionStatus.PENDING), "answer_due_on", today
    )
    steps = Q(status=ApplicationStatus.AUTHORITY_REVIEW, department_id__in=owned)
    if reviewer:
        steps |= Q(status__in=(ApplicationStatus.INITIAL_REVIEW, ApplicationStatus.HIGHER_REVIEW))
    reviews = _counts(RepairApplication.objects.filter(steps), "due_on", today)

    work = []
    if objections["open"]:
        work.append(
            DueWork(
                key="repair.objections",
                label=_("Objections to credit information"),
                url=url,
                due_today=objections["due_today"],
                overdue=objections["overdue"],
                open=objections["open"],
            )
        )
    if reviews["open"]:
        work.append(
            DueWork(
                key="repair.applications",
                label=_("Credit repair applications to review or decide"),
                url=url,
                due_today=reviews["due_today"],
                overdue=reviews["overdue"],
                open=reviews["open"],
            )
        )
    return work
