"""Repair applications: submit, initial review, the sector authority's decision, and what
repair does (RULES §3; seeds 000, 001, 003).

- Submit (free of charge): refused — with nothing written — for someone else's record, a
  record that is never repairable or specific-serious, before the eligibility day, with
  materials missing, or while another application for the record is open.
- Initial review by the credit office within ``repair.initial_review_working_days`` (seed
  000: 2): passed on to the sector authority, or returned to complete the materials (seed 000:
  申请材料不符合规定的及时告知申报主体修改完善材料后再次申报).
- Decision by the sector authority within ``repair.decision_working_days`` (22号: 3), else
  the regime's own ``repair-decision`` deadline.
- Where the jurisdiction configures a review by the higher credit platform
  (``repair.higher_review_working_days`` > 0, 国办发〔2025〕22号), the authority's approval
  waits for it (``do_record_higher_review``: a credit-office reviewer records the higher
  platform's answer) before repair takes effect; 0 (the national default) means none.
- Approval stops publication (``do_mark_record_repaired``), removes listings resting on the
  record through the listing procedure (``do_remove_listing_by_repair``; when the approving
  user may not fire it there, the listing's department is told instead), and stores the
  outgoing synchronised-repair event.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import User
from xinyong.errors import CodedError
from xinyong.lists.actions import do_remove_listing_by_repair
from xinyong.lists.choices import CaseState
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.regimes import regime_for
from xinyong.records.actions import do_mark_record_repaired
from xinyong.records.models import Record
from xinyong.repair.actions._base import (
    check_subject_identifier,
    new_query_code,
    notify,
    require_text,
    today_local,
    working_deadline,
)
from xinyong.repair.actions.objections import affected_listings
from xinyong.repair.choices import (
    OPEN_APPLICATION_STATES,
    ApplicationStatus,
    NotificationKind,
    Recipient,
    SyncDirection,
    SyncOutcome,
)
from xinyong.repair.eligibility import eligibility, required_materials
from xinyong.repair.errors import RepairNotFound, conflict, refused
from xinyong.repair.materials import (
    MaterialFile,
    check_materials,
    content_type_of,
    discard,
    store,
)
from xinyong.repair.models import RepairApplication, RepairBar, RepairMaterial, RepairSyncEvent
from xinyong.repair.permissions import check_owner, check_reviewer
from xinyong.repair.sync import build_repair_event


def check_submit_repair_application(
    record: Record,
    *,
    subject_identifier: str,
    applicant_name: str,
    statement: str,
    restructuring: bool,
    materials: list[MaterialFile],
    today: date,
) -> dict[str, Any]:
    """Every refusal of a new application, in the order a subject can act on them. Returns
    the eligibility facts the application keeps."""
    check_subject_identifier(record.subject, subject_identifier)
    found = eligibility(record)
    if not found.repairable:
        raise refused(found.barred_code, found.barred_zh, found.barred_en)
    assert found.eligible_from is not None
    if found.eligible_from > today:
        raise refused(
            "REPAIR_NOT_YET_ELIGIBLE",
            f"最短公示期尚未届满：自 {found.eligible_from.isoformat()} 起可申请信用修复"
            f"（{found.legal_source}）。",
            f"The minimum publication period has not passed: repair may be applied for from "
            f"{found.eligible_from.isoformat()} ({found.legal_source}).",
            eligible_from=found.eligible_from.isoformat(),
        )
    if RepairApplication.objects.filter(
        record=record, status__in=sorted(OPEN_APPLICATION_STATES)
    ).exists():
        raise conflict(
            "REPAIR_DUPLICATE_APPLICATION",
            "该记录已有正在办理的信用修复申请，请凭查询码查看进度。",
            "An application for this record is already being handled; follow it with its "
            "query code.",
        )
    require_text(applicant_name, name="applicant_name", code="REPAIR_APPLICANT_REQUIRED")
    require_text(statement, name="statement", code="REPAIR_STATEMENT_REQUIRED")
    assert record.decision_date is not None
    regime = regime_for(record.decision_date)
    required = required_materials(regime, restructuring=restructuring)
    check_materials(materials, required)
    return {"eligible_from": found.eligible_from, "regime": regime, "required": required}


@transaction.atomic
def do_submit_repair_application(
    record: Record | int,
    *,
    subject_identifier: str,
    applicant_name: str,
    applicant_contact: str = "",
    statement: str,
    restructuring: bool = False,
    materials: list[MaterialFile],
    acting_user: User | None = None,
    today: date | None = None,
) -> RepairApplication:
    """Submit an application (see the module docstring); the initial review is due N working
    days later."""
    today = today or today_local()
    pk = record.pk if isinstance(record, Record) else record
    try:
        locked = (
            Record.objects.select_for_update(of=("self",))
            .select_related("subject", "department")
            .get(pk=pk)
        )
    except Record.DoesNotExist:
        raise RepairNotFound(
            message_zh="该信用记录不存在。", message_en="the record does not exist."
        ) from None
    facts = check_submit_repair_application(
        locked,
        subject_identifier=subject_identifier,
        applicant_name=applicant_name,
        statement=statement,
        restructuring=restructuring,
        materials=materials,
        today=today,
    )
    deadline = working_deadline("repair.initial_review_working_days", start=today)
    # The files are written before their rows; if anything below fails (or the row insert
    # does), the files this call created are removed again (docs/decisions/0053).
    created: list[str] = []
    try:
        with transaction.atomic():
            application = RepairApplication.objects.create(
                query_code=new_query_code(RepairApplication, "RA"),
                record=locked,
                subject_id=locked.subject_id,
                department_id=locked.department_id,
                regime_code=facts["regime"].code,
                applicant_name=applicant_name.strip()[:100],
                applicant_contact=applicant_contact.strip()[:100],
                statement=statement.strip(),
                restructuring=restructuring,
                eligible_from=facts["eligible_from"],
                submitted_on=today,
                status=ApplicationStatus.INITIAL_REVIEW,
                due_on=deadline.due_on,
                due_working_days=deadline.working_days,
                due_provisional=deadline.provisional,
            )
            for f in materials:
                sha, path, new = store(f.content)
                if new:
                    created.append(path)
                RepairMaterial.objects.create(
                    application=application,
                    material_code=f.code,
                    original_name=f.name[:255],
                    content_type=content_type_of(f.content) or "",
                    size=len(f.content),
                    sha256=sha,
                    stored_path=path,
                )
            record_event(
                EventType.REPAIR_APPLICATION_SUBMITTED,
                acting_user=acting_user,
                actor_label="" if acting_user else "portal:subject",
                obj=application,
                department=locked.department,
                subject_id=locked.subject_id,
                after={
                    "record": locked.pk,
                    "regime": application.regime_code,
                    "eligible_from": application.eligible_from,
                    "materials": sorted(f.code for f in materials),
                    "initial_review_due_on": application.due_on,
                    "fee": 0,
                },
            )
            notify(
                f"application-received:{application.pk}",
                kind=NotificationKind.APPLICATION_RECEIVED,
                recipient=Recipient.SUBJECT,
                subject_id=application.subject_id,
                application=application,
                record=locked,
                message_zh=f"您的信用修复申请（查询码 {application.query_code}）已收到，"
                f"不收取任何费用。初审期限：{application.due_on or '—'}。",
                message_en=f"Your repair application (query code {application.query_code}) was "
                f"received; no fee is charged. Initial review due: {application.due_on or '—'}.",
            )
    except BaseException:
        _discard_created(created)
        raise
    return application


def _discard_created(created: list[str]) -> None:
    """Remove the files a failed submission wrote, unless a committed material row refers to
    one of them (the same content uploaded at the same moment by another application)."""
    if not created:
        return
    try:
        keep = set(
            RepairMaterial.objects.filter(stored_path__in=created).values_list(
                "stored_path", flat=True
            )
        )
    except DatabaseError:
        return  # the connection is unusable: leave them to the tick's clean-up
    discard(created, keep=keep)


def _lock(application: RepairApplication | int) -> RepairApplication:
    pk = application.pk if isinstance(application, RepairApplication) else application
    try:
        return (
            RepairApplication.objects.select_for_update(of=("self",))
            .select_related("record", "department", "subject")
            .get(pk=pk)
        )
    except RepairApplication.DoesNotExist:
        raise RepairNotFound(
            message_zh=f"信用修复申请 {pk} 不存在。",
            message_en=f"repair application {pk} does not exist.",
        ) from None


def _check_state(application: RepairApplication, expected: ApplicationStatus) -> None:
    if application.status != expected:
        raise conflict(
            "REPAIR_APPLICATION_STATE",
            f"申请当前处于“{application.get_status_display()}”，不能办理此步骤。",
            f"the application is {application.status}; this step is not possible now.",
            current_status=application.status,
        )


@transaction.atomic
def do_review_repair_application(
    application: RepairApplication | int,
    *,
    passed: bool,
    note: str = "",
    acting_user: User,
    today: date | None = None,
) -> RepairApplication:
    """Initial review by the credit office: passed on to the sector authority (its decision
    due N working days later), or returned to complete the materials (a reason is
    required)."""
    today = today or today_local()
    check_reviewer(acting_user, "初审信用修复申请", "review repair applications")
    application = _lock(application)
    _check_state(application, ApplicationStatus.INITIAL_REVIEW)
    before = application.status
    late = bool(application.due_on and today > application.due_on)
    application.initial_review_on = today
    if passed:
        assert application.record.decision_date is not None
        regime = regime_for(application.record.decision_date)
        own = regime.deadline("repair-decision")
        deadline = working_deadline(
            "repair.decision_working_days",
            start=today,
            fallback=int(own["working_days"]) if own else None,
        )
        application.status = ApplicationStatus.AUTHORITY_REVIEW
        application.initial_review_note = note.strip()
        application.due_on = deadline.due_on
        application.due_working_days = deadline.working_days
        application.due_provisional = deadline.provisional
        event = EventType.REPAIR_INITIAL_REVIEW_DONE
    else:
        note = require_text(note, name="note", code="REPAIR_REASONS_REQUIRED")
        application.status = ApplicationStatus.RETURNED
        application.initial_review_note = note
        application.refusal_code = "REPAIR_MATERIALS_INCOMPLETE"
        application.due_on = None
        application.due_working_days = None
        application.due_provisional = False
        event = EventType.REPAIR_APPLICATION_RETURNED
        _tell_decided(application, f"申请材料需补正后重新申请：{note}",
                      f"complete the materials and apply again: {note}")  # fmt: skip
    application.save()
    record_event(
        event,
        acting_user=acting_user,
        obj=application,
        subject_id=application.subject_id,
        before={"status": before},
        after={
            "status": application.status,
            "note": application.initial_review_note,
            "late": late,
            "decision_due_on": application.due_on,
        },
    )
    return application


@transaction.atomic
def do_decide_repair_application(
    application: RepairApplication | int,
    *,
    approve: bool,
    reasons: str = "",
    acting_user: User,
    decided_on: date | None = None,
    today: date | None = None,
) -> RepairApplication:
    """The sector authority's decision. Approval stops publication of the record, removes
    listings resting on it and stores the synchronised-repair event; a refusal needs
    reasons the subject can act on."""
    today = today or today_local()
    decided_on = decided_on or today
    application = _lock(application)
    check_owner(acting_user, application.department, "决定该信用修复申请",
                "decide this repair application")  # fmt: skip
    _check_state(application, ApplicationStatus.AUTHORITY_REVIEW)
    if decided_on > today or decided_on < application.submitted_on:
        raise refused(
            "REPAIR_DATE_INVALID",
            "决定日期应在申请日期与今天之间。",
            "the decision date must lie between the application date and today.",
        )
    before = application.status
    late = bool(application.due_on and decided_on > application.due_on)
    after: dict[str, Any] = {}
    decided: date | None
    application.authority_decided_on = decided_on
    higher_days = higher_review_working_days(decided_on)
    if approve:
        _check_not_barred(application)
        application.decision_reasons = reasons.strip()
    if approve and higher_days:
        deadline = working_deadline("repair.higher_review_working_days", start=decided_on)
        application.status = ApplicationStatus.HIGHER_REVIEW
        _set_due(application, deadline.due_on, deadline.working_days, deadline.provisional)
        event = EventType.REPAIR_AWAITING_HIGHER_REVIEW
        after = {"higher_review_due_on": application.due_on}
        _tell_decided(
            application,
            "认定单位已同意信用修复，待上级信用平台复核后生效。",
            "The sector authority approved the repair; it takes effect once the higher credit "
            "platform has reviewed it.",
        )
        decided = None
    elif approve:
        after = _apply_repair(application, repaired_on=decided_on, acting_user=acting_user,
                              today=today)  # fmt: skip
        event = EventType.REPAIR_APPLICATION_APPROVED
        decided = decided_on
    else:
        reasons = require_text(reasons, name="reasons", code="REPAIR_REASONS_REQUIRED")
        application.status = ApplicationStatus.REFUSED
        application.decision_reasons = reasons
        application.refusal_code = "REPAIR_REFUSED_BY_AUTHORITY"
        event = EventType.REPAIR_APPLICATION_REFUSED
        _tell_decided(application, f"信用修复申请未获批准。理由：{reasons}",
                      f"The repair application was refused. Reasons: {reasons}")  # fmt: skip
        decided = decided_on
    if decided is not None:
        application.decided_on = decided
        _set_due(application, None, None, False)
    application.save()
    record_event(
        event,
        acting_user=acting_user,
        obj=application,
        department=application.department,
        subject_id=application.subject_id,
        before={"status": before},
        after={"status": application.status, "decided_on": decided_on, "late": late, **after},
    )
    return application


def higher_review_working_days(on: date) -> int:
    """Working days of the higher credit platform's review in force on ``on``; 0 when the
    jurisdiction configures none (the national default) or the setting is absent."""
    try:
        return int(policy_setting("repair.higher_review_working_days", on=on).value)
    except CodedError:
        return 0


def _set_due(application: RepairApplication, due_on: date | None, days: int | None,
             provisional: bool) -> None:  # fmt: skip
    application.due_on = due_on
    application.due_working_days = days
    application.due_provisional = provisional


def _check_not_barred(application: RepairApplication) -> None:
    if RepairBar.objects.filter(record_id=application.record_id).exists():
        raise refused(
            "REPAIR_NEVER_REPAIRABLE",
            "认定部门已认定该失信行为不可修复，只能驳回申请。",
            "The department found the act never repairable; the application can only be refused.",
        )


def _apply_repair(
    application: RepairApplication, *, repaired_on: date, acting_user: User, today: date
) -> dict[str, Any]:
    """What an approval does: stop publication of the record, remove the listings resting on
    it, store the outgoing synchronised-repair event, tell the subject. Sets the status;
    the caller saves."""
    record = do_mark_record_repaired(
        application.record,
        reference=application.query_code,
        repaired_on=repaired_on,
        acting_user=acting_user,
    )
    application.status = ApplicationStatus.APPROVED
    removed, told = remove_listings_after_repair(
        record, reference=application.reference, removed_on=repaired_on,
        acting_user=acting_user, today=today,
    )  # fmt: skip
    event_id = uuid.uuid4()
    payload = build_repair_event(application, record, event_id=event_id, decided_on=repaired_on)
    RepairSyncEvent.objects.create(
        event_id=event_id,
        direction=SyncDirection.OUTGOING,
        outcome=SyncOutcome.EMITTED,
        payload=payload,
        record=record,
        application=application,
        origin=settings.XINYONG["PLATFORM_DIVISION"],
    )
    _tell_decided(
        application,
        "信用修复已完成：该信息停止公示，相关名单已移出或已通知认定部门移出。",
        "Repair completed: the information is no longer published; listings resting on it "
        "were removed or their departments told to remove them.",
    )
    return {"listings_removed": removed, "listings_told": told, "event_id": str(event_id)}


@transaction.atomic
def do_record_higher_review(
    application: RepairApplication | int,
    *,
    approve: bool,
    note: str = "",
    acting_user: User,
    reviewed_on: date | None = None,
    today: date | None = None,
) -> RepairApplication:
    """Record the higher credit platform's answer on a repair the sector authority approved
    (only where the jurisdiction configures that review). A credit-office reviewer records
    it. Approval makes the repair take effect on ``reviewed_on`` (as
    ``do_decide_repair_application`` does without the review); a refusal needs reasons the
    subject can act on."""
    today = today or today_local()
    reviewed_on = reviewed_on or today
    check_reviewer(acting_user, "登记上级信用平台的复核结果", "record the higher platform's review")
    application = _lock(application)
    _check_state(application, ApplicationStatus.HIGHER_REVIEW)
    assert application.authority_decided_on is not None
    if reviewed_on > today or reviewed_on < application.authority_decided_on:
        raise refused(
            "REPAIR_DATE_INVALID",
            "复核日期应在认定单位决定日期与今天之间。",
            "the review date must lie between the sector authority's decision and today.",
        )
    before = application.status
    late = bool(application.due_on and reviewed_on > application.due_on)
    application.higher_review_on = reviewed_on
    if approve:
        _check_not_barred(application)
        application.higher_review_note = note.strip()
        after = _apply_repair(application, repaired_on=reviewed_on, acting_user=acting_user,
                              today=today)  # fmt: skip
        event = EventType.REPAIR_APPLICATION_APPROVED
    else:
        note = require_text(note, name="note", code="REPAIR_REASONS_REQUIRED")
        application.status = ApplicationStatus.REFUSED
        application.higher_review_note = note
        application.refusal_code = "REPAIR_REFUSED_BY_HIGHER_PLATFORM"
        event = EventType.REPAIR_APPLICATION_REFUSED
        after = {}
        _tell_decided(
            application,
            f"上级信用平台复核未同意信用修复。理由：{note}",
            f"The higher credit platform did not confirm the repair. Reasons: {note}",
        )
    application.decided_on = reviewed_on
    _set_due(application, None, None, False)
    application.save()
    record_event(
        event,
        acting_user=acting_user,
        obj=application,
        department=application.department,
        subject_id=application.subject_id,
        before={"status": before},
        after={
            "status": application.status,
            "decided_on": reviewed_on,
            "higher_review": True,
            "note": application.higher_review_note,
            "late": late,
            **after,
        },
    )
    return application


def remove_listings_after_repair(
    record: Record,
    *,
    reference: str,
    removed_on: date,
    acting_user: User | None,
    today: date,
) -> tuple[list[int], list[int]]:
    """Remove the listings resting on ``record`` through the listing procedure; a case the
    user may not remove (another department's, or no user: a remote event) or that is not
    in a removable state is notified to its initiating department instead. Returns the ids
    removed and the ids notified."""
    removed: list[int] = []
    told: list[int] = []
    for case in affected_listings(record):
        if case.state not in (CaseState.LISTED, CaseState.SUSPENDED):
            continue
        if acting_user is not None and case.state == CaseState.LISTED:
            try:
                with transaction.atomic():
                    do_remove_listing_by_repair(
                        case.pk,
                        repair_reference=reference,
                        removed_on=max(removed_on, case.listed_on or removed_on),
                        acting_user=acting_user,
                        today=today,
                    )
                removed.append(case.pk)
                continue
            except CodedError:
                pass
        notify(
            f"listing-removal:{reference}:{case.pk}",
            kind=NotificationKind.LISTING_REMOVAL_NEEDED,
            recipient=Recipient.DEPARTMENT,
            department_id=case.initiating_department_id,
            record=record,
            listing_case=case,
            message_zh=f"名单案件 {case.reference} 所依据的信息已完成信用修复（{reference}），请按"
            "名单程序移出。",
            message_en=f"The information listing case {case.reference} rests on was repaired "
            f"({reference}); remove it through the listing procedure.",
        )
        told.append(case.pk)
    return removed, told


def _tell_decided(application: RepairApplication, zh: str, en: str) -> None:
    notify(
        f"application-decided:{application.pk}:{application.status}",
        kind=NotificationKind.APPLICATION_DECIDED,
        recipient=Recipient.SUBJECT,
        subject_id=application.subject_id,
        application=application,
        record_id=application.record_id,
        message_zh=f"信用修复申请 {application.query_code}：{zh}",
        message_en=f"Repair application {application.query_code}: {en}",
    )


@transaction.atomic
def do_record_repair_bar(
    record: Record | int, *, code: str, reason: str, acting_user: User
) -> RepairBar:
    """The owning department records that the act is never repairable, citing an item of
    the regime's ``never_repairable`` list (``REPAIR_BAR_CODE_UNKNOWN`` otherwise)."""
    pk = record.pk if isinstance(record, Record) else record
    locked = Record.objects.select_for_update(of=("self",)).select_related("department").get(pk=pk)
    check_owner(acting_user, locked.department, "认定不可修复", "mark a record never repairable")
    reason = require_text(reason, name="reason", code="REPAIR_REASONS_REQUIRED")
    if locked.decision_date is None:
        raise refused(
            "REPAIR_NO_REGIME", "该记录没有决定日期。", "the record has no decision date."
        )
    regime = regime_for(locked.decision_date)
    codes = [str(i.get("code")) for i in regime.never_repairable]
    if code not in codes:
        raise refused(
            "REPAIR_BAR_CODE_UNKNOWN",
            f"{code!r} 不在不可修复情形清单中（可选：{', '.join(codes)}）。",
            f"{code!r} is not a never-repairable act of the regime ({', '.join(codes)}).",
        )
    if RepairBar.objects.filter(record=locked).exists():
        raise conflict(
            "REPAIR_BAR_EXISTS",
            "该记录已认定为不可修复。",
            "the record is already marked never repairable.",
        )
    bar = RepairBar.objects.create(record=locked, code=code, reason=reason, recorded_by=acting_user)
    record_event(
        EventType.REPAIR_BAR_RECORDED,
        acting_user=acting_user,
        obj=locked,
        department=locked.department,
        subject_id=locked.subject_id,
        after={"code": code, "reason": reason, "recorded_at": timezone.now()},
    )
    return bar
