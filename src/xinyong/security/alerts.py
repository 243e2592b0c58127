"""Unusual access: users (and department systems) who read far more subjects than usual.

Why this exists: issue 7 ("auditors … see alerts for unusual access, e.g. one user reading
far more subjects than usual"); seeds 000 §3(1) and 003 §七(二) (查询使用登记台帐, 审核制度,
accountability for leaks); 个人信息保护法 art. 54 (regular compliance audits). Someone
harvesting credit information reads many subjects in a day; a clerk doing their job reads
about as many as on other days.

The rule (docs/decisions/0046-unusual-access-alerts.md): for each actor of the query
register (a user name, or a token), the number of *distinct subjects* read on the day is
compared with the median of that number over the :data:`WINDOW_DAYS` calendar days before
it (days without reads count as 0). An alert is raised when the day's number exceeds
``max(MINIMUM_SUBJECTS, FACTOR × median)``: :data:`FACTOR` times the usual, and never for
fewer than :data:`MINIMUM_SUBJECTS` subjects (a new or occasional user, whose median is 0,
is not flagged for a normal day's work). Days are Asia/Shanghai calendar days.

The numbers are module constants, not jurisdiction settings: they are audit heuristics, not
law, and a jurisdiction tunes them in code review with the auditors. An auditor sees alerts
computed over the register rows they may see (``queries.register_visible_to``): a credit
office's auditors every department, others their own and those below.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from xinyong.core.models import User
from xinyong.security.choices import ActorKind
from xinyong.security.queries import local_midnight, register_visible_to

#: How many times the usual number of subjects a day must exceed.
FACTOR: Final = 3
#: Never an alert for this many distinct subjects in a day or fewer.
MINIMUM_SUBJECTS: Final = 20
#: The trailing window of the median, in calendar days before the day looked at.
WINDOW_DAYS: Final = 30


@dataclass(frozen=True)
class AccessAlert:
    """One actor whose day stands out."""

    actor_kind: str
    actor_label: str
    departments: tuple[str, ...]  # "name (code)" of the departments they read for that day
    day: date
    subjects: int  # distinct subjects read on ``day``
    median: float  # median distinct subjects a day over the window
    threshold: float  # max(MINIMUM_SUBJECTS, FACTOR × median)

    @property
    def actor_kind_label(self) -> str:
        return str(ActorKind(self.actor_kind).label)

    @property
    def ratio(self) -> float | None:
        """How many times the usual (None when the usual is 0)."""
        return round(self.subjects / self.median, 1) if self.median else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor_kind": self.actor_kind,
            "actor": self.actor_label,
            "departments": list(self.departments),
            "day": self.day,
            "subjects": self.subjects,
            "median": self.median,
            "threshold": self.threshold,
            "ratio": self.ratio,
        }


def unusual_access(user: User, *, day: date | None = None) -> list[AccessAlert]:
    """The alerts of ``day`` (default today) over the register rows ``user`` may see,
    the largest excess first. Three aggregate queries whatever the register's size."""
    day = day or timezone.localdate()
    start = day - timedelta(days=WINDOW_DAYS)
    rows = (
        register_visible_to(user)
        .filter(
            accessed_at__gte=local_midnight(start),
            accessed_at__lt=local_midnight(day + timedelta(days=1)),
            subject_id__isnull=False,
        )
        .annotate(local_day=TruncDate("accessed_at", tzinfo=timezone.get_current_timezone()))
        .values("actor_kind", "actor_label", "local_day")
        .annotate(subjects=Count("subject_id", distinct=True))
        .order_by()
    )
    per_actor: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
    for row in rows:
        per_actor[(row["actor_kind"], row["actor_label"])][row["local_day"]] = row["subjects"]
    window = [start + timedelta(days=n) for n in range(WINDOW_DAYS)]
    flagged: list[tuple[tuple[str, str], int, float, float]] = []
    for actor, days in per_actor.items():
        today_count = days.get(day, 0)
        if today_count <= MINIMUM_SUBJECTS:
            continue
        median = float(statistics.median(days.get(d, 0) for d in window))
        threshold = max(float(MINIMUM_SUBJECTS), FACTOR * median)
        if today_count > threshold:
            flagged.append((actor, today_count, median, threshold))
    if not flagged:
        return []
    departments: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, label, code, name in (
        register_visible_to(user)
        .filter(
            accessed_at__gte=local_midnight(day),
            accessed_at__lt=local_midnight(day + timedelta(days=1)),
            actor_label__in=[actor[1] for actor, *_ in flagged],
        )
        .values_list("actor_kind", "actor_label", "department_code", "department_name")
        .distinct()
    ):
        if code:
            departments[(kind, label)].add(f"{name} ({code})" if name else code)
    alerts = [
        AccessAlert(
            actor_kind=actor[0],
            actor_label=actor[1],
            departments=tuple(sorted(departments.get(actor, ()))),
            day=day,
            subjects=count,
            median=median,
            threshold=threshold,
        )
        for actor, count, median, threshold in flagged
    ]
    return sorted(alerts, key=lambda a: (-(a.subjects - a.threshold), a.actor_label))
