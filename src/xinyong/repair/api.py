"""API of objections and credit repair (``/api/v1/repair/``).

Public operations (no credentials: the subject identifies itself with its code or ID number,
which must be the subject's own — ``REPAIR_NOT_YOUR_RECORD``): file an objection, look up
eligibility, apply for repair (multipart, with the materials), follow progress by query code.
Department operations (``api_auth``: a token or a staff session; the roles of
``xinyong.repair.permissions``): object in a department's name, answer an objection, review
and decide an application, record the higher platform's review (where configured), read one
objection or application, apply a synchronised-repair event from another platform. Every
staff read of an objection or an application (the reads, and the answers of the review and
decision operations) writes a query-register entry in the transaction of the read.
Every field is listed: nothing leaks when a model grows. Repair is free: no operation takes
or returns a fee.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Body, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from xinyong.core.models import Department
from xinyong.lists.models import ListingCase
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.eligibility import eligibility
from xinyong.repair.errors import RepairNotFound
from xinyong.repair.materials import MaterialFile
from xinyong.repair.models import Objection, RepairApplication
from xinyong.repair.permissions import restrict
from xinyong.repair.queries import lookup_by_code, subject_notifications
from xinyong.security.actions.register import record_access
from xinyong.security.auth import api_auth, principal_of
from xinyong.security.choices import LegalBasis

router = Router(tags=["repair"])


class ObjectionIn(Schema):
    target: str  # "record" or "listing"
    id: int
    ground: str
    statement: str
    filer_name: str
    filer_contact: str = ""
    subject_identifier: str = ""


class DepartmentObjectionIn(ObjectionIn):
    department: str | None = None  # code of the filing department


class NoticeOut(Schema):
    created_at: str
    message_zh: str
    message_en: str


class ObjectionOut(Schema):
    reference: str
    query_code: str
    target: str
    record: int | None
    listing_case: int | None
    ground: str
    status: str
    received_on: date
    answer_due_on: date | None
    outcome: str | None
    reasons: str | None
    decided_on: date | None
    notices: list[NoticeOut]


class DecisionIn(Schema):
    outcome: str
    reasons: str
    decided_on: date | None = None


class EligibilityOut(Schema):
    record: int
    repairable: bool
    barred_code: str | None
    barred_reason_zh: str | None
    barred_reason_en: str | None
    regime: str | None
    regime_name: str | None
    legal_source: str | None
    severity: str | None
    specific_serious: bool
    eligible_from: date | None
    publication_ends: date | None
    materials: list[dict[str, Any]]
    effects: list[dict[str, Any]]


class ApplicationOut(Schema):
    reference: str
    query_code: str
    record: int
    status: str
    submitted_on: date
    eligible_from: date
    due_on: date | None
    materials: list[str]
    initial_review_note: str | None
    authority_decided_on: date | None
    higher_review_on: date | None
    higher_review_note: str | None
    decided_on: date | None
    reasons: str | None
    refusal_code: str | None
    fee: int
    notices: list[NoticeOut]


class ReviewIn(Schema):
    passed: bool
    note: str = ""


class AppDecisionIn(Schema):
    approve: bool
    reasons: str = ""
    decided_on: date | None = None


class HigherReviewIn(Schema):
    approve: bool
    note: str = ""
    reviewed_on: date | None = None


class SyncOut(Schema):
    event_id: str
    outcome: str
    created: bool
    record: int | None


def _notices(item: Objection | RepairApplication) -> list[dict[str, Any]]:
    return [
        {"created_at": n.created_at.isoformat(), "message_zh": n.message_zh,
         "message_en": n.message_en}
        for n in subject_notifications(item)
    ]  # fmt: skip


def objection_out(o: Objection) -> dict[str, Any]:
    return {
        "reference": o.reference,
        "query_code": o.query_code,
        "target": o.target_kind,
        "record": o.record_id,
        "listing_case": o.listing_case_id,
        "ground": o.ground,
        "status": o.status,
        "received_on": o.received_on,
        "answer_due_on": o.answer_due_on,
        "outcome": o.outcome or None,
        "reasons": o.reasons or None,
        "decided_on": o.decided_on,
        "notices": _notices(o),
    }


def application_out(a: RepairApplication) -> dict[str, Any]:
    return {
        "reference": a.reference,
        "query_code": a.query_code,
        "record": a.record_id,
        "status": a.status,
        "submitted_on": a.submitted_on,
        "eligible_from": a.eligible_from,
        "due_on": a.due_on,
        "materials": sorted({m.material_code for m in a.materials.all()}),
        "initial_review_note": a.initial_review_note or None,
        "authority_decided_on": a.authority_decided_on,
        "higher_review_on": a.higher_review_on,
        "higher_review_note": a.higher_review_note or None,
        "decided_on": a.decided_on,
        "reasons": a.decision_reasons or None,
        "refusal_code": a.refusal_code or None,
        "fee": 0,
        "notices": _notices(a),
    }


def _target(kind: str, pk: int) -> Record | ListingCase:
    model: Any = ListingCase if kind == "listing" else Record
    found = model.objects.select_related("subject").filter(pk=pk).first() if kind in (
        "record", "listing"
    ) else None  # fmt: skip
    if found is None:
        raise RepairNotFound(
            message_zh="所指的信息不存在。", message_en="the information does not exist."
        )
    result: Record | ListingCase = found
    return result


@router.post("/objections", response={201: ObjectionOut}, summary="File an objection (subject)")
def file_objection(request: HttpRequest, payload: ObjectionIn) -> Status[dict[str, Any]]:
    """The subject (or its representative) objects to a record or a listing. Its unified
    social credit code or ID number must be the subject's (422 ``REPAIR_NOT_YOUR_RECORD``).
    Keep the ``query_code``: with the identifier it opens the progress look-up."""
    objection = actions.do_file_objection(
        _target(payload.target, payload.id),
        ground=payload.ground,
        statement=payload.statement,
        filer_name=payload.filer_name,
        filer_contact=payload.filer_contact,
        subject_identifier=payload.subject_identifier,
        acting_user=None,
    )
    return Status(201, objection_out(objection))


@router.post(
    "/department-objections",
    response={201: ObjectionOut},
    auth=api_auth,
    summary="File an objection in a department's name",
)
def file_department_objection(
    request: HttpRequest, payload: DepartmentObjectionIn
) -> Status[dict[str, Any]]:
    """A department objects to information it uses (staff session with a reporter, checker
    or credit-office role in that department)."""
    user = _staff(request)
    department = (
        Department.objects.filter(code=payload.department).first() if payload.department else None
    )
    objection = actions.do_file_objection(
        _target(payload.target, payload.id),
        ground=payload.ground,
        statement=payload.statement,
        filer_name=payload.filer_name,
        filer_contact=payload.filer_contact,
        filing_department=department,
        acting_user=user,
    )
    return Status(201, objection_out(objection))


@router.get("/progress/{code}", response=ObjectionOut | ApplicationOut, summary="Progress")
def progress(request: HttpRequest, code: str, identifier: str) -> dict[str, Any]:
    """Progress of an objection (``OB…``) or an application (``RA…``) by its query code and
    the subject's code or ID number (404 when either does not match)."""
    found = lookup_by_code(code, identifier)
    if found is None:
        raise RepairNotFound(
            message_zh="查询码与主体代码不匹配或不存在。",
            message_en="no case with this query code for this subject.",
        )
    if isinstance(found, Objection):
        return objection_out(found)
    return application_out(found)


@router.post(
    "/objections/{int:pk}/decision",
    response=ObjectionOut,
    auth=api_auth,
    summary="Answer an objection",
)
def decide_objection(request: HttpRequest, pk: int, payload: DecisionIn) -> dict[str, Any]:
    """The owning department answers: ``corrected``, ``revoked`` or ``upheld``, with
    reasons."""
    user = _staff(request)
    with transaction.atomic():
        objection = _visible(Objection, user, pk)
        objection = actions.do_decide_objection(
            objection,
            outcome=payload.outcome,
            reasons=payload.reasons,
            decided_on=payload.decided_on,
            acting_user=user,
        )
        _register(request, objection, purpose=f"答复异议 {objection.reference}",
                  fields=OBJECTION_FIELDS)  # fmt: skip
    return objection_out(objection)


@router.get(
    "/objections/{int:pk}", response=ObjectionOut, auth=api_auth, summary="One objection (staff)"
)
def read_objection(request: HttpRequest, pk: int) -> dict[str, Any]:
    """An objection those who handle it may see (404 otherwise); the read is registered."""
    user = _staff(request)
    with transaction.atomic():
        objection = _visible(Objection, user, pk)
        _register(request, objection, purpose=f"查阅异议 {objection.reference}",
                  fields=OBJECTION_FIELDS)  # fmt: skip
    return objection_out(objection)


#: What the staff API returns that is not public (the register lists the fields read).
OBJECTION_FIELDS = ("ground", "status", "outcome", "reasons", "notices")
APPLICATION_FIELDS = ("status", "materials", "initial_review_note", "reasons",
                      "higher_review_note", "notices")  # fmt: skip


def _register(request: HttpRequest, obj: Objection | RepairApplication, *, purpose: str,
              fields: tuple[str, ...]) -> None:  # fmt: skip
    """One query-register entry for a staff API read of ``obj``, in the transaction of the
    read (as the console's pages do, ``xinyong.repair.views``)."""
    record_access(
        actor=principal_of(request),
        purpose=purpose,
        legal_basis=LegalBasis.STATUTORY_DUTY,
        subject=obj.subject,
        obj=obj,
        fields=fields,
    )


def _visible(model: Any, user: Any, pk: int) -> Any:
    found = restrict(model.objects.all(), user).filter(pk=pk).first()
    if found is None:
        raise RepairNotFound(message_zh=f"{pk} 不存在。", message_en=f"{pk} does not exist.")
    return found


@router.get(
    "/records/{int:record_id}/eligibility",
    response=EligibilityOut,
    summary="When a record may be repaired",
)
def record_eligibility(request: HttpRequest, record_id: int, identifier: str) -> dict[str, Any]:
    """Repair eligibility of one record under the regime of its decision date, for its
    subject (the identifier must be the subject's)."""
    record = Record.objects.select_related("subject").filter(pk=record_id).first()
    if record is None or not _owned(record, identifier):
        raise RepairNotFound(
            message_zh="没有该主体的这条记录。", message_en="no such record for this subject."
        )
    return eligibility(record).as_dict()


def _owned(record: Record, identifier: str) -> bool:
    from xinyong.repair.actions._base import identifier_matches

    return identifier_matches(record.subject, identifier)


@router.post(
    "/applications", response={201: ApplicationOut}, summary="Apply for repair (multipart)"
)
def apply(
    request: HttpRequest,
    record: int = Form(...),
    subject_identifier: str = Form(...),
    applicant_name: str = Form(...),
    statement: str = Form(...),
    applicant_contact: str = Form(""),
    restructuring: bool = Form(False),
    proof_of_performance: list[UploadedFile] = File(None),  # noqa: B008
    credit_commitment: list[UploadedFile] = File(None),  # noqa: B008
    court_restructuring_order: list[UploadedFile] = File(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    """Apply for repair of one record with the materials of its regime (PDF, PNG or JPEG,
    10 MB each). Refusals: ``REPAIR_NOT_YOUR_RECORD``, ``REPAIR_NOT_YET_ELIGIBLE``,
    ``REPAIR_NEVER_REPAIRABLE``, ``REPAIR_SPECIFIC_SERIOUS``, ``REPAIR_MATERIALS_MISSING``,
    ``REPAIR_DUPLICATE_APPLICATION`` — nothing is stored then. Free of charge."""
    files: list[MaterialFile] = []
    for code, uploads in (
        ("proof-of-performance", proof_of_performance),
        ("credit-commitment", credit_commitment),
        ("court-restructuring-order", court_restructuring_order),
    ):
        for upload in uploads or []:
            files.append(MaterialFile(code, upload.name or code, read_upload(upload)))
    application = actions.do_submit_repair_application(
        record,
        subject_identifier=subject_identifier,
        applicant_name=applicant_name,
        applicant_contact=applicant_contact,
        statement=statement,
        restructuring=restructuring,
        materials=files,
    )
    return Status(201, application_out(application))


def read_upload(upload: Any) -> bytes:
    """Read an upload, at most one byte past the limit (the action refuses it then)."""
    from xinyong.repair.materials import MAX_FILE_BYTES

    data = b""
    for chunk in upload.chunks():
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            break
    return bytes(data[: MAX_FILE_BYTES + 1])


@router.post(
    "/applications/{int:pk}/review",
    response=ApplicationOut,
    auth=api_auth,
    summary="Initial review (credit office)",
)
def review(request: HttpRequest, pk: int, payload: ReviewIn) -> dict[str, Any]:
    user = _staff(request)
    with transaction.atomic():
        application = _visible(RepairApplication, user, pk)
        application = actions.do_review_repair_application(
            application, passed=payload.passed, note=payload.note, acting_user=user
        )
        _register(request, application, purpose=f"初审信用修复申请 {application.reference}",
                  fields=APPLICATION_FIELDS)  # fmt: skip
    return application_out(application)


@router.get(
    "/applications/{int:pk}",
    response=ApplicationOut,
    auth=api_auth,
    summary="One repair application (staff)",
)
def read_application(request: HttpRequest, pk: int) -> dict[str, Any]:
    """An application those who handle it may see (404 otherwise); the read is registered."""
    user = _staff(request)
    with transaction.atomic():
        application = _visible(RepairApplication, user, pk)
        _register(request, application, purpose=f"查阅信用修复申请 {application.reference}",
                  fields=APPLICATION_FIELDS)  # fmt: skip
    return application_out(application)


@router.post(
    "/applications/{int:pk}/higher-review",
    response=ApplicationOut,
    auth=api_auth,
    summary="The higher credit platform's review (where configured)",
)
def higher_review(request: HttpRequest, pk: int, payload: HigherReviewIn) -> dict[str, Any]:
    """A credit-office reviewer records the higher platform's answer on a repair the sector
    authority approved (only where ``repair.higher_review_working_days`` > 0)."""
    user = _staff(request)
    with transaction.atomic():
        application = _visible(RepairApplication, user, pk)
        application = actions.do_record_higher_review(
            application,
            approve=payload.approve,
            note=payload.note,
            reviewed_on=payload.reviewed_on,
            acting_user=user,
        )
        _register(request, application,
                  purpose=f"登记上级平台复核结果 {application.reference}",
                  fields=APPLICATION_FIELDS)  # fmt: skip
    return application_out(application)


@router.post(
    "/applications/{int:pk}/decision",
    response=ApplicationOut,
    auth=api_auth,
    summary="Decision of the sector authority",
)
def decide(request: HttpRequest, pk: int, payload: AppDecisionIn) -> dict[str, Any]:
    user = _staff(request)
    with transaction.atomic():
        application = _visible(RepairApplication, user, pk)
        application = actions.do_decide_repair_application(
            application,
            approve=payload.approve,
            reasons=payload.reasons,
            decided_on=payload.decided_on,
            acting_user=user,
        )
        _register(request, application, purpose=f"决定信用修复申请 {application.reference}",
                  fields=APPLICATION_FIELDS)  # fmt: skip
    return application_out(application)


@router.post("/sync-events", response=SyncOut, auth=api_auth, summary="Apply a repair event")
def apply_event(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    """Apply a ``xinyong.repair.completed`` event from another platform (idempotent by
    ``event_id``). Credit-office reviewers only, until the exchange transport has its own
    credentials."""
    from xinyong.repair.permissions import check_reviewer

    user = _staff(request)
    check_reviewer(user, "导入其他平台的修复结果", "apply repair events")
    stored, created = actions.do_apply_remote_repair_event(
        payload, acting_user=user, actor_label=f"api:{user.get_username()}"
    )
    return {
        "event_id": str(stored.event_id),
        "outcome": stored.outcome,
        "created": created,
        "record": stored.record_id,
    }


def _staff(request: HttpRequest) -> Any:
    """The staff member behind the request: these decisions are taken by people (a
    department system's token has no user and is refused)."""
    from xinyong.errors import PermissionDenied

    user = principal_of(request).user
    if user is None:
        raise PermissionDenied(
            message_zh="该操作须由工作人员登录后办理，不能使用系统令牌。",
            message_en="a staff member must do this logged in; system tokens may not.",
        )
    return user
