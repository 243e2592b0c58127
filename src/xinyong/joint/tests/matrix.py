"""Objects of joint action for the permission matrix (``xinyong.security.matrix``).

Each factory takes the matrix test's world (``tests/security/conftest.py``: department A, a
sector authority, owns a wage-arrears listing case with its prior notice on the world
company) and makes, through the actions, one object of department A. The matrix test runs
every case in a savepoint rolled back afterwards, so the factories may move the world's case
on.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from xinyong.core.models import User
from xinyong.joint.actions import (
    do_register_watch,
    do_register_webhook_endpoint,
)
from xinyong.joint.actions.webhooks import (
    MAX_ATTEMPTS,
    do_finish_webhook_attempt,
    do_start_webhook_attempt,
)
from xinyong.joint.models import InboxItem, Watch, WebhookDelivery, WebhookEndpoint
from xinyong.lists import actions as lists
from xinyong.lists.choices import CaseState, LeniencyOutcome
from xinyong.lists.models import ListingCase

World = Any  # tests/security/conftest.py: World

D = date


def _listed_case(world: World) -> ListingCase:
    """The world's case (prior notice 2026-03-02) decided on 2026-03-10 and listed on
    2026-03-12: its announcement tells the implementing departments (department A among
    them, a sector authority) and queues a delivery to each of their webhook endpoints."""
    case = ListingCase.objects.get(pk=world.listing_case.pk)
    if case.state == CaseState.LISTED:
        return case
    initiator = User.objects.get(username="matrix-reporter-a")
    reviewer = User.objects.get(username="matrix-reviewer")
    case = lists.do_close_objection_window(case, acting_user=None, today=D(2026, 3, 10))
    lists.do_record_leniency_assessment(
        case,
        grounds_found=[],
        outcome=LeniencyOutcome.NO_GROUNDS,
        conclusion="矩阵测试：不存在宽容审慎情形。",
        acting_user=initiator,
        today=D(2026, 3, 10),
    )
    case = lists.do_decide_listing(
        case, decision_date=D(2026, 3, 10), acting_user=initiator, today=D(2026, 3, 10)
    )
    return lists.do_publish_listing(
        case, listed_on=D(2026, 3, 12), acting_user=reviewer, today=D(2026, 3, 12)
    )


def make_inbox_item(world: World) -> InboxItem:
    """Department A's inbox item announcing the world case's listing."""
    case = _listed_case(world)
    return InboxItem.objects.get(department=world.department_a, announcement__case=case)


def make_webhook_endpoint(world: World) -> WebhookEndpoint:
    endpoint, _secret = do_register_webhook_endpoint(
        world.department_a,
        url="https://matrix-a.example/xinyong/events",
        description="矩阵测试接收地址",
        acting_user=None,
        actor_label="test:matrix",
    )
    return endpoint


def make_dead_delivery(world: World) -> WebhookDelivery:
    """A delivery to department A's endpoint that failed every attempt (a dead letter)."""
    endpoint = make_webhook_endpoint(world)
    _listed_case(world)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        attempt = do_start_webhook_attempt(delivery.pk, now=now)
        assert attempt is not None
        delivery = do_finish_webhook_attempt(
            attempt, ok=False, status_code=503, error="matrix: unavailable", now=now
        )
        now += timedelta(days=1)
    assert delivery.status == "dead", delivery.status
    return delivery


def make_watch(world: World) -> Watch:
    return do_register_watch(
        world.department_a,
        subject=world.company,
        matter="fiscal_funds",
        grant_reference="矩阵财补〔2026〕1号",
        granted_on=D(2026, 2, 1),
        acting_user=None,
        actor_label="test:matrix",
    )
