"""Background work of collection, run by ``xinyong worker`` (django-tasks-db).

Why this exists: a file uploaded in the console may hold a million rows; the page must
answer at once and show progress while a worker processes the file. Tasks are idempotent
(STYLE.md §4): processing a finished batch does nothing, and a batch stopped half-way (the
worker was killed) resumes after its last committed row when the task runs again.
"""

from __future__ import annotations

import logging

from django.tasks import task

from xinyong.audit.context import new_request_id, request_context
from xinyong.records.actions.records import do_expire_records
from xinyong.records.engine import process_stored_batch
from xinyong.records.errors import BatchBusy
from xinyong.records.models import Batch

logger = logging.getLogger(__name__)

ACTOR = "system:records-worker"


@task()
def process_batch_task(batch_id: int) -> str:
    """Process (or resume) an uploaded batch; returns its status."""
    with request_context(new_request_id("task-")):
        batch = Batch.objects.filter(pk=batch_id).select_related("created_by").first()
        if batch is None:
            return "missing"
        try:
            batch = process_stored_batch(batch, acting_user=batch.created_by, actor_label=ACTOR)
        except BatchBusy:
            logger.info("batch %s is being processed elsewhere", batch_id)
            return "busy"
        return batch.status


@task()
def expire_records_task() -> int:
    """End the publication of records whose period is over (run daily)."""
    with request_context(new_request_id("task-")):
        return do_expire_records(actor_label="system:records-expire")
