"""Announcing a listing change to every implementing department (联合奖惩：信息推送).

Called by the listing actions (``xinyong.lists.actions``) inside the transaction of the
transition, so that the announcement, the inbox items and the pending webhook deliveries are
written atomically with the change: a rolled-back transition announces nothing, a committed
one cannot have skipped its announcement. Deliveries are sent after commit
(``transaction.on_commit`` → the ``deliver_webhook`` task).

Who is told (docs/decisions/0035-who-is-told.md): the departments that implement the
listing's measures — the measures and implementing bodies stated in the decision (the
memoranda in force on the decision date, ``ListingCase.measures_snapshot``), resolved to the
active departments of those kinds and codes when the change is announced — plus, for a later
change, every department told of an earlier change of the same listing (whoever applied a
measure must learn that it is suspended or lifted). When a listing takes effect, departments
watching a grant to the subject for a matter one of its restricting measures covers are told
too (re-screening, issue 4 §6).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import Department, User
from xinyong.joint.choices import ItemKind, ListingChange
from xinyong.joint.models import Announcement, InboxItem, Watch, WebhookDelivery, WebhookEndpoint
from xinyong.joint.payloads import event_payload, listing_public, measure_public
from xinyong.joint.scheduling import schedule_deliveries
from xinyong.lists.models import ListingCase
from xinyong.measures.choices import MeasureSide
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.workdays.queries import add_working_days_result

#: Namespace of the event ids (uuid5 of the platform, the case, its version and the change).
EVENT_NAMESPACE = uuid.UUID("6f1c2b0e-3a4d-5e8f-9a0b-1c2d3e4f5a6b")
FEEDBACK_SETTING = "joint.feedback_working_days"


def event_id_for(*parts: object) -> uuid.UUID:
    """A stable event id: the same inputs always give the same UUID (so a transition that
    were announced twice would collide on the unique constraint instead of telling twice)."""
    platform = settings.XINYONG.get("PLATFORM_DIVISION", "")
    return uuid.uuid5(EVENT_NAMESPACE, ":".join(str(p) for p in (platform, *parts)))


def implements(department: Department, measure: dict[str, Any]) -> bool:
    return department.kind in measure.get(
        "implementing_department_kinds", []
    ) or department.code in measure.get("implementing_department_codes", [])


def implementing_departments(measures: list[dict[str, Any]]) -> list[Department]:
    """Active departments of the kinds, or with the codes, the measures name (one query)."""
    kinds = {k for m in measures for k in m.get("implementing_department_kinds", [])}
    codes = {c for m in measures for c in m.get("implementing_department_codes", [])}
    if not kinds and not codes:
        return []
    return list(
        Department.objects.filter(active=True)
        .filter(Q(kind__in=kinds) | Q(code__in=codes))
        .order_by("pk")
    )


def feedback_due(today: date) -> tuple[date, bool]:
    """Feedback due N working days after the day the item reaches the inbox (N: the
    jurisdiction setting ``joint.feedback_working_days``; docs/decisions/0037)."""
    days = int(policy_setting(FEEDBACK_SETTING, on=today).value)
    result = add_working_days_result(today, days)
    assert isinstance(result.value, date)
    return result.value, result.provisional


def _effective_on(case: ListingCase, change: str, effective_on: date | None) -> date:
    if effective_on is not None:
        return effective_on
    by_change = {
        ListingChange.TOOK_EFFECT: case.listed_on,
        ListingChange.SUSPENDED: case.suspended_since,
        ListingChange.ENDED: case.removed_on,
    }
    return by_change.get(ListingChange(change)) or timezone.localdate()


def _deliveries_for(items: Iterable[InboxItem]) -> list[WebhookDelivery]:
    items = list(items)
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(
        active=True, department_id__in={i.department_id for i in items}
    ):
        endpoints.setdefault(endpoint.department_id, []).append(endpoint)
    now = timezone.now()
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            item=item,
            event_id=item.event_id,
            event_type=item.payload["type"],
            body=body_of(item.payload),
            next_attempt_at=now,
        )
        for item in items
        for endpoint in endpoints.get(item.department_id, [])
    ]
    return WebhookDelivery.objects.bulk_create(rows)


def body_of(payload: dict[str, Any]) -> str:
    """The webhook body: compact JSON, keys sorted, Chinese as itself (UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@transaction.atomic
def do_announce_listing_change(
    case: ListingCase,
    *,
    change: ListingChange | str,
    acting_user: User | None,
    actor_label: str = "",
    effective_on: date | None = None,
    today: date | None = None,
) -> Announcement:
    """Announce ``change`` of the (locked) ``case`` to its implementing departments.

    Call it inside the listing transition, once per transition, after the case's fields were
    set for the new state (``case.version`` is the version the transition started from).
    ``effective_on`` is the legal day of the change (default: listed on, objection received,
    removed on, by ``change``)."""
    change = ListingChange(change)
    today = today or timezone.localdate()
    effective = _effective_on(case, change, effective_on)
    event_id = event_id_for("listing", case.pk, case.version, change.value)
    measures: list[dict[str, Any]] = list(case.measures_snapshot or [])
    listing = listing_public(case, change=change, effective_on=effective)
    announcement = Announcement.objects.create(
        event_id=event_id,
        change=change,
        case=case,
        case_version=case.version,
        subject=case.subject,
        list_type_code=case.list_type_code,
        effective_on=effective,
        measures=measures,
        listing=listing,
        actor_label=(acting_user.get_username() if acting_user else actor_label) or "system",
    )
    departments = {d.pk: d for d in implementing_departments(measures)}
    if change != ListingChange.TOOK_EFFECT:
        told_before = Department.objects.filter(
            joint_items__announcement__case=case, joint_items__kind=ItemKind.LISTING_CHANGE
        ).distinct()
        for d in told_before:
            departments.setdefault(d.pk, d)
    due_on, provisional = feedback_due(today)
    occurred_at = timezone.now().isoformat()
    event_type = f"listing.{change.value}"
    items: list[InboxItem] = []
    for department in sorted(departments.values(), key=lambda d: d.pk):
        own = [measure_public(m) for m in measures if implements(department, m)]
        items.append(
            InboxItem(
                kind=ItemKind.LISTING_CHANGE,
                event_id=event_id,
                announcement=announcement,
                department=department,
                measures=own,
                payload=event_payload(
                    event_id=str(event_id),
                    event_type=event_type,
                    occurred_at=occurred_at,
                    department=department,
                    listing=listing,
                    measures=own,
                    due_on=due_on,
                ),
                due_on=due_on,
                due_provisional=provisional,
            )
        )
    if change == ListingChange.TOOK_EFFECT:
        items.extend(
            _rescreening_items(
                case, announcement, measures, listing, due_on, provisional, occurred_at
            )
        )
    items = InboxItem.objects.bulk_create(items)
    if items and items[0].pk is None:  # backends that do not return ids on bulk insert
        items = list(InboxItem.objects.filter(announcement=announcement).order_by("pk"))
    deliveries = _deliveries_for(items)
    record_event(
        EventType.JOINT_LISTING_ANNOUNCED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=announcement,
        subject_id=case.subject_id,
        after={
            "event_id": str(event_id),
            "change": change.value,
            "case": case.pk,
            "list_type": case.list_type_code,
            "effective_on": effective,
            "departments": sorted(d.code for d in departments.values()),
            "rescreening": sorted(
                i.watch_id for i in items if i.kind == ItemKind.RESCREENING and i.watch_id
            ),
            "feedback_due_on": due_on,
            "deliveries": len(deliveries),
        },
    )
    schedule_deliveries([d.pk for d in deliveries])
    return announcement


def _rescreening_items(
    case: ListingCase,
    announcement: Announcement,
    measures: list[dict[str, Any]],
    listing: dict[str, Any],
    due_on: date,
    provisional: bool,
    occurred_at: str,
) -> list[InboxItem]:
    """One item per active watch on the subject whose matter a restricting measure of the
    listing covers (issue 4 §6: "a subject you granted X is now restricted")."""
    restricting = [m for m in measures if m.get("side") == MeasureSide.PUNISHMENT]
    matters = {x for m in restricting for x in m.get("matters", [])}
    if not matters:
        return []
    items = []
    watches = Watch.objects.filter(
        subject=case.subject, active=True, matter__in=matters
    ).select_related("department")
    for watch in watches.order_by("pk"):
        event_id = event_id_for("rescreening", announcement.event_id, watch.pk)
        own = [measure_public(m) for m in restricting if watch.matter in m.get("matters", [])]
        items.append(
            InboxItem(
                kind=ItemKind.RESCREENING,
                event_id=event_id,
                announcement=announcement,
                department=watch.department,
                watch=watch,
                measures=own,
                payload=event_payload(
                    event_id=str(event_id),
                    event_type="rescreening",
                    occurred_at=occurred_at,
                    department=watch.department,
                    listing=listing,
                    measures=own,
                    due_on=due_on,
                    watch={
                        "id": watch.pk,
                        "matter": watch.matter,
                        "grant_reference": watch.grant_reference,
                        "granted_on": watch.granted_on.isoformat() if watch.granted_on else None,
                        "message_zh": f"复查提示：贵单位已授予（{watch.grant_reference}）的主体"
                        f"“{case.subject.name}”现已被列入{case.list_type.name_zh}，"
                        "该事项受到限制。",
                        "message_en": f"re-screening: a subject you granted "
                        f"{watch.grant_reference} is now restricted "
                        f"({case.list_type.name_en}).",
                    },
                ),
                due_on=due_on,
                due_provisional=provisional,
            )
        )
    return items


__all__ = ["do_announce_listing_change"]
