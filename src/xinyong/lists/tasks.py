"""Background tasks of the lists app (django-tasks; run by ``xinyong worker``).

``listing_tick`` runs the same function as ``xinyong lists tick``: enqueue it from a scheduler
(``listing_tick.enqueue()``) or run the command from cron — both are idempotent.
"""

from __future__ import annotations

from typing import Any

from django.tasks import task

from xinyong.lists.tick import run_listing_tick
from xinyong.workdays.errors import parse_date_param


@task()
def listing_tick(today: str | None = None) -> dict[str, Any]:
    """One run of the listing job; ``today`` as ``YYYY-MM-DD`` (default: today)."""
    day = parse_date_param(today, name="today") if today else None
    return run_listing_tick(today=day).as_dict()
