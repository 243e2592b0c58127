"""The JSON an event carries — the webhook body and the API's view of an inbox item.

Only public fields of the listing go in (the entry as the public list shows it: name, kind,
USCC or the masked ID number of a person, list, decision, term, suspension), plus the measures
the department implements with their legal basis and memoranda, and where to report back
(docs/decisions/0036-announcement-content.md). Versioned by ``schema``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xinyong.core.models import Department, Subject
from xinyong.lists.choices import DocumentKind
from xinyong.lists.models import ListingCase

SCHEMA = "xinyong.joint.event/1"


def subject_public(subject: Subject) -> dict[str, Any]:
    return {
        "name": subject.name,
        "kind": subject.kind,
        "uscc": subject.uscc or None,
        "id_number_masked": subject.id_number_masked or None,
    }


def listing_public(case: ListingCase, *, change: str, effective_on: date) -> dict[str, Any]:
    """The listing as the public list shows it, after the change."""
    decision = (
        case.documents.filter(kind=DocumentKind.DECISION).order_by("-pk").only("number").first()
    )
    return {
        "case": case.reference,
        "list_type": case.list_type_code,
        "list_type_name_zh": case.list_type.name_zh,
        "list_type_name_en": case.list_type.name_en,
        "side": case.list_type.side,
        "legal_basis": case.list_type.legal_basis,
        "initiating_department": {
            "code": case.initiating_department.code,
            "name": case.initiating_department.name,
        },
        "subject": subject_public(case.subject),
        "decision": {
            "number": decision.number if decision else None,
            "date": case.decision_date.isoformat() if case.decision_date else None,
        },
        "term": {
            "start": case.listed_on.isoformat() if case.listed_on else None,
            "end": case.term_end.isoformat() if case.term_end else None,
        },
        "measures_suspended": change == "suspended",
        "suspended_since": case.suspended_since.isoformat() if case.suspended_since else None,
        "removed_on": case.removed_on.isoformat() if case.removed_on else None,
        "removal_reason": case.removal_reason or None,
        "effective_on": effective_on.isoformat(),
    }


def measure_public(m: dict[str, Any]) -> dict[str, Any]:
    """A measure of the decision's snapshot, as an implementing department needs it."""
    return {
        "code": m["code"],
        "name_zh": m["name_zh"],
        "name_en": m["name_en"],
        "side": m["side"],
        "matters": list(m.get("matters", [])),
        "means": m.get("means", ""),
        "legal_basis": m.get("legal_basis", ""),
        "memoranda": [
            {"code": x.get("code"), "name_zh": x.get("name_zh")} for x in m.get("memoranda", [])
        ],
        "unconfirmed": bool(m.get("unconfirmed", False)),
    }


def event_payload(
    *,
    event_id: str,
    event_type: str,
    occurred_at: str,
    department: Department,
    listing: dict[str, Any],
    measures: list[dict[str, Any]],
    due_on: date,
    watch: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "event_id": event_id,
        "type": event_type,
        "occurred_at": occurred_at,
        "department": {"code": department.code, "name": department.name},
        "listing": listing,
        "measures": measures,
        "feedback": {
            "due_on": due_on.isoformat(),
            "outcomes": ["applied", "not_applicable", "failed"],
            "api": "/api/v1/joint/feedback",
        },
    }
    if watch is not None:
        payload["watch"] = watch
    return payload
