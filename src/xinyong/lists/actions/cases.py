"""Opening a listing case, issuing the prior notice, closing the objection window, closing a
case without listing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import Department, Subject, User
from xinyong.lists.actions._base import (
    check_legal_date,
    check_not_provisional,
    clear_deadline,
    finish,
    lock_case,
    require_text,
    set_working_deadline,
    today_local,
)
from xinyong.lists.choices import (
    DOMAIN_ZH,
    BasisDocumentType,
    CaseState,
    DocumentKind,
    DueKind,
)
from xinyong.lists.documents import issue_document
from xinyong.lists.errors import conflict, refused
from xinyong.lists.models import ListingCase, ListType
from xinyong.lists.permissions import check_may_initiate
from xinyong.lists.procedure import transition
from xinyong.lists.queries import list_type_for, objection_answer_period, objection_window
from xinyong.measures.queries import measures_for


def check_subject_covered(list_type: ListType, subject: Subject) -> None:
    """The list type applies to this kind of subject."""
    if subject.kind not in list_type.subject_kinds:
        raise refused(
            "LISTING_SUBJECT_KIND_NOT_COVERED",
            f"“{list_type.name_zh}”不适用于此类主体（{subject.get_kind_display()}）。",
            f"{list_type.code} does not apply to subjects of kind {subject.kind}.",
            list_type=list_type.code,
            subject_kind=subject.kind,
        )


def check_basis_document(
    *, document_type: str, number: str, document_date: date | None, issuer: str, today: date
) -> None:
    """A finding rests on a legally effective document: type, number and date are required
    (seed 000 二(二)1: 在认定失信行为时必须以具有法律效力的文书为依据; seed 001 (二))."""
    missing = [
        name
        for name, value in (
            ("basis_document_type", document_type),
            ("basis_document_number", (number or "").strip()),
            ("basis_document_date", document_date),
            ("basis_document_issuer", (issuer or "").strip()),
        )
        if not value
    ]
    if missing:
        raise refused(
            "LISTING_BASIS_DOCUMENT_REQUIRED",
            "认定必须以具有法律效力的文书为依据：请填写文书类型、文号、日期和制作机关"
            f"（缺少：{', '.join(missing)}）。",
            "a finding must rest on a legally effective document: give its type, number, date "
            f"and issuer (missing: {', '.join(missing)}).",
            missing=missing,
        )
    if document_type not in BasisDocumentType.values:
        raise refused(
            "LISTING_BASIS_DOCUMENT_REQUIRED",
            f"文书类型 {document_type!r} 不在可选值中。",
            f"document type {document_type!r} is not one of {', '.join(BasisDocumentType.values)}.",
            missing=["basis_document_type"],
        )
    assert document_date is not None
    check_legal_date(document_date, name="basis_document_date", today=today)


@transaction.atomic
def do_create_listing_case(
    *,
    list_type_code: str,
    subject: Subject,
    department: Department,
    basis_document_type: str,
    basis_document_number: str,
    basis_document_date: date | None,
    basis_document_issuer: str,
    facts: str,
    acting_user: User,
    today: date | None = None,
) -> ListingCase:
    """Open a case (state ``draft``) in ``department`` against ``subject``."""
    today = today or today_local()
    list_type = list_type_for(list_type_code, on=today)
    check_may_initiate(acting_user, department, list_type)
    check_subject_covered(list_type, subject)
    check_basis_document(
        document_type=basis_document_type,
        number=basis_document_number,
        document_date=basis_document_date,
        issuer=basis_document_issuer,
        today=today,
    )
    assert basis_document_date is not None
    facts = require_text(facts, name="facts", code="LISTING_FACTS_REQUIRED")
    case = ListingCase.objects.create(
        list_type_code=list_type.code,
        list_type=list_type,
        subject=subject,
        initiating_department=department,
        state=CaseState.DRAFT,
        basis_document_type=basis_document_type,
        basis_document_number=basis_document_number.strip(),
        basis_document_date=basis_document_date,
        basis_document_issuer=basis_document_issuer.strip(),
        facts=facts,
        created_by=acting_user,
    )
    record_event(
        EventType.LISTING_CASE_CREATED,
        acting_user=acting_user,
        obj=case,
        department=department,
        subject_id=subject.pk,
        after={
            "action": transition("create").action,
            "state": case.state,
            "list_type": list_type.code,
            "list_type_edition": list_type.edition.label,
            "department": department.code,
            "basis_document": {
                "type": basis_document_type,
                "number": case.basis_document_number,
                "date": basis_document_date,
                "issuer": case.basis_document_issuer,
            },
        },
    )
    return case


def domain_labels_zh(list_type: ListType) -> list[str]:
    """The Chinese names of the list type's domains (国办发〔2020〕49号), for documents."""
    return [DOMAIN_ZH[d] for d in list_type.domains]


@transaction.atomic
def do_issue_prior_notice(
    case: ListingCase | int,
    *,
    notice_date: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """Serve the prior notice (告知书): reasons, basis, rights and the objection deadline —
    ``notice_date`` + N working days (国办发〔2020〕49号; seed 000 二(二)2(3); seed 003 四(一)).
    Renders and keeps the PDF."""
    today = today or today_local()
    case, t = lock_case(
        case, "issue_notice", acting_user=acting_user, expected_version=expected_version
    )
    before = case.state
    notice_date = notice_date or today
    check_legal_date(
        notice_date,
        name="notice_date",
        today=today,
        not_before=case.basis_document_date,
        not_before_name="basis_document_date",
    )
    list_type = case.list_type
    window = objection_window(list_type, on=notice_date)
    answer = objection_answer_period(list_type, on=notice_date, listed=False)
    ends_on = set_working_deadline(
        case, DueKind.OBJECTION_WINDOW, start=notice_date, working_days=window.working_days
    )
    case.notice_date = notice_date
    case.objection_window_ends_on = ends_on
    title = f"拟列入{list_type.name_zh}事前告知书"
    document = issue_document(
        case,
        DocumentKind.PRIOR_NOTICE,
        issued_on=notice_date,
        title=title,
        context={
            "list_type": list_type,
            "domains": domain_labels_zh(list_type),
            "window": window,
            "window_ends_on": ends_on,
            "window_provisional": case.due_provisional,
            "answer": answer,
            "measures": [
                m for m in measures_for(list_type.code, on=notice_date) if _targets(m, case)
            ],
        },
        acting_user=acting_user,
    )
    return finish(
        case,
        t,
        EventType.LISTING_NOTICE_ISSUED,
        acting_user=acting_user,
        before_state=before,
        after={
            "notice_date": notice_date,
            "objection_window_ends_on": ends_on,
            "window_working_days": window.working_days,
            "window_source": window.source,
            "answer_working_days": answer.working_days,
            "document": {"number": document.number, "sha256": document.sha256},
        },
    )


def _targets(measure: Any, case: ListingCase) -> bool:
    """Whether a measure reaches this subject (its kind, or its responsible persons when the
    subject is an organisation)."""
    kind = case.subject.kind
    return kind in measure.targets or (
        "responsible_persons" in measure.targets and kind != "natural_person"
    )


@transaction.atomic
def do_close_objection_window(
    case: ListingCase | int,
    *,
    acting_user: User | None,
    actor_label: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """The objection window ended without an objection: the case is ready for decision. Only
    after the last day of the window (that day is still in time) and only once the window end
    is final (not provisional)."""
    today = today or today_local()
    case, t = lock_case(
        case, "close_objection_window", acting_user=acting_user, expected_version=expected_version
    )
    before = case.state
    ends_on = case.objection_window_ends_on
    assert ends_on is not None
    if today <= ends_on:
        raise conflict(
            "LISTING_WINDOW_OPEN",
            f"异议期限至 {ends_on.isoformat()}（含当日）尚未届满。",
            f"the objection window runs until {ends_on.isoformat()} (inclusive).",
            objection_window_ends_on=ends_on.isoformat(),
        )
    check_not_provisional(case, "异议期限届满日", "the end of the objection window")
    clear_deadline(case)
    return finish(
        case,
        t,
        EventType.LISTING_OBJECTION_WINDOW_CLOSED,
        acting_user=acting_user,
        actor_label=actor_label,
        before_state=before,
        after={"objection_window_ends_on": ends_on, "closed_on": today},
    )


@transaction.atomic
def do_close_listing_case(
    case: ListingCase | int,
    *,
    reason: str,
    closed_on: date | None = None,
    acting_user: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> ListingCase:
    """End the procedure without listing (the department decides not to list, e.g. after the
    leniency assessment)."""
    today = today or today_local()
    case, t = lock_case(case, "close", acting_user=acting_user, expected_version=expected_version)
    before = case.state
    reason = require_text(reason, name="reason", code="LISTING_REASON_REQUIRED")
    closed_on = closed_on or today
    check_legal_date(closed_on, name="closed_on", today=today)
    case.closed_on = closed_on
    case.closed_reason = reason
    clear_deadline(case)
    return finish(
        case,
        t,
        EventType.LISTING_CLOSED,
        acting_user=acting_user,
        before_state=before,
        after={"closed_on": closed_on, "reason": reason},
    )
