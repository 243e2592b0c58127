"""Objections: before listing (against the prior notice) and after listing (against the
listing, which suspends the measures — seed 004).

Suspension arithmetic (seed 004 二(三)2: 异议投诉处理阶段联合惩戒措施暂停执行，异议投诉被驳回
的，其联合惩戒时限从异议投诉被驳回之日起继续计算; docs/decisions/0021-suspension-arithmetic.md):
the term stops running on the day the objection is received (that day was served) and starts
again after the rejection day (民法典第二百零一条: the day a period runs from is not counted).
So an objection received on S and rejected on R moves the term end by ``R − S`` days.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.joint.actions import do_announce_listing_change
from xinyong.lists.actions._base import (
    check_legal_date,
    clear_deadline,
    finish,
    lock_case,
    require_text,
    set_listed_deadline,
    set_working_deadline,
    today_local,
)
from xinyong.lists.choices import (
    CaseState,
    DueKind,
    ObjectionOutcome,
    ObjectionStage,
    RemovalReason,
)
from xinyong.lists.errors import conflict, refused
from xinyong.lists.models import ListingCase, ListingObjection, SuspensionInterval
from xinyong.lists.queries import objection_answer_period


def _pending(case: ListingCase) -> ListingObjection:
    # Locked after the case row (lock order: case → objection).
    return ListingObjection.objects.select_for_update().get(
        case=case, outcome=ObjectionOutcome.PENDING
    )


@transaction.atomic
def do_file_objection(
    case: ListingCase | int,
    *,
    received_on: date | None = None,
    grounds: str,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingObjection:
    """Record the party's objection.

    - After the prior notice (``notice_issued``): it must arrive within the window (the last
      day is in time; ``LISTING_OBJECTION_LATE`` after it); the answer is due N working days
      after receipt (``listing.objection_answer_working_days`` or the list type's own).
    - Against a listing (``listed``): the measures are suspended from ``received_on``
      (seed 004) and the answer is due after ``objection.answer_working_days``.
    """
    today = today or today_local()
    pk = case.pk if isinstance(case, ListingCase) else case
    state = ListingCase.objects.values_list("state", flat=True).filter(pk=pk).first()
    action = "file_listed_objection" if state == CaseState.LISTED else "file_objection"
    case, t = lock_case(pk, action, acting_user=acting_user, expected_version=expected_version)
    before = case.state
    grounds = require_text(grounds, name="grounds", code="LISTING_GROUNDS_REQUIRED")
    received_on = received_on or today
    listed = case.state == CaseState.LISTED
    if listed:
        assert case.listed_on is not None and case.term_end is not None
        check_legal_date(
            received_on,
            name="received_on",
            today=today,
            not_before=case.listed_on,
            not_before_name="listed_on",
        )
        if received_on > case.term_end:
            raise conflict(
                "LISTING_TERM_ALREADY_ENDED",
                f"列入期限已于 {case.term_end.isoformat()} 届满，不能再暂停。",
                f"the term ended on {case.term_end.isoformat()}; nothing left to suspend.",
            )
    else:
        assert case.notice_date is not None and case.objection_window_ends_on is not None
        check_legal_date(
            received_on,
            name="received_on",
            today=today,
            not_before=case.notice_date,
            not_before_name="notice_date",
        )
        if received_on > case.objection_window_ends_on:
            raise refused(
                "LISTING_OBJECTION_LATE",
                f"异议期限已于 {case.objection_window_ends_on.isoformat()} 届满，"
                f"{received_on.isoformat()} 收到的异议逾期。",
                f"the objection window ended on {case.objection_window_ends_on.isoformat()}; "
                f"an objection received on {received_on.isoformat()} is late.",
                objection_window_ends_on=case.objection_window_ends_on.isoformat(),
            )
    period = objection_answer_period(case.list_type, on=received_on, listed=listed)
    due = set_working_deadline(
        case, DueKind.OBJECTION_ANSWER, start=received_on, working_days=period.working_days
    )
    objection = ListingObjection.objects.create(
        case=case,
        stage=ObjectionStage.AFTER_LISTING if listed else ObjectionStage.BEFORE_LISTING,
        received_on=received_on,
        grounds=grounds,
        answer_due_on=due,
        answer_due_provisional=case.due_provisional,
    )
    after = {
        "objection": objection.pk,
        "stage": objection.stage,
        "received_on": received_on,
        "answer_due_on": due,
        "answer_working_days": period.working_days,
        "answer_period_source": period.source,
    }
    if listed:
        assert case.term_end is not None
        case.suspended_since = received_on
        SuspensionInterval.objects.create(
            case=case, objection=objection, since=received_on, term_end_before=case.term_end
        )
        do_announce_listing_change(case, change="suspended", acting_user=acting_user)
        finish(
            case,
            t,
            EventType.LISTING_SUSPENDED,
            acting_user=acting_user,
            before_state=before,
            after={
                **after,
                "suspended_since": received_on,
                "measures_suspended": [m["code"] for m in case.measures_snapshot],
            },
        )
    else:
        finish(
            case,
            t,
            EventType.LISTING_OBJECTION_FILED,
            acting_user=acting_user,
            before_state=before,
            after=after,
        )
    return objection


@transaction.atomic
def do_answer_objection(
    case: ListingCase | int,
    *,
    upheld: bool,
    answer: str,
    answered_on: date | None = None,
    redraft: bool = False,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Answer the pending objection ("谁决定、谁负责": the initiating department, seed 004).

    Before listing: rejected → ``ready_for_decision``; upheld → ``closed`` (no listing), or,
    with ``redraft``, back to ``draft`` to correct the facts and notify again.
    After listing: rejected → ``listed``, the term resumes and its end moves by the days
    suspended; upheld → ``removed`` (the listing is revoked).
    """
    today = today or today_local()
    pk = case.pk if isinstance(case, ListingCase) else case
    state = ListingCase.objects.values_list("state", flat=True).filter(pk=pk).first()
    listed = state == CaseState.SUSPENDED
    if listed:
        action = "uphold_listed_objection" if upheld else "reject_listed_objection"
    elif upheld:
        action = "uphold_objection_redraft" if redraft else "uphold_objection"
    else:
        action = "reject_objection"
    case, t = lock_case(pk, action, acting_user=acting_user, expected_version=expected_version)
    before = case.state
    answer = require_text(answer, name="answer", code="LISTING_ANSWER_REQUIRED")
    objection = _pending(case)
    answered_on = answered_on or today
    check_legal_date(
        answered_on,
        name="answered_on",
        today=today,
        not_before=objection.received_on,
        not_before_name="received_on",
    )
    objection.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.REJECTED
    objection.answered_on = answered_on
    objection.answer = answer
    objection.save(update_fields=["outcome", "answered_on", "answer"])
    after: dict[str, object] = {
        "objection": objection.pk,
        "outcome": objection.outcome,
        "answered_on": answered_on,
        "answer_due_on": objection.answer_due_on,
        "late": answered_on > objection.answer_due_on,
    }
    if listed:
        return _answer_listed(case, t, objection, upheld, answered_on, acting_user, before, after)
    if upheld and not redraft:
        case.closed_on = answered_on
        case.closed_reason = answer
        clear_deadline(case)
        event = EventType.LISTING_OBJECTION_UPHELD
    elif upheld:
        # Back to draft: the corrected case needs a new prior notice.
        case.notice_date = None
        case.objection_window_ends_on = None
        clear_deadline(case)
        event = EventType.LISTING_OBJECTION_UPHELD
    else:
        clear_deadline(case)
        event = EventType.LISTING_OBJECTION_REJECTED
    return finish(case, t, event, acting_user=acting_user, before_state=before, after=after)


def _answer_listed(
    case: ListingCase,
    t: object,
    objection: ListingObjection,
    upheld: bool,
    answered_on: date,
    acting_user: User,
    before: str,
    after: dict[str, object],
) -> ListingCase:
    from xinyong.lists.procedure import Transition

    assert isinstance(t, Transition)
    interval = SuspensionInterval.objects.select_for_update().get(objection=objection)
    interval.until = answered_on
    case.suspended_since = None
    if upheld:
        interval.save(update_fields=["until"])
        case.removed_on = answered_on
        case.removal_reason = RemovalReason.REVOCATION
        case.removal_note = objection.answer
        clear_deadline(case)
        do_announce_listing_change(case, change="ended", acting_user=acting_user)
        finish(
            case,
            t,
            EventType.LISTING_OBJECTION_UPHELD,
            acting_user=acting_user,
            before_state=before,
            after=after,
        )
        record_event(
            EventType.LISTING_REMOVED,
            acting_user=acting_user,
            obj=case,
            subject_id=case.subject_id,
            before={"state": before},
            after={
                "state": case.state,
                "reason": case.removal_reason,
                "removed_on": answered_on,
                "objection": objection.pk,
                "recorded_at": timezone.now(),
            },
        )
        return case
    # seed 004: the term resumes from the rejection date; the end moves by the days the term
    # stood still (received day served, rejection day not counted: 民法典第二百零一条).
    assert case.term_end is not None
    days = (answered_on - interval.since).days
    new_end = case.term_end + timedelta(days=days)
    interval.days = days
    interval.term_end_after = new_end
    interval.save(update_fields=["until", "days", "term_end_after"])
    case.suspended_days += days
    old_end = case.term_end
    case.term_end = new_end
    set_listed_deadline(case)
    do_announce_listing_change(
        case, change="resumed", acting_user=acting_user, effective_on=answered_on
    )
    return finish(
        case,
        t,
        EventType.LISTING_RESUMED,
        acting_user=acting_user,
        before_state=before,
        after={
            **after,
            "suspended_since": interval.since,
            "resumed_on": answered_on,
            "suspended_days": days,
            "term_end_before": old_end,
            "term_end_after": new_end,
        },
    )
