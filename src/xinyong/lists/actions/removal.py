"""Getting off a list: expiry, early removal, credit repair, revocation.

Expiry (docs/decisions/0020-listing-term-expiry.md): a term of N months that starts on D ends
on the corresponding day N months later — that day is the last day of the listing
(民法典第二百零一条、第二百零二条; the period ends at 24:00 of that day, 第二百零三条第二款). The
subject is removed on the next day: ``removed_on = term_end + 1``. The last-day extension of
第二百零三条第一款 (a last day on a statutory holiday moves to the next working day) is not
applied: it protects a party who must act within a period; a listing term is a burden on the
party, and extending it would turn that protection against the party.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.core.models import User
from xinyong.joint.actions import do_announce_listing_change
from xinyong.lists.actions._base import (
    check_legal_date,
    clear_deadline,
    finish,
    lock_case,
    require_text,
    set_listed_deadline,
    today_local,
)
from xinyong.lists.choices import DueKind, RemovalReason
from xinyong.lists.errors import conflict, refused
from xinyong.lists.models import ListingCase
from xinyong.policy.dates import add_months


def early_removal_eligible_from(case: ListingCase, condition: dict[str, Any]) -> date | None:
    """The first day early removal may take effect under ``condition``: the day after the
    waiting period (``after_months``, counted from the listing or from the correction) has
    run — "满6个月" is reached at the end of its last day (民法典第二百零二条、第二百零三条).
    ``None`` when the condition has no waiting period."""
    months = condition.get("after_months")
    if not months:
        return None
    base = case.listed_on if condition.get("counted_from") == "listing" else case.removal_ground_on
    assert base is not None
    return add_months(base, int(months)) + timedelta(days=1)


@transaction.atomic
def do_request_early_removal(
    case: ListingCase | int,
    *,
    ground: str,
    occurred_on: date,
    commitment_signed: bool = False,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Record an early-removal ground of the list type (performance, correction with a
    commitment …) and the day it occurred. When the ground has a removal period (法释〔2017〕7号
    第十条: 履行后三个工作日内删除) the case's deadline becomes that removal deadline."""
    today = today or today_local()
    case, t = lock_case(
        case, "request_early_removal", acting_user=acting_user, expected_version=expected_version
    )
    before = case.state
    condition = case.list_type.early_removal_condition(ground)
    if condition is None:
        known = ", ".join(c["code"] for c in case.list_type.early_removal) or "—"
        raise refused(
            "LISTING_EARLY_REMOVAL_GROUND_UNKNOWN",
            f"“{case.list_type.name_zh}”没有提前移出条件 {ground!r}（可选：{known}）。",
            f"{case.list_type_code} has no early-removal condition {ground!r} (known: {known}).",
        )
    assert case.listed_on is not None
    check_legal_date(
        occurred_on,
        name="occurred_on",
        today=today,
        not_before=case.listed_on,
        not_before_name="listed_on",
    )
    if condition.get("requires_commitment") and not commitment_signed:
        raise refused(
            "LISTING_COMMITMENT_REQUIRED",
            "该提前移出条件要求当事人作出信用承诺（守信承诺）。",
            "this early-removal condition requires the party's credit commitment.",
        )
    case.removal_ground = ground
    case.removal_ground_on = occurred_on
    case.commitment_signed = commitment_signed
    set_listed_deadline(case)
    eligible = early_removal_eligible_from(case, condition)
    return finish(
        case,
        t,
        EventType.LISTING_EARLY_REMOVAL_REQUESTED,
        acting_user=acting_user,
        before_state=before,
        after={
            "ground": ground,
            "occurred_on": occurred_on,
            "commitment_signed": commitment_signed,
            "eligible_from": eligible,
        },
    )


def _remove(
    case: ListingCase,
    t: Any,
    *,
    reason: RemovalReason,
    removed_on: date,
    note: str,
    acting_user: User | None,
    actor_label: str = "",
    extra: dict[str, Any] | None = None,
) -> ListingCase:
    before = case.state
    case.removed_on = removed_on
    case.removal_reason = reason
    case.removal_note = note
    clear_deadline(case)
    do_announce_listing_change(
        case, change="ended", acting_user=acting_user, actor_label=actor_label
    )
    return finish(
        case,
        t,
        EventType.LISTING_REMOVED,
        acting_user=acting_user,
        actor_label=actor_label,
        before_state=before,
        after={"reason": reason, "removed_on": removed_on, "note": note, **(extra or {})},
    )


@transaction.atomic
def do_remove_listing_early(
    case: ListingCase | int,
    *,
    removed_on: date | None = None,
    note: str = "",
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Remove early on the recorded ground, once its waiting period has run
    (``LISTING_EARLY_REMOVAL_TOO_EARLY`` names the first possible day)."""
    today = today or today_local()
    case, t = lock_case(
        case, "remove_early", acting_user=acting_user, expected_version=expected_version
    )
    if not case.removal_ground:
        raise conflict(
            "LISTING_EARLY_REMOVAL_NOT_REQUESTED",
            "尚未登记提前移出的事由（request_early_removal）。",
            "no early-removal ground has been recorded (request_early_removal).",
        )
    condition = case.list_type.early_removal_condition(case.removal_ground)
    assert condition is not None
    removed_on = removed_on or today
    check_legal_date(
        removed_on,
        name="removed_on",
        today=today,
        not_before=case.removal_ground_on,
        not_before_name="occurred_on",
    )
    eligible = early_removal_eligible_from(case, condition)
    if eligible is not None and removed_on < eligible:
        raise conflict(
            "LISTING_EARLY_REMOVAL_TOO_EARLY",
            f"提前移出须等待期满：最早可于 {eligible.isoformat()} 移出。",
            f"the waiting period has not run: removal is possible from {eligible.isoformat()}.",
            eligible_from=eligible.isoformat(),
        )
    return _remove(
        case,
        t,
        reason=RemovalReason.EARLY_REMOVAL,
        removed_on=removed_on,
        note=note.strip() or condition["zh"],
        acting_user=acting_user,
        extra={
            "ground": case.removal_ground,
            "occurred_on": case.removal_ground_on,
            "late": case.due_kind == DueKind.REMOVAL
            and case.due_on is not None
            and removed_on > case.due_on,
        },
    )


@transaction.atomic
def do_remove_listing_by_repair(
    case: ListingCase | int,
    *,
    repair_reference: str,
    removed_on: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Remove after credit repair (seed 000 二(三): 信用修复完成的 … 及时将其移出失信主体名单);
    ``repair_reference`` names the repair decision."""
    today = today or today_local()
    case, t = lock_case(
        case, "remove_by_repair", acting_user=acting_user, expected_version=expected_version
    )
    reference = require_text(
        repair_reference, name="repair_reference", code="LISTING_REASON_REQUIRED"
    )
    removed_on = removed_on or today
    check_legal_date(
        removed_on, name="removed_on", today=today, not_before=case.listed_on,
        not_before_name="listed_on",
    )  # fmt: skip
    return _remove(
        case,
        t,
        reason=RemovalReason.REPAIR,
        removed_on=removed_on,
        note=reference,
        acting_user=acting_user,
    )


@transaction.atomic
def do_revoke_listing(
    case: ListingCase | int,
    *,
    reason: str,
    removed_on: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Revoke a listing whose basis was revoked or which was wrong (seed 002 (二十): 经核实有误
    的信息应及时更正或撤销)."""
    today = today or today_local()
    case, t = lock_case(case, "revoke", acting_user=acting_user, expected_version=expected_version)
    reason = require_text(reason, name="reason", code="LISTING_REASON_REQUIRED")
    removed_on = removed_on or today
    check_legal_date(
        removed_on, name="removed_on", today=today, not_before=case.listed_on,
        not_before_name="listed_on",
    )  # fmt: skip
    return _remove(
        case,
        t,
        reason=RemovalReason.REVOCATION,
        removed_on=removed_on,
        note=reason,
        acting_user=acting_user,
    )


@transaction.atomic
def do_expire_listing(
    case: ListingCase | int,
    *,
    today: date | None = None,
    acting_user: User | None = None,
    actor_label: str = "system:lists-tick",
) -> ListingCase:
    """Remove at the end of the term: allowed from the day after the last day of the term,
    and the removal takes effect on that day (``term_end + 1``) whenever the job runs."""
    today = today or today_local()
    case, t = lock_case(case, "expire", acting_user=acting_user)
    assert case.term_end is not None
    if today <= case.term_end:
        raise conflict(
            "LISTING_TERM_NOT_ENDED",
            f"列入期限至 {case.term_end.isoformat()}（含当日）尚未届满。",
            f"the term runs until {case.term_end.isoformat()} (inclusive).",
            term_end=case.term_end.isoformat(),
        )
    return _remove(
        case,
        t,
        reason=RemovalReason.EXPIRY,
        removed_on=case.term_end + timedelta(days=1),
        note="",
        acting_user=acting_user,
        actor_label=actor_label,
        extra={"term_end": case.term_end, "suspended_days": case.suspended_days},
    )
