"""Background work of objections and repair, run by ``xinyong worker`` (django-tasks-db).
Idempotent (STYLE §4): the tick may run any number of times a day."""

from __future__ import annotations

from django.tasks import task

from xinyong.audit.context import new_request_id, request_context
from xinyong.repair.tick import run_repair_tick


@task()
def repair_tick_task() -> dict[str, object]:
    """One run of the repair tick for today (docs/repair.md, "The daily job")."""
    with request_context(new_request_id("task-")):
        return run_repair_tick().as_dict()
