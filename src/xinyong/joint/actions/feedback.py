"""Execution feedback (执行反馈): what an implementing department did with an inbox item."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.joint.choices import FeedbackChannel, FeedbackOutcome
from xinyong.joint.errors import (
    FeedbackDateInvalid,
    FeedbackOutcomeUnknown,
    FeedbackReasonRequired,
    InboxItemNotFound,
)
from xinyong.joint.models import Feedback, InboxItem

MAX_REASON = 2000


def check_record_feedback(outcome: str, reason: str) -> tuple[FeedbackOutcome, str]:
    """A known outcome; a reason unless the measures were applied (issue 4 §5: not applicable
    with reason, failed with reason)."""
    if outcome not in FeedbackOutcome.values:
        raise FeedbackOutcomeUnknown(
            message_zh=f"反馈结果 {outcome!r} 无效，应为：已执行、不适用、执行失败。",
            message_en=f"feedback outcome {outcome!r} is not one of "
            f"{', '.join(FeedbackOutcome.values)}.",
            outcome=outcome,
        )
    reason = " ".join((reason or "").split())[:MAX_REASON]
    result = FeedbackOutcome(outcome)
    if result != FeedbackOutcome.APPLIED and not reason:
        raise FeedbackReasonRequired(
            message_zh="选择“不适用”或“执行失败”时须说明理由。",
            message_en="a reason is required when the outcome is not_applicable or failed.",
            outcome=outcome,
        )
    return result, reason


@transaction.atomic
def do_record_feedback(
    item: InboxItem | int,
    *,
    outcome: str,
    reason: str = "",
    given_on: date | None = None,
    channel: FeedbackChannel = FeedbackChannel.CONSOLE,
    acting_user: User | None,
    actor_label: str = "",
    today: date | None = None,
) -> Feedback:
    """Record the department's feedback on ``item`` (the caller checked that the actor may
    report for the item's department: ``xinyong.joint.queries.access_item``). A later report
    supersedes an earlier one; every report is kept and audited."""
    today = today or timezone.localdate()
    result, reason = check_record_feedback(outcome, reason)
    pk = item.pk if isinstance(item, InboxItem) else item
    locked = InboxItem.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise InboxItemNotFound(
            message_zh=f"联合奖惩事项 {pk} 不存在。", message_en=f"inbox item {pk} does not exist."
        )
    given_on = given_on or today
    received_on = timezone.localdate(locked.created_at)
    if given_on > today or given_on < received_on:
        raise FeedbackDateInvalid(
            message_zh=f"反馈日期应在收到日期（{received_on}）与今天（{today}）之间。",
            message_en=f"the feedback date must be between the day the item was received "
            f"({received_on}) and today ({today}).",
            given_on=given_on.isoformat(),
        )
    label = (acting_user.get_username() if acting_user else actor_label) or "system"
    feedback = Feedback.objects.create(
        item=locked,
        outcome=result,
        reason=reason,
        given_on=given_on,
        late=given_on > locked.due_on,
        channel=channel,
        actor_label=label[:200],
        user=acting_user,
    )
    before = {"feedback": locked.feedback_outcome or None, "feedback_on": locked.feedback_on}
    locked.feedback_outcome = result
    locked.feedback_on = given_on
    locked.feedback_count += 1
    locked.save(update_fields=["feedback_outcome", "feedback_on", "feedback_count"])
    record_event(
        EventType.JOINT_FEEDBACK_RECORDED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=locked,
        department=locked.department,
        subject_id=locked.announcement.subject_id,
        before=before,
        after={
            "feedback": feedback.pk,
            "event_id": str(locked.event_id),
            "outcome": result.value,
            "reason": reason,
            "given_on": given_on,
            "due_on": locked.due_on,
            "late": feedback.late,
            "channel": channel,
        },
    )
    return feedback
