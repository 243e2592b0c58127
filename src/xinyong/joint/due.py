"""Joint-action items waiting for feedback, for the console home (``xinyong.console.due``).

An inbox item is due on its feedback day (``due_on``) and overdue after it, until the
department records what it did. Only items of the departments whose inbox the user may read
count (``inbox_department_ids``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xinyong.console.due import DueWork
from xinyong.core.models import User
from xinyong.joint.models import InboxItem
from xinyong.joint.permissions import inbox_department_ids


def due_work(user: User, today: date) -> list[DueWork]:
    departments = inbox_department_ids(user)
    if not departments:
        return []
    counts = InboxItem.objects.filter(department_id__in=departments, feedback_outcome="").aggregate(
        open=Count("pk"),
        due_today=Count("pk", filter=Q(due_on=today)),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    if not counts["open"]:
        return []
    return [
        DueWork(
            key="joint.feedback",
            label=_("Joint action: feedback to give"),
            url=reverse("console:joint-inbox"),
            due_today=counts["due_today"],
            overdue=counts["overdue"],
            open=counts["open"],
        )
    ]
