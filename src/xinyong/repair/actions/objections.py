"""Objections (异议) to credit information: filing, entering a listing objection in the
listing procedure, answering, and telling those concerned.

Sources: seed 000 二(二)2(3) (核实并在3个工作日内反馈), seed 003 四(一) (10个工作日), seed 004
二(三)2 ("谁决定、谁负责"; a listing objection suspends the measures), RULES §4. The answering
period is the jurisdiction setting ``objection.answer_working_days`` in force on the day the
objection was received (docs/repair.md, "Objections").

A *record* objection is answered here by the department that owns the record. A *listing*
objection belongs to the listing procedure (``xinyong.lists.actions.do_file_objection`` /
``do_answer_objection``): this module delegates to it and mirrors its outcome, it does not
answer listing objections itself.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.checks.choices import Answer
from xinyong.checks.models import Check, CheckAnswer
from xinyong.core.models import Department, User
from xinyong.errors import CodedError, PermissionDenied
from xinyong.lists import actions as list_actions
from xinyong.lists.choices import CaseState
from xinyong.lists.choices import ObjectionOutcome as ListOutcome
from xinyong.lists.models import ListingCase
from xinyong.records.actions import do_withdraw_record
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair.actions._base import (
    check_subject_identifier,
    new_query_code,
    notify,
    require_text,
    today_local,
    working_deadline,
)
from xinyong.repair.choices import (
    FiledBy,
    NotificationKind,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionStatus,
    Recipient,
    TargetKind,
)
from xinyong.repair.errors import RepairNotFound, conflict, refused
from xinyong.repair.models import Objection
from xinyong.repair.permissions import check_owner, deny, filing_departments

#: Listing states in which the listing procedure takes an objection.
LISTING_OBJECTABLE = (CaseState.NOTICE_ISSUED, CaseState.LISTED)


def check_file_objection(
    target: Record | ListingCase,
    *,
    ground: str,
    statement: str,
    filer_name: str,
    subject_identifier: str,
    acting_user: User | None,
    filing_department: Department | None,
) -> tuple[str, Department | None]:
    """Every refusal of a new objection, before anything is written. Returns the filer kind
    and the filing department."""
    if ground not in ObjectionGround.values:
        raise refused(
            "REPAIR_OBJECTION_GROUND_UNKNOWN",
            f"未知的异议事由 {ground!r}。",
            f"unknown ground {ground!r} (one of {', '.join(ObjectionGround.values)}).",
        )
    require_text(statement, name="statement", code="REPAIR_STATEMENT_REQUIRED")
    require_text(filer_name, name="filer_name", code="REPAIR_FILER_REQUIRED")
    if acting_user is None:
        check_subject_identifier(target.subject, subject_identifier)
        filed_by, department = FiledBy.SUBJECT, None
    else:
        allowed = filing_departments(acting_user)
        if filing_department is None and len(allowed) == 1:
            filing_department = allowed[0]
        if filing_department is None or filing_department.pk not in {d.pk for d in allowed}:
            raise deny(
                "只有在提出异议的部门持有部门报送员、部门核查员或信用办审核员角色的人员可以"
                "以部门名义提出异议。",
                "only a staff member holding a reporter, checker or credit-office role in the "
                "filing department may object in its name.",
            )
        filed_by, department = FiledBy.DEPARTMENT, filing_department
    if isinstance(target, ListingCase):
        if target.state not in LISTING_OBJECTABLE:
            raise refused(
                "REPAIR_LISTING_NOT_OBJECTABLE",
                "该名单案件当前不接受异议（仅在事前告知后或列入名单期间可提出）。",
                "This listing case takes no objection now (only after the prior notice or "
                "while listed).",
                state=target.state,
            )
        pending = Objection.objects.filter(
            listing_case=target,
            status__in=(ObjectionStatus.PENDING, ObjectionStatus.IN_LISTING_PROCEDURE),
        )
    else:
        pending = Objection.objects.filter(record=target, status=ObjectionStatus.PENDING)
    if pending.exists():
        raise conflict(
            "REPAIR_OBJECTION_PENDING",
            "针对该信息的异议正在处理中，请等待答复后再提出。",
            "An objection to this information is already being handled; wait for its answer.",
        )
    return filed_by, department


@transaction.atomic
def do_file_objection(
    target: Record | ListingCase,
    *,
    ground: str,
    statement: str,
    filer_name: str,
    filer_contact: str = "",
    subject_identifier: str = "",
    filing_department: Department | None = None,
    acting_user: User | None,
    received_on: date | None = None,
    today: date | None = None,
) -> Objection:
    """File an objection against a record or a listing.

    ``acting_user=None``: the subject on the portal or the public API — its identifier
    must be the subject's (``REPAIR_NOT_YOUR_RECORD``). A staff member files in the name of
    ``filing_department``. A listing objection filed by someone the listing procedure lets
    record objections (the initiating department, the credit office) is entered there at
    once; one from the portal waits for the credit office to enter it
    (:func:`do_forward_objection_to_listing`).
    """
    today = today or today_local()
    received_on = received_on or today
    if received_on > today:
        raise refused(
            "REPAIR_DATE_IN_FUTURE",
            "收到日期不能晚于今天。",
            "the date received cannot be after today.",
        )
    # Lock the target first (lock order: record / listing case → objection).
    if isinstance(target, ListingCase):
        target = ListingCase.objects.select_for_update(of=("self",)).get(pk=target.pk)
    else:
        target = Record.objects.select_for_update(of=("self",)).get(pk=target.pk)
    filed_by, filing = check_file_objection(
        target,
        ground=ground,
        statement=statement,
        filer_name=filer_name,
        subject_identifier=subject_identifier,
        acting_user=acting_user,
        filing_department=filing_department,
    )
    listing = isinstance(target, ListingCase)
    fields: dict[str, Any] = {
        "query_code": new_query_code(Objection, "OB"),
        "target_kind": TargetKind.LISTING if listing else TargetKind.RECORD,
        "subject_id": target.subject_id,
        "filed_by": filed_by,
        "filing_department": filing,
        "filer_name": filer_name.strip()[:100],
        "filer_contact": filer_contact.strip()[:100],
        "ground": ground,
        "statement": statement.strip(),
        "received_on": received_on,
        "created_by": acting_user,
    }
    if isinstance(target, ListingCase):
        fields.update(listing_case=target, department=target.initiating_department)
    else:
        deadline = working_deadline("objection.answer_working_days", start=received_on)
        fields.update(
            record=target,
            department=target.department,
            answer_due_on=deadline.due_on,
            answer_working_days=deadline.working_days,
            due_provisional=deadline.provisional,
        )
    objection = Objection.objects.create(**fields)
    record_event(
        EventType.OBJECTION_FILED,
        acting_user=acting_user,
        obj=objection,
        department=objection.department,
        subject_id=objection.subject_id,
        actor_label="" if acting_user else "portal:subject",
        after={
            "target": objection.target_kind,
            "record": objection.record_id,
            "listing_case": objection.listing_case_id,
            "ground": ground,
            "filed_by": filed_by,
            "filing_department": filing.code if filing else None,
            "received_on": received_on,
            "answer_due_on": objection.answer_due_on,
            "answer_working_days": objection.answer_working_days,
        },
    )
    if listing and acting_user is not None:
        try:
            with transaction.atomic():
                objection = do_forward_objection_to_listing(
                    objection, acting_user=acting_user, today=today
                )
        except PermissionDenied:
            pass  # a department outside the procedure: the credit office enters it later
    _tell_received(objection)
    return objection


def _tell_received(objection: Objection) -> None:
    due = objection.answer_due_on.isoformat() if objection.answer_due_on else "—"
    notify(
        f"objection-received:{objection.pk}:subject",
        kind=NotificationKind.OBJECTION_RECEIVED,
        recipient=Recipient.SUBJECT,
        subject_id=objection.subject_id,
        objection=objection,
        record_id=objection.record_id,
        listing_case_id=objection.listing_case_id,
        message_zh=f"您的异议（查询码 {objection.query_code}）已收到，答复期限：{due}。",
        message_en=f"Your objection (query code {objection.query_code}) was received; "
        f"answer due: {due}.",
    )
    notify(
        f"objection-received:{objection.pk}:department",
        kind=NotificationKind.OBJECTION_RECEIVED,
        recipient=Recipient.DEPARTMENT,
        department_id=objection.department_id,
        objection=objection,
        record_id=objection.record_id,
        listing_case_id=objection.listing_case_id,
        message_zh=f"收到异议 {objection.reference}，请在 {due} 前核实答复。",
        message_en=f"Objection {objection.reference} received; verify and answer by {due}.",
    )


def _lock(objection: Objection | int) -> Objection:
    pk = objection.pk if isinstance(objection, Objection) else objection
    try:
        return (
            Objection.objects.select_for_update(of=("self",))
            .select_related("record", "listing_case", "department", "listing_objection")
            .get(pk=pk)
        )
    except Objection.DoesNotExist:
        raise RepairNotFound(
            message_zh=f"异议 {pk} 不存在。", message_en=f"objection {pk} does not exist."
        ) from None


@transaction.atomic
def do_forward_objection_to_listing(
    objection: Objection | int, *, acting_user: User, today: date | None = None
) -> Objection:
    """Enter a listing objection received on the portal in the listing procedure, with the
    day it was received (the procedure then suspends the measures of a listed case, seed
    004). Who may do it is the procedure's rule (the initiating department, the credit
    office)."""
    today = today or today_local()
    objection = _lock(objection)
    if objection.target_kind != TargetKind.LISTING or objection.status != ObjectionStatus.PENDING:
        raise conflict(
            "REPAIR_OBJECTION_NOT_FORWARDABLE",
            "只有尚未转入名单认定程序的名单异议可以转入。",
            "only a listing objection not yet in the listing procedure can be entered there.",
        )
    assert objection.listing_case_id is not None
    listing_objection = list_actions.do_file_objection(
        objection.listing_case_id,
        received_on=objection.received_on,
        grounds=f"[{ObjectionGround(objection.ground).label}] {objection.statement}",
        acting_user=acting_user,
        today=today,
    )
    objection.listing_objection = listing_objection
    objection.status = ObjectionStatus.IN_LISTING_PROCEDURE
    objection.answer_due_on = listing_objection.answer_due_on
    objection.due_provisional = listing_objection.answer_due_provisional
    objection.save(
        update_fields=["listing_objection", "status", "answer_due_on", "due_provisional"]
    )
    record_event(
        EventType.OBJECTION_FORWARDED,
        acting_user=acting_user,
        obj=objection,
        subject_id=objection.subject_id,
        after={
            "listing_case": objection.listing_case_id,
            "listing_objection": listing_objection.pk,
            "answer_due_on": objection.answer_due_on,
        },
    )
    return objection


@transaction.atomic
def do_decide_objection(
    objection: Objection | int,
    *,
    outcome: str,
    reasons: str,
    acting_user: User,
    decided_on: date | None = None,
    today: date | None = None,
) -> Objection:
    """Answer an objection: ``corrected``, ``revoked`` or ``upheld``, always with reasons.

    A record objection is answered by its department: ``revoked`` withdraws the record at
    once (``xinyong.records.actions.do_withdraw_record``); ``corrected`` means the department
    corrects it by a changed re-send through collection (the record keeps its versions);
    ``upheld`` changes nothing. Listings resting on a corrected or revoked record are traced
    and their initiating departments told. A listing objection is answered through the
    listing procedure (``do_answer_objection``): corrected / revoked uphold the objection,
    upheld rejects it (the term resumes, seed 004).
    """
    today = today or today_local()
    decided_on = decided_on or today
    objection = _lock(objection)
    if outcome not in ObjectionOutcome.values:
        raise refused(
            "REPAIR_OUTCOME_UNKNOWN",
            f"未知的处理结果 {outcome!r}。",
            f"unknown outcome {outcome!r} (one of {', '.join(ObjectionOutcome.values)}).",
        )
    reasons = require_text(reasons, name="reasons", code="REPAIR_REASONS_REQUIRED")
    if objection.status == ObjectionStatus.DECIDED:
        raise conflict(
            "REPAIR_OBJECTION_ALREADY_DECIDED",
            f"该异议已于 {objection.decided_on} 答复。",
            f"the objection was answered on {objection.decided_on}.",
        )
    if decided_on > today or decided_on < objection.received_on:
        raise refused(
            "REPAIR_DATE_INVALID",
            "答复日期应在收到日期与今天之间。",
            "the answer date must lie between the date received and today.",
        )
    if objection.target_kind == TargetKind.LISTING:
        if objection.status != ObjectionStatus.IN_LISTING_PROCEDURE:
            raise conflict(
                "REPAIR_OBJECTION_NOT_FORWARDED",
                "请先将该名单异议转入名单认定程序。",
                "enter the listing objection in the listing procedure first.",
            )
        assert objection.listing_case_id is not None
        state = ListingCase.objects.values_list("state", flat=True).get(
            pk=objection.listing_case_id
        )
        list_actions.do_answer_objection(
            objection.listing_case_id,
            upheld=outcome != ObjectionOutcome.UPHELD,
            redraft=outcome == ObjectionOutcome.CORRECTED and state == CaseState.OBJECTION_REVIEW,
            answer=reasons,
            answered_on=decided_on,
            acting_user=acting_user,
            today=today,
        )
        affected: list[int] = []
    else:
        check_owner(acting_user, objection.department, "答复该异议", "answer this objection")
        record = objection.record
        assert record is not None
        if outcome == ObjectionOutcome.REVOKED and record.status != RecordStatus.WITHDRAWN:
            do_withdraw_record(
                record,
                reason=f"异议 {objection.reference} 核实后撤销：{reasons}",
                decision_changed_on=decided_on,
                acting_user=acting_user,
            )
        affected = (
            _tell_affected_listings(objection, record) if outcome != ObjectionOutcome.UPHELD else []
        )
    checks_told = (
        _tell_affected_checks(objection, outcome=outcome, case_ids=affected, today=decided_on)
        if objection.target_kind == TargetKind.RECORD
        else _tell_affected_checks(
            objection, outcome=outcome, case_ids=[objection.listing_case_id or 0], today=decided_on
        )
    )
    _close(objection, outcome=outcome, reasons=reasons, decided_on=decided_on, by=acting_user)
    record_event(
        EventType.OBJECTION_DECIDED,
        acting_user=acting_user,
        obj=objection,
        department=objection.department,
        subject_id=objection.subject_id,
        after={
            "outcome": outcome,
            "decided_on": decided_on,
            "answer_due_on": objection.answer_due_on,
            "late": bool(objection.answer_due_on and decided_on > objection.answer_due_on),
            "affected_listings": affected,
            "affected_checks": checks_told,
        },
    )
    return objection


def _close(
    objection: Objection, *, outcome: str, reasons: str, decided_on: date, by: User | None
) -> None:
    objection.status = ObjectionStatus.DECIDED
    objection.outcome = outcome
    objection.reasons = reasons
    objection.decided_on = decided_on
    objection.decided_by = by
    objection.save(update_fields=["status", "outcome", "reasons", "decided_on", "decided_by"])
    label_zh = {
        "corrected": "信息已更正",
        "revoked": "信息已撤销",
        "upheld": "信息维持，异议不成立",
    }
    notify(
        f"objection-decided:{objection.pk}",
        kind=NotificationKind.OBJECTION_DECIDED,
        recipient=Recipient.SUBJECT,
        subject_id=objection.subject_id,
        objection=objection,
        record_id=objection.record_id,
        listing_case_id=objection.listing_case_id,
        message_zh=f"您的异议（查询码 {objection.query_code}）已答复：{label_zh[outcome]}。"
        f"理由：{reasons}",
        message_en=f"Your objection (query code {objection.query_code}) was answered: "
        f"{outcome}. Reasons: {reasons}",
    )


def affected_listings(record: Record) -> list[ListingCase]:
    """Listing cases that rest on ``record``: the same subject and the record's decision
    number as the basis document (the listing procedure names its basis by number, it has
    no link to the record — docs/decisions/0052-tracing-affected-listings.md). Closed cases
    are left out."""
    return list(
        ListingCase.objects.filter(
            subject_id=record.subject_id, basis_document_number=record.decision_number
        )
        .exclude(state=CaseState.CLOSED)
        .select_related("initiating_department")
        .order_by("pk")
    )


def _tell_affected_listings(objection: Objection, record: Record) -> list[int]:
    cases = affected_listings(record)
    for case in cases:
        notify(
            f"affected-listing:{objection.pk}:{case.pk}",
            kind=NotificationKind.AFFECTED_LISTING,
            recipient=Recipient.DEPARTMENT,
            department_id=case.initiating_department_id,
            objection=objection,
            record=record,
            listing_case=case,
            message_zh=f"名单案件 {case.reference} 所依据的信息（{record.decision_number}）经异议"
            f" {objection.reference} 核实后已更正或撤销，请复核该案件。",
            message_en=f"Listing case {case.reference} rests on information "
            f"({record.decision_number}) corrected or revoked after objection "
            f"{objection.reference}; review the case.",
        )
    return [c.pk for c in cases]


#: How far back checks resting on a changed listing are traced (docs/repair.md, "Tracing").
CHECK_TRACE_YEARS = 2


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def checks_citing_listings(
    case_ids: list[int], *, subject_id: int, since: date
) -> list[tuple[Check, list[int]]]:
    """Checks made on or after ``since`` whose answer about ``subject_id`` was not "clear"
    and cited one of ``case_ids`` among the listings behind it (``CheckAnswer.detail``
    ``listings[].case_id``), with the cited ids; oldest first. The JSON is read here rather
    than queried, the same on SQLite and PostgreSQL; the subject's answer lines are few."""
    wanted = {pk for pk in case_ids if pk}
    if not wanted:
        return []
    lines = (
        CheckAnswer.objects.filter(subject_id=subject_id, check_request__checked_on__gte=since)
        .exclude(answer__in=(Answer.CLEAR, Answer.INVALID))
        .select_related("check_request")
        .order_by("check_request__checked_at", "check_request_id", "position")
    )
    cited: dict[int, list[int]] = defaultdict(list)
    checks: dict[int, Check] = {}
    for line in lines:
        detail = line.detail if isinstance(line.detail, dict) else {}
        for listing in detail.get("listings") or []:
            case_id = listing.get("case_id") if isinstance(listing, dict) else None
            if case_id in wanted and case_id not in cited[line.check_request_id]:
                cited[line.check_request_id].append(case_id)
                checks[line.check_request_id] = line.check_request
    return [(checks[pk], cited[pk]) for pk in checks]


def _tell_affected_checks(
    objection: Objection, *, outcome: str, case_ids: list[int], today: date
) -> list[str]:
    """Tell each department whose check in the last ``CHECK_TRACE_YEARS`` years relied on a
    listing that was revoked or corrected (or rests on information that was) to check
    again; once per objection, check and listing (the notification's key). Returns the
    receipt ids told."""
    if outcome == ObjectionOutcome.UPHELD:
        return []
    cases = {c.pk: c for c in ListingCase.objects.filter(pk__in=[pk for pk in case_ids if pk])}
    if not cases:
        return []
    verb_zh = "已撤销" if outcome == ObjectionOutcome.REVOKED else "已更正"
    verb_en = "revoked" if outcome == ObjectionOutcome.REVOKED else "corrected"
    what_zh = "该名单所依据的信息" if objection.target_kind == TargetKind.RECORD else "该名单"
    what_en = (
        "the information it rests on has" if objection.target_kind == TargetKind.RECORD
        else "it has"
    )  # fmt: skip
    told: list[str] = []
    since = _years_before(today, CHECK_TRACE_YEARS)
    for check, cited in checks_citing_listings(
        list(cases), subject_id=objection.subject_id, since=since
    ):
        for case_id in cited:
            case = cases[case_id]
            made = notify(
                f"affected-check:{objection.pk}:{check.pk}:{case_id}",
                kind=NotificationKind.AFFECTED_CHECK,
                recipient=Recipient.DEPARTMENT,
                department_id=check.department_id,
                subject_id=objection.subject_id,
                objection=objection,
                record_id=objection.record_id,
                listing_case=case,
                message_zh=f"贵部门于 {check.checked_on} 所作的核查（回执 {check.public_id}）依据了"
                f"名单案件 {case.reference}，经异议 {objection.reference} 核实，{what_zh}{verb_zh}"
                "，请重新核查。",
                message_en=f"A check you made on {check.checked_on} (receipt {check.public_id}) "
                f"relied on listing case {case.reference}; after objection "
                f"{objection.reference} {what_en} been {verb_en}. Check again.",
            )
            if made is not None and str(check.public_id) not in told:
                told.append(str(check.public_id))
    return told


@transaction.atomic
def do_sync_listing_objection(
    objection: Objection | int, *, actor_label: str = "system:repair-tick"
) -> Objection | None:
    """Mirror the answer given in the listing procedure (e.g. in the lists console) on the
    portal's objection; ``None`` while the procedure has not answered. Idempotent."""
    objection = _lock(objection)
    linked = objection.listing_objection
    if (
        objection.status != ObjectionStatus.IN_LISTING_PROCEDURE
        or linked is None
        or linked.outcome == ListOutcome.PENDING
    ):
        return None
    assert linked.answered_on is not None
    outcome = (
        ObjectionOutcome.REVOKED
        if linked.outcome == ListOutcome.UPHELD
        else (ObjectionOutcome.UPHELD)
    )
    checks_told = _tell_affected_checks(
        objection,
        outcome=outcome,
        case_ids=[objection.listing_case_id or 0],
        today=linked.answered_on,
    )
    _close(objection, outcome=outcome, reasons=linked.answer, decided_on=linked.answered_on,
           by=None)  # fmt: skip
    record_event(
        EventType.OBJECTION_DECIDED,
        acting_user=None,
        actor_label=actor_label,
        obj=objection,
        department=objection.department,
        subject_id=objection.subject_id,
        after={
            "outcome": outcome,
            "decided_on": linked.answered_on,
            "from_listing": True,
            "affected_checks": checks_told,
        },
    )
    return objection


def check_objection_exists(pk: int) -> Objection:
    found = Objection.objects.filter(pk=pk).first()
    if found is None:
        raise RepairNotFound(
            message_zh=f"异议 {pk} 不存在。", message_en=f"objection {pk} does not exist."
        )
    return found


__all__ = [
    "CodedError",
    "affected_listings",
    "checks_citing_listings",
    "do_decide_objection",
    "do_file_objection",
    "do_forward_objection_to_listing",
    "do_sync_listing_objection",
]
