"""Background tasks of joint action (django-tasks; run by ``xinyong worker``).

``deliver_webhook`` sends one delivery when it is due — enqueued after commit by the action
that created or rescheduled it (with ``run_after`` for a retry). ``deliver_due_webhooks`` is
the sweep: it sends everything due, which also recovers deliveries whose task was lost or
whose worker was killed mid-delivery. Both are idempotent; run the sweep every minute
(``xinyong joint deliver`` from cron, or enqueue the task from a scheduler).
"""

from __future__ import annotations

from django.tasks import task

from xinyong.audit.context import new_request_id, request_context
from xinyong.joint.delivery import deliver_due, deliver_one


@task()
def deliver_webhook(delivery_id: int) -> str:
    with request_context(new_request_id("task-")):
        return deliver_one(delivery_id)


@task()
def deliver_due_webhooks() -> dict[str, int]:
    with request_context(new_request_id("task-")):
        return deliver_due()
