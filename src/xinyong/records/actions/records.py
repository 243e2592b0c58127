"""Withdrawing records (撤销) and ending publication at the end of the period.

Why this exists:

- 《中华人民共和国行政处罚法》（2021年修订）第四十八条: a published penalty decision that is
  changed, revoked or found invalid is withdrawn within **3 days** (calendar days; the
  jurisdiction setting ``penalty.withdrawal_days``). Withdrawal is an explicit operation that
  stops publication at once and records when; a late withdrawal is never refused — it is
  recorded with its lag and flagged late, because refusing it would keep a changed decision
  published even longer.
- RULES §3: at the maximum of its period a record stops being published automatically. One
  periodic, idempotent job (STYLE.md §5) selects what is due in bulk and expires it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import digest, record_event
from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.records.choices import RecordStatus
from xinyong.records.errors import RecordAlreadyWithdrawn, WithdrawalInvalid
from xinyong.records.models import Record


def withdrawal_days(on: date) -> int | None:
    """Days allowed to withdraw after the change of the decision on ``on`` (None before the
    2021 law took effect, when no number applies)."""
    try:
        return int(policy_setting("penalty.withdrawal_days", on=on).value)
    except CodedError:
        return None


def check_withdraw_record(record: Record, *, reason: str, decision_changed_on: date) -> None:
    if record.status == RecordStatus.WITHDRAWN:
        when = timezone.localtime(record.withdrawn_at).date() if record.withdrawn_at else ""
        raise RecordAlreadyWithdrawn(
            message_zh=f"该记录已于 {when} 撤销。",
            message_en=f"The record was already withdrawn on {when}.",
            record=record.pk,
        )
    if not reason.strip():
        raise WithdrawalInvalid(
            "WITHDRAWAL_REASON_REQUIRED",
            "请说明撤销的原因（例如：处罚决定被变更、撤销或确认无效）。",
            "Give the reason for the withdrawal (e.g. the decision was changed, revoked or "
            "found invalid).",
        )
    today = timezone.localdate()
    if decision_changed_on > today:
        raise WithdrawalInvalid(
            "WITHDRAWAL_DATE_IN_FUTURE",
            f"决定变更日期 {decision_changed_on} 晚于今天。",
            f"The date the decision changed ({decision_changed_on}) is after today.",
        )
    if record.decision_date and decision_changed_on < record.decision_date:
        raise WithdrawalInvalid(
            "WITHDRAWAL_DATE_BEFORE_DECISION",
            f"决定变更日期 {decision_changed_on} 早于决定日期 {record.decision_date}。",
            f"The date the decision changed ({decision_changed_on}) is before the decision "
            f"date ({record.decision_date}).",
        )


@transaction.atomic
def do_withdraw_record(
    record: Record,
    *,
    reason: str,
    decision_changed_on: date,
    acting_user: User | None,
    actor_label: str = "",
) -> Record:
    """Withdraw ``record`` now: publication stops at once, the time, the reason, who and
    the lag after the change of the decision are recorded (``RECORD_WITHDRAWN``)."""
    record = Record.objects.select_for_update().select_related("department").get(pk=record.pk)
    check_withdraw_record(record, reason=reason, decision_changed_on=decision_changed_on)
    now = timezone.now()
    lag = (timezone.localdate(now) - decision_changed_on).days
    allowed = withdrawal_days(decision_changed_on)
    before = {"status": record.status, "version": record.version}
    record.status = RecordStatus.WITHDRAWN
    record.status_changed_at = now
    record.withdrawn_at = now
    record.withdrawal_reason = reason.strip()
    record.withdrawn_by = acting_user
    record.decision_changed_on = decision_changed_on
    record.withdrawal_lag_days = lag
    record.withdrawal_late = None if allowed is None else lag > allowed
    record.save(
        update_fields=[
            "status",
            "status_changed_at",
            "withdrawn_at",
            "withdrawal_reason",
            "withdrawn_by",
            "decision_changed_on",
            "withdrawal_lag_days",
            "withdrawal_late",
        ]
    )
    record_event(
        EventType.RECORD_WITHDRAWN,
        acting_user=acting_user,
        obj=record,
        department=record.department,
        subject_id=record.subject_id,
        actor_label=actor_label,
        before=before,
        after={
            "status": record.status,
            "reason": record.withdrawal_reason,
            "decision_changed_on": decision_changed_on,
            "lag_days": lag,
            "allowed_days": allowed,
            "late": record.withdrawal_late,
        },
    )
    return record


@transaction.atomic
def do_expire_records(
    *, today: date | None = None, acting_user: User | None = None, actor_label: str = ""
) -> int:
    """End publication of every active record whose period ended before ``today``
    (``RECORD_EXPIRED``, one event for the run with the records' ids and digest). Running it
    twice the same day expires nothing the second time."""
    day = today or timezone.localdate()
    due = list(
        Record.objects.select_for_update()
        .filter(status=RecordStatus.ACTIVE, publication_max_end__lt=day)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    now = timezone.now()
    for start in range(0, len(due), 5000):
        Record.objects.filter(pk__in=due[start : start + 5000]).update(
            status=RecordStatus.EXPIRED, status_changed_at=now
        )
    record_event(
        EventType.RECORD_EXPIRED,
        acting_user=acting_user,
        object_type=Record._meta.label_lower,
        actor_label=actor_label or "system:records-expire",
        after={
            "on": day,
            "count": len(due),
            "first_id": due[0],
            "last_id": due[-1],
            "digest": digest(due),
        },
    )
    return len(due)
