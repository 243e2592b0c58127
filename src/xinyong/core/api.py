"""API of the core domain: identifier validation (``POST /api/v1/identifiers/validate``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from xinyong.core import identifiers

router = Router()


class ValidateIn(Schema):
    codes: list[str] = Field(..., min_length=1, max_length=1000, description="codes to check")
    scheme: identifiers.IdentifierScheme | None = Field(
        None, description="identifier scheme; guessed per code when omitted"
    )
    subject_kind: str | None = Field(
        None, description="legal_person, individual_business, natural_person or public_body"
    )


class IdentifierIssueOut(Schema):
    code: str
    message_zh: str
    message_en: str


class ResultOut(Schema):
    input: str
    scheme: str
    normalized: str
    valid: bool
    error_code: str | None
    errors: list[IdentifierIssueOut]
    warnings: list[IdentifierIssueOut]
    parts: dict[str, Any]


class ValidateOut(Schema):
    results: list[ResultOut]
    all_valid: bool


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def result_out(result: identifiers.ValidationResult) -> dict[str, Any]:
    return {
        "input": result.input,
        "scheme": str(result.scheme),
        "normalized": result.normalized,
        "valid": result.valid,
        "error_code": result.error_code,
        "errors": [vars(i) for i in result.errors],
        "warnings": [vars(i) for i in result.warnings],
        "parts": _jsonable(dict(result.parts)),
    }


@router.post("/validate", response=ValidateOut, summary="Validate identifiers (代码校验)")
def validate_identifiers(request: HttpRequest, payload: ValidateIn) -> dict[str, Any]:
    """Validate unified social credit codes, legacy codes and ID numbers (RULES §2).

    Returns, per code, the normalised form, validity, the first error's stable code, every
    error and warning in Chinese and English, and the parsed parts. A personal ID number is
    echoed back masked, never in full.
    """
    results = []
    for code in payload.codes:
        scheme = payload.scheme or identifiers.guess_scheme(code)
        result = identifiers.validate(code, scheme, subject_kind=payload.subject_kind)
        out = result_out(result)
        if scheme in identifiers.PERSONAL_SCHEMES:
            out["input"] = identifiers.mask_identifier(result.input, scheme)
            out["normalized"] = identifiers.mask_identifier(result.normalized, scheme)
        results.append(out)
    return {"results": results, "all_valid": all(r["valid"] for r in results)}
