"""API of the checks (``/api/v1/checks``): check before granting (应查必查), batches, receipts,
as-of answers.

- ``GET  /api/v1/checks?subject=&matter=&purpose=[&reference=][&scheme=][&department=]``
- ``POST /api/v1/checks/batch`` ``{"subjects": [...], "matter", "purpose", "reference"}``
- ``GET  /api/v1/checks/as-of?subject=&matter=&date=&purpose=``
- ``GET  /api/v1/checks/receipts/public-key`` (public)
- ``GET  /api/v1/checks/receipts/{id}`` (the checking department)
- ``GET|POST /api/v1/checks/receipts/{id}/verify`` (public)
- ``GET  /api/v1/checks/ping`` (public, trivial: the benchmark's baseline)

Authentication: a department system's bearer token with the ``check`` scope, or a staff
session with the department-checker role (``department`` names the department when the
member checks for several). Handlers are thin: they call ``xinyong.checks.actions`` and
declare every output field (no model field leaks by itself).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from xinyong.checks import actions, signing
from xinyong.checks.actions import CheckResult, receipt_document
from xinyong.checks.errors import ReceiptMalformed, ReceiptNotFound
from xinyong.checks.models import Check
from xinyong.checks.queries import SubjectAnswer, matter_label, register_entry
from xinyong.checks.receipts import Verification, verify_document
from xinyong.core.models import Department
from xinyong.errors import NotFound
from xinyong.security.actions.register import verify_register
from xinyong.security.auth import api_auth, kept_token_api_auth, principal_of, require_scope
from xinyong.security.choices import TokenScope
from xinyong.security.principals import Principal
from xinyong.workdays.errors import parse_date_param

router = Router()


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------


class MatterOut(Schema):
    code: str
    name_zh: str
    name_en: str


class DepartmentOut(Schema):
    code: str
    name: str


class MeasureOut(Schema):
    code: str
    name_zh: str
    name_en: str
    side: str = Field(description="punishment or incentive")
    state: str = Field(description="applied, or suspended while an objection is pending")
    legal_basis: str
    implementing_body_zh: str
    implementing_department_kinds: list[str]
    implementing_department_codes: list[str]
    memoranda: list[dict[str, str]]
    case_id: int = Field(description="the listing case the measure follows from")
    unconfirmed: bool


class ListingOut(Schema):
    case_id: int
    reference: str
    list_type: str
    list_type_name_zh: str
    list_type_name_en: str
    side: str
    state: str
    decision_number: str = Field(description="document number of the listing decision")
    decision_date: date | None
    basis_document_type: str
    basis_document_number: str
    initiating_department_code: str
    initiating_department_name: str
    listed_on: date | None
    term_end: date | None
    removed_on: date | None
    removal_reason: str
    measures_suspended: bool
    suspended_since: date | None
    objection_pending: bool


class SubjectOut(Schema):
    code: str = Field(description="the code as normalised; a person's number masked")
    scheme: str
    known: bool
    id: int | None
    name: str
    kind: str


class CheckErrorOut(Schema):
    code: str
    message_zh: str
    message_en: str


class AnswerOut(Schema):
    position: int
    subject: SubjectOut
    subject_known: bool
    answer: str = Field(description="restricted, incentive, clear, or invalid (batch only)")
    objection_pending: bool
    measures: list[MeasureOut]
    listings: list[ListingOut]
    error: CheckErrorOut | None


class ReceiptOut(Schema):
    type: str
    version: int
    alg: str
    key_id: str
    payload: str = Field(description="base64 of the signed bytes (canonical JSON)")
    signature: str = Field(description="base64 of the Ed25519 signature of the payload bytes")
    receipt: dict[str, Any] = Field(description="the payload, decoded")


class CheckOut(Schema):
    receipt_id: uuid.UUID
    checked_at: datetime
    answer_for: date
    matter: MatterOut
    department: DepartmentOut
    answer: str
    subject_known: bool
    objection_pending: bool
    subject: SubjectOut
    measures: list[MeasureOut]
    listings: list[ListingOut]
    receipt: ReceiptOut


class CheckBatchIn(Schema):
    subjects: list[str] = Field(description="codes, at most 10,000")
    matter: str
    purpose: str
    reference: str = ""
    department: str | None = Field(None, description="USCC of the department (staff only)")


class CheckBatchOut(Schema):
    receipt_id: uuid.UUID
    checked_at: datetime
    answer_for: date
    matter: MatterOut
    department: DepartmentOut
    counts: dict[str, int]
    answers: list[AnswerOut]
    receipt: ReceiptOut


class RecordedOut(Schema):
    receipt_id: str
    kind: str
    checked_at: datetime
    department_code: str
    department_name: str
    actor: str
    answer: str
    applied: list[str]
    suspended: list[str]


class AsOfOut(Schema):
    as_of: date
    matter: MatterOut
    subject: SubjectOut
    legal: AnswerOut = Field(description="legal timeline: what applied on the day")
    recorded: list[RecordedOut] = Field(
        description="recorded timeline: the checks your department made that day"
    )


class PublicKeyOut(Schema):
    key_id: str
    algorithm: str
    current: bool
    public_key: str = Field(description="base64 of the 32 raw public-key bytes")
    public_key_pem: str


class VerifyOut(Schema):
    valid: bool
    code: str
    message_zh: str
    message_en: str
    key_id: str
    receipt_id: str
    issued_at: str
    payload_sha256: str
    on_record: bool | None = Field(
        description="the platform holds this very receipt (null when the id is unknown)"
    )
    register_intact: bool | None = Field(
        description="the check's register entry still matches its audit event"
    )


class PingOut(Schema):
    ok: bool


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _department(code: str | None) -> Department | None:
    if not code:
        return None
    found = Department.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise NotFound(
            code="DEPARTMENT_NOT_FOUND",
            message_zh=f"没有统一社会信用代码为 {code} 的部门",
            message_en=f"no department with code {code}",
        )
    return found


def _checker(request: HttpRequest, department: str | None) -> tuple[Principal, Department]:
    principal = require_scope(request, TokenScope.CHECK, department=_department(department))
    assert principal.department is not None
    return principal, principal.department


def _answer(a: SubjectAnswer) -> dict[str, Any]:
    item = a.classified
    subject = a.subject
    error = None
    if not item.valid:
        error = {"code": item.error_code, "message_zh": item.error_zh, "message_en": item.error_en}
    return {
        "position": a.position + 1,
        "subject": {
            "code": item.shown,
            "scheme": item.scheme.value,
            "known": subject is not None,
            "id": subject.pk if subject else None,
            "name": subject.name if subject else "",
            "kind": subject.kind if subject else "",
        },
        "subject_known": subject is not None,
        "answer": a.answer,
        "objection_pending": a.objection_pending,
        "measures": [m.as_dict() for m in a.measures],
        "listings": [a.listing_dict(x) for x in a.listings],
        "error": error,
    }


def _matter(code: str) -> dict[str, str]:
    zh, en = matter_label(code)
    return {"code": code, "name_zh": zh, "name_en": en}


def _common(result: CheckResult) -> dict[str, Any]:
    check = result.check
    return {
        "receipt_id": check.public_id,
        "checked_at": check.checked_at,
        "answer_for": check.checked_on,
        "matter": _matter(check.matter),
        "department": {"code": check.department_code, "name": check.department_name},
        "receipt": result.document,
    }


# --------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------


@router.get("/ping", response=PingOut, summary="Trivial endpoint (benchmark baseline)")
def ping(request: HttpRequest) -> dict[str, bool]:
    """Touches nothing: the benchmark compares the check with it in the same run."""
    return {"ok": True}


def render_unvalidated(request: HttpRequest, body: dict[str, Any]) -> HttpResponse:
    """``body`` rendered exactly as django-ninja renders a response, without validating it
    against the declared schema again: on the single check's hot path that validation cost
    ~0.2 ms of a ~2.5 ms request (docs/decisions/0073-hot-path-statements.md). Every field
    of ``body`` is built explicitly below, and ``test_api`` holds each kind of answer's output
    to ``CheckOut`` (same fields, same values after validation)."""
    from xinyong.api import api  # the API this router is mounted on (imports this module)

    return api.create_response(request, body, status=200)


@router.get("", response=CheckOut, auth=kept_token_api_auth, summary="Check a subject (应查必查)")
def check_subject(
    request: HttpRequest,
    subject: str,
    matter: str,
    purpose: str = "",
    reference: str = "",
    scheme: str | None = None,
    department: str | None = None,
) -> HttpResponse:
    """Is ``subject`` restricted (or eased) for ``matter`` today? Every applicable measure
    with its legal basis and implementing body, the listing case and decision it follows
    from, and whether an objection is pending (its measures are then reported as
    ``suspended``, not applied). The check is recorded and a signed receipt returned.

    Errors: ``CHECK_SUBJECT_INVALID`` (422; the code is not a valid identifier — never
    "clear"), ``CHECK_MATTER_UNKNOWN`` (422), ``ACCESS_PURPOSE_REQUIRED`` (422),
    ``TOKEN_SCOPE_MISSING`` (403), ``AUTHENTICATION_REQUIRED`` (401)."""
    principal, dep = _checker(request, department)
    result = actions.do_check_subject(
        subject,
        matter=matter,
        purpose=purpose,
        reference=reference,
        scheme=scheme,
        department=dep,
        acting_user=principal,
    )
    body = _answer(result.answer)
    return render_unvalidated(
        request,
        {
            **_common(result),
            "answer": body["answer"],
            "subject_known": body["subject_known"],
            "objection_pending": body["objection_pending"],
            "subject": body["subject"],
            "measures": body["measures"],
            "listings": body["listings"],
        },
    )


@router.post("/batch", response=CheckBatchOut, auth=api_auth, summary="Check up to 10,000 subjects")
def check_batch(request: HttpRequest, payload: CheckBatchIn) -> dict[str, Any]:
    """One matter, up to 10,000 subjects (``CHECK_BATCH_TOO_LARGE``, 413, beyond), one
    answer per subject in the order given and one receipt covering them all. An invalid code
    is answered ``invalid`` with its identifier rule's error; an unknown valid one ``clear``
    with ``subject_known: false``."""
    principal, dep = _checker(request, payload.department)
    result = actions.do_check_batch(
        payload.subjects,
        matter=payload.matter,
        purpose=payload.purpose,
        reference=payload.reference,
        department=dep,
        acting_user=principal,
    )
    check = result.check
    return {
        **_common(result),
        "counts": {
            "subjects": check.subject_count,
            "restricted": check.restricted_count,
            "incentive": check.incentive_count,
            "clear": check.clear_count,
            "invalid": check.invalid_count,
            "unknown": check.unknown_count,
        },
        "answers": [_answer(a) for a in result.answers],
    }


@router.get("/as-of", response=AsOfOut, auth=api_auth, summary="As of a date (legal + recorded)")
def as_of(
    request: HttpRequest,
    subject: str,
    matter: str,
    date: str,
    purpose: str = "",
    scheme: str | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """Was ``subject`` restricted for ``matter`` on ``date`` — from the legal timeline
    (listing terms, suspensions while objections were pending, removals) — and what did the
    platform answer to the checks your department made that day (recorded timeline)?"""
    day = parse_date_param(date, name="date")
    principal, dep = _checker(request, department)
    result = actions.do_answer_as_of(
        subject,
        matter=matter,
        on=day,
        purpose=purpose,
        scheme=scheme,
        department=dep,
        acting_user=principal,
    )
    legal = _answer(result.legal)
    return {
        "as_of": result.on,
        "matter": _matter(result.matter),
        "subject": legal["subject"],
        "legal": legal,
        "recorded": [
            {
                "receipt_id": r.receipt_id,
                "kind": r.kind,
                "checked_at": r.checked_at,
                "department_code": r.department_code,
                "department_name": r.department_name,
                "actor": r.actor_label,
                "answer": r.answer,
                "applied": r.applied,
                "suspended": r.suspended,
            }
            for r in result.recorded
        ],
    }


@router.get("/receipts/public-key", response=list[PublicKeyOut], summary="Keys that sign receipts")
def public_key(request: HttpRequest) -> list[dict[str, Any]]:
    """The public key that signs new receipts (``current: true``) and the retired keys that
    signed older ones. Verify offline: base64-decode ``payload`` and check ``signature`` over
    those bytes with the key named by the receipt's ``key_id``."""
    return [
        {
            "key_id": k.key_id,
            "algorithm": signing.ALGORITHM,
            "current": k.current,
            "public_key": k.raw_b64,
            "public_key_pem": k.pem,
        }
        for k in signing.public_keys()
    ]


def _stored(receipt_id: uuid.UUID) -> Check | None:
    return Check.objects.filter(public_id=receipt_id).first()


@router.get("/receipts/{receipt_id}", response=ReceiptOut, auth=api_auth, summary="A receipt")
def receipt(request: HttpRequest, receipt_id: uuid.UUID) -> dict[str, Any]:
    """The receipt of a check your department made, exactly as issued."""
    principal = principal_of(request)
    allowed = {d.pk for d in principal.departments_for(TokenScope.CHECK)}
    if not allowed:
        require_scope(request, TokenScope.CHECK)  # refuses: TOKEN_SCOPE_MISSING
    check = _stored(receipt_id)
    if check is None or check.department_id not in allowed:
        raise ReceiptNotFound(
            message_zh="没有这张回执，或它不是本部门的核查回执。",
            message_en="no such receipt, or it is not one of your department's checks.",
        )
    return receipt_document(check)


def _verify(check: Check | None, verification: Verification) -> dict[str, Any]:
    out = verification.as_dict()
    out["on_record"] = None
    out["register_intact"] = None
    if check is not None:
        out["on_record"] = verification.payload_sha256 == check.receipt_sha256
        access = register_entry(check)
        intact = access is not None and not verify_register([access])
        if intact and access is not None and isinstance(access.query, dict):
            intact = access.query.get("receipt_sha256") == check.receipt_sha256
        out["register_intact"] = intact
    return out


@router.get("/receipts/{receipt_id}/verify", response=VerifyOut, summary="Verify a receipt")
def verify_stored(request: HttpRequest, receipt_id: uuid.UUID) -> dict[str, Any]:
    """Verify the receipt the platform holds under this id: its signature, and that its
    query-register entry (and audit event) still match it. Says nothing of its content."""
    check = _stored(receipt_id)
    if check is None:
        raise ReceiptNotFound(message_zh="没有这张回执。", message_en="no such receipt.")
    return _verify(check, verify_document(receipt_document(check)))


@router.post(
    "/receipts/{receipt_id}/verify", response=VerifyOut, summary="Verify a receipt you hold"
)
def verify_posted(request: HttpRequest, receipt_id: uuid.UUID) -> dict[str, Any]:
    """Post the receipt document (the JSON you were given) as the body: its signature is
    checked, and whether the platform holds this very receipt under ``receipt_id``. A changed
    receipt answers ``valid: false`` with the reason's code."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ReceiptMalformed(
            message_zh="请求体应为回执 JSON 文档。",
            message_en="the body must be the receipt JSON document.",
        )
    verification = verify_document(body)
    check = _stored(receipt_id)
    out = _verify(check, verification)
    if verification.valid and verification.receipt_id != str(receipt_id):
        out.update(
            valid=False,
            code="RECEIPT_ID_MISMATCH",
            message_zh="回执编号与请求路径中的编号不一致。",
            message_en="the receipt's id is not the id in the path.",
        )
    return out
