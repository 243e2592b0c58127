"""API of joint action, mounted at ``/api/v1/joint`` (docs/joint-action.md, "API").

Thin (STYLE §3): authenticate (``api_auth``: a department system's bearer token or a staff
session), check the scope for the department (``require_scope``), call a query or an action,
shape the answer with an explicit schema. Coded errors become RFC 9457 problems.

- inbox: ``GET /inbox``, ``GET /inbox/{id}``; ``POST /feedback``
- credit office: ``GET /feedback-rates``, ``GET /feedback/overdue``
- webhooks: ``GET|POST /webhooks``, ``POST /webhooks/{id}/rotate-secret``,
  ``DELETE /webhooks/{id}``, ``GET /webhooks/deliveries``,
  ``POST /webhooks/deliveries/{id}/redeliver``
- watches: ``GET|POST /watches``, ``DELETE /watches/{id}``
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import BaseModel, Field

from xinyong.core.models import Department
from xinyong.errors import CodedError, NotFound
from xinyong.joint import actions
from xinyong.joint.choices import FeedbackChannel
from xinyong.joint.errors import (
    InboxItemNotFound,
    WatchNotFound,
    WebhookDeliveryNotFound,
    WebhookEndpointNotFound,
)
from xinyong.joint.models import InboxItem, Watch, WebhookDelivery, WebhookEndpoint
from xinyong.joint.permissions import (
    FEEDBACK_SCOPE,
    WATCH_SCOPE,
    WEBHOOK_SCOPE,
    inbox_department_ids,
    require_rates,
    scoped_departments,
)
from xinyong.joint.queries import (
    INBOX_FILTERS,
    access_item,
    deliveries_for,
    feedback_rates,
    inbox,
    overdue_items,
)
from xinyong.paging import PageNumber
from xinyong.security.auth import api_auth, principal_of, require_scope
from xinyong.security.principals import Principal

router = Router(auth=api_auth, tags=["joint"])

PAGE_SIZE = 100


def _department(code: str | None) -> Department | None:
    if not code:
        return None
    found = Department.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise NotFound(
            code="DEPARTMENT_NOT_FOUND",
            message_zh=f"没有统一社会信用代码为 {code} 的部门",
            message_en=f"no department with code {code}",
        )
    return found


def _actor(principal: Principal) -> dict[str, Any]:
    return {"acting_user": principal.user, "actor_label": principal.label}


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class DepartmentOut(Schema):
    code: str
    name: str


class FeedbackOut(Schema):
    outcome: str
    reason: str
    given_on: date
    late: bool
    channel: str
    given_by: str
    recorded_at: datetime


class ItemOut(Schema):
    id: int
    reference: str
    kind: str
    event_id: UUID
    event_type: str
    department: DepartmentOut
    received_at: datetime
    due_on: date
    due_provisional: bool
    overdue: bool
    feedback: str | None
    feedback_on: date | None
    payload: dict[str, Any]


class ItemDetailOut(ItemOut):
    feedback_history: list[FeedbackOut]


class InboxPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ItemOut]


def _item(item: InboxItem, today: date) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reference": item.reference,
        "kind": item.kind,
        "event_id": item.event_id,
        "event_type": item.payload.get("type", ""),
        "department": {"code": item.department.code, "name": item.department.name},
        "received_at": item.created_at,
        "due_on": item.due_on,
        "due_provisional": item.due_provisional,
        "overdue": item.is_overdue(today),
        "feedback": item.feedback_outcome or None,
        "feedback_on": item.feedback_on,
        "payload": item.payload,
    }


class FeedbackIn(BaseModel):
    """Execution feedback on one inbox item, named by ``item`` (its id) or ``event_id`` (the
    webhook's ``X-Xinyong-Event-Id``, with ``department`` when the caller acts for several)."""

    item: int | None = Field(None, description="inbox item id")
    event_id: UUID | None = Field(None, description="event id of the item (webhook header)")
    department: str | None = Field(None, max_length=18, description="department code")
    outcome: str = Field(..., description="applied | not_applicable | failed")
    reason: str = Field("", max_length=2000, description="required unless applied")
    given_on: date | None = Field(None, description="legal date of the feedback; default today")


# --------------------------------------------------------------------------------------------
# Inbox and feedback
# --------------------------------------------------------------------------------------------


@router.get("/inbox", response=InboxPage, summary="Inbox of joint-action items (联合奖惩待办)")
def inbox_list(
    request: HttpRequest, show: str = "open", department: str | None = None, page: PageNumber = 1
) -> dict[str, Any]:
    """Items of the caller's departments: ``show`` = open (no feedback yet), overdue,
    answered or all; 100 a page, the earliest due first."""
    principal = principal_of(request)
    today = timezone.localdate()
    show = show if show in INBOX_FILTERS else "open"
    items = inbox(principal, show=show, today=today, department=_department(department))
    page = max(page, 1)
    count = items.count()
    rows = list(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "count": count,
        "page": page,
        "page_size": PAGE_SIZE,
        "results": [_item(i, today) for i in rows],
    }


def _detail(item: InboxItem) -> dict[str, Any]:
    return {
        **_item(item, timezone.localdate()),
        "feedback_history": [
            {
                "outcome": f.outcome,
                "reason": f.reason,
                "given_on": f.given_on,
                "late": f.late,
                "channel": f.channel,
                "given_by": f.actor_label,
                "recorded_at": f.recorded_at,
            }
            for f in item.feedback.order_by("pk")
        ],
    }


@router.get("/inbox/{item_id}", response=ItemDetailOut, summary="One inbox item")
def inbox_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _detail(access_item(principal_of(request), item_id))


@router.post("/feedback", response={201: ItemDetailOut}, summary="Report execution feedback")
def feedback(request: HttpRequest, data: FeedbackIn) -> Status:
    """Record what the department did: ``applied``, ``not_applicable`` (reason required) or
    ``failed`` (reason required). Scope ``report`` in the item's department. A later report
    supersedes an earlier one."""
    principal = principal_of(request)
    visible = inbox_department_ids(principal)
    items = InboxItem.objects.filter(department_id__in=visible)
    if data.item is not None:
        item = items.filter(pk=data.item).first()
    elif data.event_id is not None:
        target = _department(data.department)
        matches = items.filter(event_id=data.event_id)
        if target is not None:
            matches = matches.filter(department=target)
        found = list(matches[:2])
        if len(found) > 1:
            raise CodedError(
                code="DEPARTMENT_REQUIRED",
                status=403,
                message_zh="该事件发给了您所在的多个部门，请指明代表哪个部门反馈。",
                message_en="this event went to several of your departments; name the department.",
            )
        item = found[0] if found else None
    else:
        raise CodedError(
            code="JOINT_ITEM_REQUIRED",
            status=422,
            message_zh="请提供事项编号（item）或事件编号（event_id）。",
            message_en="name the item (item) or the event (event_id).",
        )
    if item is None:
        raise InboxItemNotFound(
            message_zh="没有找到该联合奖惩事项，或它不属于您的部门。",
            message_en="no such inbox item for your departments.",
        )
    acting = require_scope(request, FEEDBACK_SCOPE, department=item.department)
    actions.do_record_feedback(
        item,
        outcome=data.outcome,
        reason=data.reason,
        given_on=data.given_on,
        channel=FeedbackChannel.API,
        **_actor(acting),
    )
    return Status(201, _detail(access_item(principal, item.pk)))


# --------------------------------------------------------------------------------------------
# Credit office: feedback rates and overdue feedback
# --------------------------------------------------------------------------------------------


class OutcomesOut(Schema):
    applied: int
    not_applicable: int
    failed: int


class RateOut(Schema):
    department: DepartmentOut
    items: int
    answered: int
    on_time: int
    late: int
    overdue: int
    pending: int
    outcomes: OutcomesOut
    feedback_rate: float
    on_time_rate: float


class RatesOut(Schema):
    today: date
    since: date | None
    until: date | None
    departments: list[RateOut]


@router.get("/feedback-rates", response=RatesOut, summary="Feedback rates by department")
def rates(
    request: HttpRequest, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    """Per department: items, answered (on time / late), overdue, pending, outcomes and the
    feedback rate; items selected by their due day (``since``–``until``). Credit office only."""
    require_rates(principal_of(request))
    today = timezone.localdate()
    return {
        "today": today,
        "since": since,
        "until": until,
        "departments": [r.as_dict() for r in feedback_rates(today=today, since=since, until=until)],
    }


class OverdueOut(Schema):
    id: int
    reference: str
    event_id: UUID
    event_type: str
    department: DepartmentOut
    subject_name: str
    list_type: str
    due_on: date
    days_overdue: int


@router.get("/feedback/overdue", response=list[OverdueOut], summary="Overdue feedback")
def overdue(request: HttpRequest, department: str | None = None) -> list[dict[str, Any]]:
    """Items without feedback after their due day, oldest first (at most 1,000). Credit
    office only."""
    require_rates(principal_of(request))
    today = timezone.localdate()
    rows = overdue_items(today=today, department=_department(department))[:1000]
    return [
        {
            "id": i.pk,
            "reference": i.reference,
            "event_id": i.event_id,
            "event_type": i.payload.get("type", ""),
            "department": {"code": i.department.code, "name": i.department.name},
            "subject_name": i.announcement.subject.name,
            "list_type": i.announcement.list_type_code,
            "due_on": i.due_on,
            "days_overdue": (today - i.due_on).days,
        }
        for i in rows
    ]


# --------------------------------------------------------------------------------------------
# Webhooks
# --------------------------------------------------------------------------------------------


class EndpointIn(BaseModel):
    url: str = Field(..., max_length=500, description="https URL receiving the events")
    description: str = Field("", max_length=200)
    department: str | None = Field(None, max_length=18, description="department code")


class EndpointOut(Schema):
    id: int
    department: DepartmentOut
    url: str
    description: str
    active: bool
    secret_hint: str
    created_at: datetime
    secret_rotated_at: datetime | None


class EndpointWithSecretOut(EndpointOut):
    secret: str


def _endpoint(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.pk,
        "department": {"code": e.department.code, "name": e.department.name},
        "url": e.url,
        "description": e.description,
        "active": e.active,
        "secret_hint": e.secret_hint,
        "created_at": e.created_at,
        "secret_rotated_at": e.secret_rotated_at,
    }


def _own_endpoint(request: HttpRequest, pk: int) -> tuple[WebhookEndpoint, Principal]:
    principal = principal_of(request)
    allowed = {d.pk for d in scoped_departments(principal, WEBHOOK_SCOPE)}
    endpoint = (
        WebhookEndpoint.objects.filter(pk=pk, department_id__in=allowed)
        .select_related("department")
        .first()
    )
    if endpoint is None:
        raise WebhookEndpointNotFound(
            message_zh=f"接收地址 {pk} 不存在或不属于您的部门。",
            message_en=f"webhook endpoint {pk} does not exist or is not your department's.",
        )
    return endpoint, require_scope(request, WEBHOOK_SCOPE, department=endpoint.department)


@router.get("/webhooks", response=list[EndpointOut], summary="Webhook endpoints")
def webhook_list(request: HttpRequest) -> list[dict[str, Any]]:
    allowed = {d.pk for d in scoped_departments(principal_of(request), WEBHOOK_SCOPE)}
    rows = WebhookEndpoint.objects.filter(department_id__in=allowed).select_related("department")
    return [_endpoint(e) for e in rows]


@router.post(
    "/webhooks", response={201: EndpointWithSecretOut}, summary="Register a webhook endpoint"
)
def webhook_register(request: HttpRequest, data: EndpointIn) -> Status:
    """Register an endpoint; the answer carries the signing secret — the only time it is
    shown. Scope ``report`` in the department."""
    acting = require_scope(request, WEBHOOK_SCOPE, department=_department(data.department))
    assert acting.department is not None
    endpoint, secret = actions.do_register_webhook_endpoint(
        acting.department, url=data.url, description=data.description, **_actor(acting)
    )
    return Status(201, {**_endpoint(endpoint), "secret": secret})


@router.post(
    "/webhooks/{int:endpoint_id}/rotate-secret",
    response=EndpointWithSecretOut,
    summary="Issue a new webhook secret",
)
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    endpoint, acting = _own_endpoint(request, endpoint_id)
    endpoint, secret = actions.do_rotate_webhook_secret(endpoint, **_actor(acting))
    return {**_endpoint(endpoint), "secret": secret}


@router.delete("/webhooks/{int:endpoint_id}", response=EndpointOut, summary="Disable an endpoint")
def webhook_disable(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    endpoint, acting = _own_endpoint(request, endpoint_id)
    return _endpoint(actions.do_disable_webhook_endpoint(endpoint, **_actor(acting)))


class DeliveryOut(Schema):
    id: int
    endpoint: int
    item: int
    event_id: UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    dead_at: datetime | None


def _delivery(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "endpoint": d.endpoint_id,
        "item": d.item_id,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_attempt_at": d.last_attempt_at,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "delivered_at": d.delivered_at,
        "dead_at": d.dead_at,
    }


@router.get("/webhooks/deliveries", response=list[DeliveryOut], summary="Webhook deliveries")
def delivery_list(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    """The newest 500 deliveries of the caller's endpoints; ``status`` = pending, delivered or
    dead (dead letters)."""
    allowed = {d.pk for d in scoped_departments(principal_of(request), WEBHOOK_SCOPE)}
    return [_delivery(d) for d in deliveries_for(allowed, status=status)[:500]]


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response=DeliveryOut,
    summary="Send a dead letter again",
)
def delivery_redeliver(request: HttpRequest, delivery_id: int) -> dict[str, Any]:
    principal = principal_of(request)
    allowed = {d.pk for d in scoped_departments(principal, WEBHOOK_SCOPE)}
    found = deliveries_for(allowed).filter(pk=delivery_id).first()
    if found is None:
        raise WebhookDeliveryNotFound(
            message_zh=f"推送记录 {delivery_id} 不存在或不属于您的部门。",
            message_en=f"delivery {delivery_id} does not exist or is not your department's.",
        )
    acting = require_scope(request, WEBHOOK_SCOPE, department=found.endpoint.department)
    return _delivery(actions.do_redeliver_webhook(found, **_actor(acting)))


# --------------------------------------------------------------------------------------------
# Watches (re-screening)
# --------------------------------------------------------------------------------------------


class WatchIn(BaseModel):
    subject: str = Field(..., max_length=40, description="USCC or resident ID number")
    matter: str = Field(..., max_length=32, description="matter code, e.g. fiscal_funds")
    grant_reference: str = Field(..., max_length=100, description="your licence/contract/award no.")
    granted_on: date | None = None
    note: str = Field("", max_length=300)
    department: str | None = Field(None, max_length=18, description="department code")


class WatchOut(Schema):
    id: int
    department: DepartmentOut
    subject_name: str
    subject_identifier: str
    matter: str
    grant_reference: str
    granted_on: date | None
    active: bool
    created_at: datetime
    ended_at: datetime | None


def _watch(w: Watch) -> dict[str, Any]:
    return {
        "id": w.pk,
        "department": {"code": w.department.code, "name": w.department.name},
        "subject_name": w.subject.name,
        "subject_identifier": w.subject.uscc or w.subject.id_number_masked or "",
        "matter": w.matter,
        "grant_reference": w.grant_reference,
        "granted_on": w.granted_on,
        "active": w.active,
        "created_at": w.created_at,
        "ended_at": w.ended_at,
    }


@router.post("/watches", response={201: WatchOut}, summary="Watch a grant (re-screening)")
def watch_register(request: HttpRequest, data: WatchIn) -> Status:
    """Ask to be told when a listing takes effect that restricts ``matter`` for the subject
    you granted it to. Scope ``check`` in the department."""
    acting = require_scope(request, WATCH_SCOPE, department=_department(data.department))
    assert acting.department is not None
    subject = actions.find_subject_by_code(data.subject)
    watch = actions.do_register_watch(
        acting.department,
        subject=subject,
        matter=data.matter,
        grant_reference=data.grant_reference,
        granted_on=data.granted_on,
        note=data.note,
        **_actor(acting),
    )
    return Status(201, _watch(watch))


@router.get("/watches", response=list[WatchOut], summary="Watched grants")
def watch_list(request: HttpRequest, active: bool = True) -> list[dict[str, Any]]:
    allowed = {d.pk for d in scoped_departments(principal_of(request), WATCH_SCOPE)}
    rows = Watch.objects.filter(department_id__in=allowed, active=active).select_related(
        "department", "subject"
    )
    return [_watch(w) for w in rows[:1000]]


@router.delete("/watches/{watch_id}", response=WatchOut, summary="Stop watching a grant")
def watch_end(request: HttpRequest, watch_id: int) -> dict[str, Any]:
    principal = principal_of(request)
    allowed = {d.pk for d in scoped_departments(principal, WATCH_SCOPE)}
    watch = (
        Watch.objects.filter(pk=watch_id, department_id__in=allowed)
        .select_related("department", "subject")
        .first()
    )
    if watch is None:
        raise WatchNotFound(
            message_zh=f"关注 {watch_id} 不存在或不属于您的部门。",
            message_en=f"watch {watch_id} does not exist or is not your department's.",
        )
    acting = require_scope(request, WATCH_SCOPE, department=watch.department)
    ended = actions.do_end_watch(watch, **_actor(acting))
    ended.subject = watch.subject
    return _watch(ended)
