"""The "regimes" kind: publication periods and credit repair by decision date (RULES §3).

Why this exists: the period a penalty stays published, when it may be repaired, what repair
needs and does, and the deadlines of the repair procedure are fixed by the regime in force on
the *decision date*. Three regimes apply so far — 发改办财金〔2019〕527号 (decisions
2019-07-01 – 2023-04-30), 国家发展改革委令第58号 (2023-05-01 – 2026-03-31), 国办发〔2025〕22号
with 国家发展改革委令第36号《信用修复管理办法》 (from 2026-04-01). They are data, in
``policy/regimes/publication-repair.toml``; this module validates and loads that file
(:data:`HANDLER`) and answers the two questions other apps ask: :func:`regime_for` and
:func:`publication_window`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch

from xinyong.audit.events import EventType
from xinyong.policy.choices import JURISDICTION_LEVEL, Publication, Severity
from xinyong.policy.dates import add_months
from xinyong.policy.errors import (
    RegimeNotFound,
    RegimeRuleNotDefined,
    SeverityUnknown,
    file_error,
)
from xinyong.policy.models import (
    PolicyEdition,
    PublicationRegime,
    RegimeSeverityRule,
    in_force_q,
)
from xinyong.policy.validation import (
    HEADER_OPTIONAL,
    HEADER_REQUIRED,
    EditionHeader,
    Fields,
    item_list,
)

if TYPE_CHECKING:
    from xinyong.core.models import User

_REGIME_REQUIRED = ("code", "name_zh", "name_en", "legal_source", "decisions_from", "severities")
_REGIME_OPTIONAL = (
    "decisions_to",
    "note",
    "specific_serious",
    "repair_conditions",
    "repair_materials",
    "repair_effects",
    "deadlines",
)
_RULE_REQUIRED = ("published", "min_months", "max_months", "repairable")
_RULE_OPTIONAL = ("legal_source", "note", "unconfirmed")
_MAX_MONTHS = 120


class RegimesHandler:
    """Kind handler of ``kind = "regimes"`` (see :class:`xinyong.policy.handlers.KindHandler`)."""

    kind = "regimes"
    file_event = EventType.POLICY_EDITION_LOADED
    admin_event = EventType.POLICY_SUPPLEMENT_SAVED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys(
            (*HEADER_REQUIRED, "regimes"),
            (*HEADER_OPTIONAL, "never_repairable", "multiple_categories"),
        )
        never_repairable = item_list(top, "never_repairable")
        multiple = None
        if "multiple_categories" in top:
            mc = top.table_at("multiple_categories")
            mc.check_keys(("rule", "zh", "en"), ("legal_source", "note", "unconfirmed"))
            multiple = {
                "rule": mc.choice("rule", ("longest",)),
                "zh": mc.text("zh"),
                "en": mc.text("en"),
                "legal_source": mc.text("legal_source", default="", allow_empty=True),
                "note": mc.text("note", default="", allow_empty=True),
                "unconfirmed": mc.boolean("unconfirmed", default=False),
            }
        regimes = [self._regime(r, header) for r in top.tables("regimes", non_empty=True)]
        self._check_no_overlap(regimes, top)
        return {
            "never_repairable": never_repairable,
            "multiple_categories": multiple,
            "regimes": regimes,
        }

    def _regime(self, r: Fields, header: EditionHeader) -> dict[str, Any]:
        r.check_keys(_REGIME_REQUIRED, _REGIME_OPTIONAL)
        start, end = r.range_in_edition(header, "decisions_from", "decisions_to", inherit=False)
        severities = r.table_at("severities")
        severities.check_keys((), Severity.values)
        if not severities.table:
            raise r.bad(
                "severities", "至少应定义一个严重程度。", "must define at least one severity."
            )
        rules = {s: self._rule(severities.table_at(s)) for s in Severity.values if s in severities}
        specific = None
        if "specific_serious" in r:
            ss = r.table_at("specific_serious")
            ss.check_keys(
                ("months", "repairable", "cases"), ("legal_source", "note", "unconfirmed")
            )
            specific = {
                "months": ss.integer("months", minimum=1, maximum=_MAX_MONTHS),
                "repairable": ss.boolean("repairable"),
                "legal_source": ss.text("legal_source", default="", allow_empty=True),
                "note": ss.text("note", default="", allow_empty=True),
                "unconfirmed": ss.boolean("unconfirmed", default=False),
                "cases": item_list(ss, "cases", extra=("group",)),
            }
        deadlines = []
        seen: set[str] = set()
        for d in r.tables("deadlines"):
            d.check_keys(
                ("code", "working_days", "zh", "en"), ("legal_source", "note", "unconfirmed")
            )
            code = d.code("code")
            if code in seen:
                raise d.bad("code", f"重复：{code}。", f"is a duplicate: {code}.")
            seen.add(code)
            deadlines.append(
                {
                    "code": code,
                    "working_days": d.integer("working_days", minimum=1, maximum=365),
                    "zh": d.text("zh"),
                    "en": d.text("en"),
                    "legal_source": d.text("legal_source", default="", allow_empty=True),
                    "note": d.text("note", default="", allow_empty=True),
                    "unconfirmed": d.boolean("unconfirmed", default=False),
                }
            )
        return {
            "code": r.code("code"),
            "name_zh": r.text("name_zh"),
            "name_en": r.text("name_en"),
            "legal_source": r.text("legal_source"),
            "decisions_from": start.isoformat(),
            "decisions_to": end.isoformat() if end else None,
            "note": r.text("note", default="", allow_empty=True),
            "severities": rules,
            "specific_serious": specific,
            "repair_conditions": item_list(r, "repair_conditions"),
            "repair_materials": item_list(r, "repair_materials"),
            "repair_effects": item_list(r, "repair_effects"),
            "deadlines": deadlines,
        }

    @staticmethod
    def _rule(f: Fields) -> dict[str, Any]:
        f.check_keys(_RULE_REQUIRED, _RULE_OPTIONAL)
        published = f.choice("published", Publication.values)
        min_months = f.integer("min_months", maximum=_MAX_MONTHS)
        max_months = f.integer("max_months", maximum=_MAX_MONTHS)
        if max_months < min_months:
            raise f.error(
                "POLICY_DATE_ORDER",
                "max_months",
                f"（{max_months}）小于 min_months（{min_months}）。",
                f"({max_months}) is less than min_months ({min_months}).",
            )
        if published == Publication.NEVER and max_months != 0:
            raise f.bad(
                "max_months",
                '在 published = "never" 时应为 0。',
                'must be 0 when published = "never".',
            )
        return {
            "published": published,
            "min_months": min_months,
            "max_months": max_months,
            "repairable": f.boolean("repairable"),
            "legal_source": f.text("legal_source", default="", allow_empty=True),
            "note": f.text("note", default="", allow_empty=True),
            "unconfirmed": f.boolean("unconfirmed", default=False),
        }

    @staticmethod
    def _check_no_overlap(regimes: list[dict[str, Any]], top: Fields) -> None:
        codes = [r["code"] for r in regimes]
        if len(codes) != len(set(codes)):
            raise top.bad("regimes", "中的 code 有重复。", "contains a duplicate code.")
        ordered = sorted(enumerate(regimes), key=lambda ir: ir[1]["decisions_from"])
        for (i, before), (j, after) in itertools.pairwise(ordered):
            if before["decisions_to"] is None or before["decisions_to"] >= after["decisions_from"]:
                first, second = sorted((i, j))
                a, b = regimes[first]["code"], regimes[second]["code"]
                raise file_error(
                    "REGIMES_OVERLAP",
                    top.source,
                    f"regimes[{first}]（{a}）与 regimes[{second}]（{b}）适用的决定日期重叠。",
                    f"regimes[{first}] ({a}) and regimes[{second}] ({b}) claim the same "
                    "decision dates.",
                    key="regimes",
                )

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        for r in content["regimes"]:
            regime = PublicationRegime.objects.create(
                edition=edition,
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                legal_source=r["legal_source"],
                decisions_from=date.fromisoformat(r["decisions_from"]),
                decisions_to=date.fromisoformat(r["decisions_to"]) if r["decisions_to"] else None,
                specific_serious=r["specific_serious"],
                repair_conditions=r["repair_conditions"],
                repair_materials=r["repair_materials"],
                repair_effects=r["repair_effects"],
                deadlines=r["deadlines"],
                never_repairable=content["never_repairable"],
                multiple_categories=content["multiple_categories"],
                note=r["note"],
            )
            RegimeSeverityRule.objects.bulk_create(
                RegimeSeverityRule(regime=regime, severity=severity, **rule)
                for severity, rule in r["severities"].items()
            )
        return {"regimes": [r["code"] for r in content["regimes"]]}

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        # Look-ups only read regimes of editions in force, so nothing else to undo.
        return {"regimes": list(edition.regimes.values_list("code", flat=True))}


HANDLER = RegimesHandler()


# --------------------------------------------------------------------------------------------
# Look-ups
# --------------------------------------------------------------------------------------------


def regime_for(decision_date: date) -> PublicationRegime:
    """The regime that governs a decision taken on ``decision_date``.

    Only editions in force on that date count; if several jurisdictions define a regime for
    it, the most local one wins (local > provincial > national), then the latest edition.
    Raises :class:`RegimeNotFound` (``REGIME_NOT_FOUND``) when none does — e.g. a decision
    before 2019-07-01, or no regimes loaded at all.
    """
    candidates = list(
        PublicationRegime.objects.filter(in_force_q(decision_date, "edition__"))
        .filter(decisions_from__lte=decision_date)
        .exclude(decisions_to__lt=decision_date)
        .select_related("edition")
        .prefetch_related(
            Prefetch("severity_rules", queryset=RegimeSeverityRule.objects.order_by("pk"))
        )
    )
    if not candidates:
        raise RegimeNotFound(
            message_zh=(
                f"没有适用于 {decision_date.isoformat()} 作出的决定的公示和信用修复制度"
                "（已载入的制度最早适用于 2019-07-01 起的决定；若尚未载入，请运行 "
                "xinyong policy load）。"
            ),
            message_en=(
                f"No publication and repair regime governs decisions of "
                f"{decision_date.isoformat()} (the loaded regimes start with decisions of "
                "2019-07-01; if none is loaded, run `xinyong policy load`)."
            ),
            decision_date=decision_date.isoformat(),
        )
    candidates.sort(
        key=lambda r: (
            JURISDICTION_LEVEL[r.edition.jurisdiction],
            r.edition.effective_from,
            r.edition.pk,
        ),
        reverse=True,
    )
    return candidates[0]


@dataclass(frozen=True)
class PublicationWindow:
    """How long information from one decision is published and when it can be repaired.

    ``min_end`` and ``max_end`` are the last days of the minimum and maximum periods, counted
    from the decision date by 《民法典》第二百零一条、第二百零二条 (see
    ``xinyong.policy.dates``): repair may be applied for from ``repair_from`` (the day after
    ``min_end``) when ``repairable``; publication stops automatically after ``max_end``.
    ``published`` is ``required``, ``optional`` (light acts under 22号: not published, or at
    most the maximum) or ``never``.
    """

    decision_date: date
    severity: str
    specific_serious: bool
    regime_code: str
    regime_name: str
    legal_source: str
    published: str
    min_months: int
    max_months: int
    min_end: date
    max_end: date
    repairable: bool
    unconfirmed: bool
    note: str

    @property
    def repair_from(self) -> date | None:
        return self.min_end + timedelta(days=1) if self.repairable else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_date": self.decision_date.isoformat(),
            "severity": self.severity,
            "specific_serious": self.specific_serious,
            "regime": self.regime_code,
            "regime_name": self.regime_name,
            "legal_source": self.legal_source,
            "published": self.published,
            "min_months": self.min_months,
            "max_months": self.max_months,
            "min_end": self.min_end.isoformat(),
            "max_end": self.max_end.isoformat(),
            "repairable": self.repairable,
            "repair_from": self.repair_from.isoformat() if self.repair_from else None,
            "unconfirmed": self.unconfirmed,
            "note": self.note,
        }


def publication_window(
    decision_date: date, severity: str, *, specific_serious: bool = False
) -> PublicationWindow:
    """The publication window of a decision of ``decision_date`` and ``severity``.

    ``specific_serious=True``: the decision is on the specific-serious list (527号: published
    for 3 years, no repair); ``severity`` must then be ``serious``. Raises
    ``REGIME_NOT_FOUND`` before the first regime and ``REGIME_RULE_NOT_DEFINED`` when the
    regime has no rule for the severity (``light`` before 2026-04-01).
    """
    if severity not in Severity.values:
        raise SeverityUnknown(
            message_zh=f"未知的严重程度 {severity!r}（可选：{', '.join(Severity.values)}）。",
            message_en=f"unknown severity {severity!r} (one of {', '.join(Severity.values)}).",
        )
    regime = regime_for(decision_date)
    if specific_serious:
        if severity != Severity.SERIOUS:
            raise SeverityUnknown(
                message_zh="特定严重失信行为的严重程度应为 serious。",
                message_en="a specific-serious act has severity 'serious'.",
            )
        rule = regime.specific_serious
        if not rule:
            raise _not_defined(regime, "specific_serious")
        end = add_months(decision_date, int(rule["months"]))
        return PublicationWindow(
            decision_date=decision_date,
            severity=severity,
            specific_serious=True,
            regime_code=regime.code,
            regime_name=regime.name_zh,
            legal_source=str(rule.get("legal_source") or regime.legal_source),
            published=Publication.REQUIRED,
            min_months=int(rule["months"]),
            max_months=int(rule["months"]),
            min_end=end,
            max_end=end,
            repairable=bool(rule["repairable"]),
            unconfirmed=bool(rule.get("unconfirmed")),
            note=str(rule.get("note", "")),
        )
    found = next((r for r in regime.severity_rules.all() if r.severity == severity), None)
    if found is None:
        raise _not_defined(regime, severity)
    return PublicationWindow(
        decision_date=decision_date,
        severity=severity,
        specific_serious=False,
        regime_code=regime.code,
        regime_name=regime.name_zh,
        legal_source=found.legal_source or regime.legal_source,
        published=found.published,
        min_months=found.min_months,
        max_months=found.max_months,
        min_end=add_months(decision_date, found.min_months),
        max_end=add_months(decision_date, found.max_months),
        repairable=found.repairable,
        unconfirmed=found.unconfirmed,
        note=found.note,
    )


def _not_defined(regime: PublicationRegime, what: str) -> RegimeRuleNotDefined:
    return RegimeRuleNotDefined(
        message_zh=f"{regime.name_zh}（{regime.legal_source}）未规定 {what} 的公示规则。",
        message_en=f"{regime.name_en} ({regime.legal_source}) defines no rule for {what}.",
        regime=regime.code,
        severity=what,
    )
