"""Telling subjects and departments what the dates say: the eligibility reminder (seed 000
二(三): 由行业主管（监管）部门提前3个工作日向失信主体发出可修复的通知) and overdue steps.

Both are called by the periodic job (``xinyong.repair.tick``) and are idempotent: the
notification key holds the record (reminder) or the item and its due date (overdue), so a
second run tells nobody twice.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.records.models import Record
from xinyong.repair.actions._base import notify
from xinyong.repair.choices import NotificationKind, Recipient
from xinyong.repair.models import Notification, Objection, RepairApplication


@transaction.atomic
def do_notify_repair_eligibility(
    record: Record, *, eligible_from: date, today: date, actor_label: str = "system:repair-tick"
) -> Notification | None:
    """Tell the subject it may apply for repair from ``eligible_from`` (once per record)."""
    created = notify(
        f"eligible:{record.pk}",
        kind=NotificationKind.ELIGIBLE_SOON,
        recipient=Recipient.SUBJECT,
        subject_id=record.subject_id,
        record=record,
        message_zh=f"您的失信信息（{record.decision_number}）自 {eligible_from.isoformat()} 起可"
        "在线申请信用修复，免费办理，需提交履行义务的证明材料和信用承诺书。",
        message_en=f"You may apply online for repair of the information "
        f"({record.decision_number}) from {eligible_from.isoformat()}; it is free of charge "
        "and needs proof of performance and a signed credit commitment.",
    )
    if created is not None:
        record_event(
            EventType.REPAIR_ELIGIBILITY_NOTIFIED,
            acting_user=None,
            actor_label=actor_label,
            obj=record,
            subject_id=record.subject_id,
            after={"eligible_from": eligible_from, "notified_on": today},
        )
    return created


@transaction.atomic
def do_notify_overdue(
    item: Objection | RepairApplication, *, today: date, actor_label: str = "system:repair-tick"
) -> Notification | None:
    """Tell the department an answer or a decision is overdue (once per item and due date)."""
    if isinstance(item, Objection):
        due = item.answer_due_on
        kind, event, name = (
            NotificationKind.OBJECTION_OVERDUE,
            EventType.OBJECTION_OVERDUE,
            "objection",
        )
    else:
        due = item.due_on
        kind, event, name = (
            NotificationKind.APPLICATION_OVERDUE,
            EventType.REPAIR_APPLICATION_OVERDUE,
            "application",
        )
    assert due is not None
    links = {"objection": item} if isinstance(item, Objection) else {"application": item}
    created = notify(
        f"overdue:{name}:{item.pk}:{due.isoformat()}",
        kind=kind,
        recipient=Recipient.DEPARTMENT,
        department_id=item.department_id,
        record_id=item.record_id,
        message_zh=f"{item.reference} 已超过办理期限（{due.isoformat()}）。",
        message_en=f"{item.reference} is overdue (due {due.isoformat()}).",
        **links,
    )
    if created is not None:
        record_event(
            event,
            acting_user=None,
            actor_label=actor_label,
            obj=item,
            department=item.department,
            subject_id=item.subject_id,
            after={"due_on": due, "noticed_on": today},
        )
    return created
