"""Enqueue webhook deliveries after the transaction commits (STYLE §4: no side effect
before commit; a rolled-back change pushes nothing).

Enqueueing is only a nudge: the delivery rows are already in the database, and
``xinyong joint deliver`` (or the ``deliver_due_webhooks`` task) sends whatever is due even
if an enqueue was lost or a worker died.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction


def schedule_deliveries(ids: Sequence[int], *, run_after: datetime | None = None) -> None:
    if not ids:
        return
    ids = list(ids)

    def enqueue() -> None:
        from xinyong.joint.tasks import deliver_webhook

        task = deliver_webhook.using(run_after=run_after) if run_after else deliver_webhook
        for pk in ids:
            task.enqueue(pk)

    transaction.on_commit(enqueue)
