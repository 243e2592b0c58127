"""API of the dated policy data (``/api/v1/policy/``): the loaded editions and the dated
look-ups (regime for a decision date, publication window, jurisdiction setting). Public,
read-only: these are published rules. Thin layer over ``xinyong.policy.regimes`` and
``xinyong.policy.jurisdiction_settings``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.models import PolicyEdition
from xinyong.policy.regimes import publication_window, regime_for
from xinyong.workdays.errors import parse_date_param

router = Router()


class EditionOut(Schema):
    kind: str
    code: str
    edition: str
    jurisdiction: str
    effective_from: date
    effective_to: date | None
    legal_source: str
    origin: str
    status: str
    digest: str
    superseded_by: str | None


class SeverityRuleOut(Schema):
    severity: str
    published: str
    min_months: int
    max_months: int
    repairable: bool
    unconfirmed: bool
    note: str


class RegimeOut(Schema):
    code: str
    name_zh: str
    name_en: str
    legal_source: str
    decisions_from: date
    decisions_to: date | None
    edition: str
    severities: list[SeverityRuleOut]
    specific_serious: dict[str, Any] | None
    repair_conditions: list[dict[str, Any]]
    repair_materials: list[dict[str, Any]]
    repair_effects: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    never_repairable: list[dict[str, Any]]
    multiple_categories: dict[str, Any] | None
    note: str


class WindowQuery(Schema):
    decision_date: str = Field(..., description="YYYY-MM-DD")
    severity: str = Field(..., description="light, general or serious")
    specific_serious: bool = False


class WindowOut(Schema):
    decision_date: date
    severity: str
    specific_serious: bool
    regime: str
    regime_name: str
    legal_source: str
    published: str
    min_months: int
    max_months: int
    min_end: date
    max_end: date
    repairable: bool
    repair_from: date | None
    unconfirmed: bool
    note: str


class SettingOut(Schema):
    key: str
    value: Any
    unit: str
    on: date
    jurisdiction: str
    edition: str
    legal_source: str
    unconfirmed: bool
    note: str


@router.get("/editions", response=list[EditionOut], summary="Loaded policy editions")
def list_editions(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    """Every loaded edition (retired and superseded ones included, with their status)."""
    editions = PolicyEdition.objects.select_related("superseded_by").order_by(
        "kind", "code", "jurisdiction", "effective_from", "pk"
    )
    if kind:
        editions = editions.filter(kind=kind)
    return [
        {
            "kind": e.kind,
            "code": e.code,
            "edition": e.edition,
            "jurisdiction": e.jurisdiction,
            "effective_from": e.effective_from,
            "effective_to": e.effective_to,
            "legal_source": e.legal_source,
            "origin": e.origin,
            "status": e.status,
            "digest": e.digest,
            "superseded_by": e.superseded_by.label if e.superseded_by else None,
        }
        for e in editions
    ]


@router.get("/regime", response=RegimeOut, summary="Regime governing a decision date")
def get_regime(request: HttpRequest, decision_date: str) -> dict[str, Any]:
    """The publication and repair regime that governs a decision of ``decision_date``
    (``REGIME_NOT_FOUND`` before 2019-07-01)."""
    r = regime_for(parse_date_param(decision_date, name="decision_date"))
    return {
        "code": r.code,
        "name_zh": r.name_zh,
        "name_en": r.name_en,
        "legal_source": r.legal_source,
        "decisions_from": r.decisions_from,
        "decisions_to": r.decisions_to,
        "edition": r.edition.label,
        "severities": [
            {
                "severity": s.severity,
                "published": s.published,
                "min_months": s.min_months,
                "max_months": s.max_months,
                "repairable": s.repairable,
                "unconfirmed": s.unconfirmed,
                "note": s.note,
            }
            for s in r.severity_rules.all()
        ],
        "specific_serious": r.specific_serious,
        "repair_conditions": r.repair_conditions,
        "repair_materials": r.repair_materials,
        "repair_effects": r.repair_effects,
        "deadlines": r.deadlines,
        "never_repairable": r.never_repairable,
        "multiple_categories": r.multiple_categories,
        "note": r.note,
    }


@router.get("/publication-window", response=WindowOut, summary="Publication window")
def get_publication_window(request: HttpRequest, q: Query[WindowQuery]) -> dict[str, Any]:
    """Minimum and maximum end dates of the publication of a decision, and whether and from
    when it can be repaired."""
    day = parse_date_param(q.decision_date, name="decision_date")
    return publication_window(day, q.severity, specific_serious=q.specific_serious).as_dict()


@router.get("/settings/{key}", response=SettingOut, summary="Jurisdiction setting on a date")
def get_setting(request: HttpRequest, key: str, on: str | None = None) -> dict[str, Any]:
    """The value of a jurisdiction setting on ``on`` (default today), most local first."""
    day = parse_date_param(on, name="on") if on else None
    return policy_setting(key, on=day).as_dict()
