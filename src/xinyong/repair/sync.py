"""The synchronised-repair event (一次申请、同步修复、完全修复, seed 003 五(一)): its schema,
built here when a repair completes and checked when one arrives from another platform.

Schema ``xinyong.repair.completed`` version 1 (docs/repair.md, "Synchronised repair")::

    {
      "schema": "xinyong.repair.completed",
      "version": 1,
      "event_id": "<UUID, unique per event; applying the same id twice changes nothing>",
      "occurred_at": "<ISO 8601 datetime with offset>",
      "origin": {"division": "<GB/T 2260 code>", "platform": "<name>"},
      "record": {
        "department_code": "<USCC of the department that took the decision>",
        "item_code": "<catalog item, e.g. CF>",
        "decision_number": "<decision document number>",
        "decision_date": "<YYYY-MM-DD>"
      },
      "subject": {"uscc": "<USCC or null for a natural person>", "name": "<name>"},
      "repair": {
        "reference": "<the origin's application reference>",
        "decided_on": "<YYYY-MM-DD>",
        "regime": "<regime code>",
        "effects": ["stop-publication", ...]
      }
    }

A record is identified across platforms the way collection identifies it here: (department
code, catalog item, decision number). No personal ID number travels in the event: a natural
person is matched by the decision alone.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.utils import timezone

from xinyong.repair.errors import refused

if TYPE_CHECKING:
    from xinyong.records.models import Record
    from xinyong.repair.models import RepairApplication

SCHEMA: Final = "xinyong.repair.completed"
VERSION: Final = 1


def build_repair_event(
    application: RepairApplication, record: Record, *, event_id: uuid.UUID, decided_on: date
) -> dict[str, Any]:
    """The event a completed repair emits."""
    # The effects are the regime's (RULES §3: Order 36 — stop publication, stop sharing and
    # use, lift measures, update evaluations; older regimes: 49号's modes).
    effects = [str(e["code"]) for e in eligibility_effects(record)]
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "event_id": str(event_id),
        "occurred_at": timezone.now().isoformat(),
        "origin": {
            "division": settings.XINYONG["PLATFORM_DIVISION"],
            "platform": settings.XINYONG["PLATFORM_NAME"],
        },
        "record": {
            "department_code": record.department.code,
            "item_code": record.item_code,
            "decision_number": record.decision_number,
            "decision_date": record.decision_date.isoformat() if record.decision_date else None,
        },
        "subject": {"uscc": record.subject.uscc, "name": record.subject.name},
        "repair": {
            "reference": application.reference,
            "decided_on": decided_on.isoformat(),
            "regime": application.regime_code,
            "effects": effects,
        },
    }


def eligibility_effects(record: Record) -> list[dict[str, Any]]:
    from xinyong.policy.regimes import regime_for

    if record.decision_date is None:
        return []
    return [dict(e) for e in regime_for(record.decision_date).repair_effects]


def _bad(why_zh: str, why_en: str, **details: Any) -> Exception:
    return refused(
        "REPAIR_EVENT_INVALID",
        f"修复事件格式不符合 {SCHEMA} v{VERSION}：{why_zh}",
        f"the repair event does not match {SCHEMA} v{VERSION}: {why_en}",
        **details,
    )


def parse_repair_event(payload: Any) -> dict[str, Any]:
    """Check an incoming event; return its normalised parts. ``REPAIR_EVENT_INVALID`` or
    ``REPAIR_EVENT_VERSION_UNSUPPORTED`` (422) otherwise."""
    if not isinstance(payload, dict):
        raise _bad("不是 JSON 对象。", "not a JSON object.")
    if payload.get("schema") != SCHEMA:
        raise _bad("schema 不符。", f"schema must be {SCHEMA!r}.", field="schema")
    if payload.get("version") != VERSION:
        raise refused(
            "REPAIR_EVENT_VERSION_UNSUPPORTED",
            f"不支持的修复事件版本 {payload.get('version')!r}（支持：{VERSION}）。",
            f"unsupported repair event version {payload.get('version')!r} (supported: {VERSION}).",
        )
    try:
        event_id = uuid.UUID(str(payload.get("event_id")))
    except ValueError:
        raise _bad("event_id 不是 UUID。", "event_id is not a UUID.", field="event_id") from None
    record = payload.get("record")
    repair = payload.get("repair")
    if not isinstance(record, dict) or not isinstance(repair, dict):
        raise _bad("缺少 record 或 repair。", "record or repair is missing.")
    for key in ("department_code", "item_code", "decision_number"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise _bad(f"缺少 record.{key}。", f"record.{key} is missing.", field=f"record.{key}")
    try:
        decided_on = date.fromisoformat(str(repair.get("decided_on")))
    except ValueError:
        raise _bad("repair.decided_on 不是日期。", "repair.decided_on is not a date.") from None
    subject: dict[str, Any] = payload["subject"] if isinstance(payload.get("subject"), dict) else {}
    origin: dict[str, Any] = payload["origin"] if isinstance(payload.get("origin"), dict) else {}
    return {
        "event_id": event_id,
        "department_code": record["department_code"].strip(),
        "item_code": record["item_code"].strip(),
        "decision_number": record["decision_number"].strip(),
        "uscc": (subject.get("uscc") or "").strip() or None,
        "decided_on": decided_on,
        "reference": str(repair.get("reference") or ""),
        "origin": str(origin.get("division") or origin.get("platform") or ""),
    }
