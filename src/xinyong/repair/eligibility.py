"""When a record may be repaired, from the dated regime of its decision (RULES §3).

Why this exists: eligibility is law as data — the regime in force on the *decision date*
(``xinyong.policy.regimes.regime_for``) says, per severity, the minimum period after which
repair may be applied for, whether the severity is repairable at all, the specific-serious
rule (published 3 years, no repair) and the acts that are never repairable. The record
already carries its publication window computed from that regime at collection
(``publication_min_end`` / ``publication_max_end``, the longest period when a decision carries
several categories); this module adds the repair side and is the one place the portal, the
API, the application action and the reminder job ask.

Counting (docs/decisions/0050-repair-eligibility-dates.md): all regimes so far state their
periods in calendar months from the decision date (《民法典》第二百零一条、第二百零二条); the
minimum period has passed at the end of its last day, so repair may be applied for from the
next day. A light act under 22号 ("repair as soon as obligations are met") has no minimum:
eligible from the decision date. The reminder (seed 000 二(三): 提前3个工作日) falls N working
days before that day (``repair.eligibility_notice_working_days``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from xinyong.errors import CodedError
from xinyong.policy.choices import Severity
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.models import PublicationRegime
from xinyong.policy.regimes import regime_for
from xinyong.records.choices import PublicationRule, RecordStatus
from xinyong.records.models import Record
from xinyong.repair.choices import COURT_ORDER_MATERIAL
from xinyong.workdays.queries import add_working_days_result


@dataclass(frozen=True)
class Eligibility:
    """The repair position of one record on a day."""

    record_id: int
    #: ``""`` when the record can be repaired (now or from ``eligible_from``); otherwise the
    #: code of the rule that bars it (the application is refused with the same code).
    barred_code: str
    barred_zh: str
    barred_en: str
    regime_code: str = ""
    regime_name: str = ""
    legal_source: str = ""
    severity: str = ""
    specific_serious: bool = False
    eligible_from: date | None = None
    publication_ends: date | None = None
    materials: list[dict[str, Any]] = field(default_factory=list)
    effects: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def repairable(self) -> bool:
        return not self.barred_code

    def eligible_on(self, day: date) -> bool:
        return self.repairable and self.eligible_from is not None and self.eligible_from <= day

    def as_dict(self) -> dict[str, Any]:
        return {
            "record": self.record_id,
            "repairable": self.repairable,
            "barred_code": self.barred_code or None,
            "barred_reason_zh": self.barred_zh or None,
            "barred_reason_en": self.barred_en or None,
            "regime": self.regime_code or None,
            "regime_name": self.regime_name or None,
            "legal_source": self.legal_source or None,
            "severity": self.severity or None,
            "specific_serious": self.specific_serious,
            "eligible_from": self.eligible_from,
            "publication_ends": self.publication_ends,
            "materials": self.materials,
            "effects": self.effects,
        }


def _barred(record: Record, code: str, zh: str, en: str, **kwargs: Any) -> Eligibility:
    return Eligibility(record.pk, code, zh, en, **kwargs)


def severity_of(record: Record) -> str:
    """The record's severity; an empty one counts as general (catalog field XY_QZCD: 未填写的
    按一般确定公示期限)."""
    return record.severity or Severity.GENERAL


def required_materials(regime: PublicationRegime, *, restructuring: bool) -> list[dict[str, Any]]:
    """The regime's materials, plus the court's ruling for a restructuring company."""
    items = [dict(m) for m in regime.repair_materials]
    if restructuring:
        items.append(dict(COURT_ORDER_MATERIAL))
    return items


def eligibility(record: Record) -> Eligibility:
    """The repair position of ``record`` (see the module docstring).

    Barred codes: ``REPAIR_RECORD_NOT_PUBLISHED`` (withdrawn, expired, already repaired),
    ``REPAIR_NOT_DISHONESTY_INFORMATION`` (no regime governs the item: licences, fixed
    periods), ``REPAIR_NO_REGIME`` (decision before the first regime), ``REPAIR_NEVER_REPAIRABLE``
    (the department found a never-repairable act, or the severity is not repairable),
    ``REPAIR_SPECIFIC_SERIOUS`` (published for 3 years with no repair).
    """
    if record.status != RecordStatus.ACTIVE:
        return _barred(
            record,
            "REPAIR_RECORD_NOT_PUBLISHED",
            f"该记录已“{record.get_status_display()}”，无需也不能再申请信用修复。",
            f"The record is {record.status}; there is nothing left to repair.",
        )
    if record.publication_rule != PublicationRule.REGIME or record.decision_date is None:
        return _barred(
            record,
            "REPAIR_NOT_DISHONESTY_INFORMATION",
            "该信息不属于按信用修复制度公示的失信信息（如行政许可），不适用信用修复。",
            "This information is not dishonesty information published under a repair regime "
            "(e.g. a licence); credit repair does not apply.",
        )
    try:
        regime = regime_for(record.decision_date)
    except CodedError:
        return _barred(
            record,
            "REPAIR_NO_REGIME",
            f"没有适用于 {record.decision_date} 作出的决定的信用修复制度。",
            f"No repair regime governs decisions of {record.decision_date}.",
        )
    severity = severity_of(record)
    common: dict[str, Any] = {
        "regime_code": regime.code,
        "regime_name": regime.name_zh,
        "legal_source": regime.legal_source,
        "severity": severity,
        "specific_serious": record.specific_serious,
        "publication_ends": record.publication_max_end,
        "effects": [dict(e) for e in regime.repair_effects],
        "conditions": [dict(c) for c in regime.repair_conditions],
    }
    bar = getattr(record, "repair_bar", None) if _has_bar(record) else None
    if bar is not None:
        act = next((i for i in regime.never_repairable if i.get("code") == bar.code), None)
        name_zh = act["zh"] if act else bar.code
        name_en = act["en"] if act else bar.code
        return _barred(
            record,
            "REPAIR_NEVER_REPAIRABLE",
            f"认定部门认定该失信行为属于不可修复的情形（{name_zh}）：{bar.reason}",
            f"The deciding department found the act never repairable ({name_en}): {bar.reason}",
            **common,
        )
    if record.specific_serious:
        rule = regime.specific_serious or {}
        if not rule.get("repairable", False):
            months = rule.get("months", 36)
            return _barred(
                record,
                "REPAIR_SPECIFIC_SERIOUS",
                f"该行政处罚属于特定严重失信行为，公示期 {months} 个月，不可修复"
                f"（{rule.get('legal_source') or regime.legal_source}）。",
                f"A specific-serious penalty is published for {months} months and cannot be "
                f"repaired ({rule.get('legal_source') or regime.legal_source}).",
                **common,
            )
        min_months = int(rule.get("months", 0))
    else:
        found = next((r for r in regime.severity_rules.all() if r.severity == severity), None)
        if found is None:
            return _barred(
                record,
                "REPAIR_NO_REGIME",
                f"{regime.name_zh}未规定“{severity}”失信行为的修复规则。",
                f"{regime.name_en} has no rule for severity {severity}.",
                **common,
            )
        if not found.repairable:
            return _barred(
                record,
                "REPAIR_NEVER_REPAIRABLE",
                f"依照{regime.legal_source}，该类失信信息不可修复。",
                f"Under {regime.legal_source} this information cannot be repaired.",
                **common,
            )
        min_months = found.min_months
    if min_months == 0:
        # 22号: light acts — repair as soon as the obligations are met.
        eligible_from = record.decision_date
    else:
        assert record.publication_min_end is not None
        eligible_from = record.publication_min_end + timedelta(days=1)
    return Eligibility(
        record.pk,
        "",
        "",
        "",
        eligible_from=eligible_from,
        materials=[dict(m) for m in regime.repair_materials],
        **common,
    )


def _has_bar(record: Record) -> bool:
    from xinyong.repair.models import RepairBar

    cache = getattr(record, "_state", None)
    if cache is not None and "repair_bar" in cache.fields_cache:
        return cache.fields_cache["repair_bar"] is not None
    return RepairBar.objects.filter(record_id=record.pk).exists()


@dataclass(frozen=True)
class NoticeDay:
    day: date
    provisional: bool


def notice_day(eligible_from: date, *, on: date) -> NoticeDay:
    """The day the subject is told it may apply: N working days before ``eligible_from``
    (``repair.eligibility_notice_working_days`` in force on ``on``; seed 000: 3)."""
    days = int(policy_setting("repair.eligibility_notice_working_days", on=on).value)
    result = add_working_days_result(eligible_from, -days)
    assert isinstance(result.value, date)
    return NoticeDay(result.value, result.provisional)
