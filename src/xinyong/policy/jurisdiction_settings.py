"""The "settings" kind: numbers a jurisdiction sets, as dated data, and their look-up.

Why this exists: many deadlines come from national rules, but several are set — differently —
by the deploying jurisdiction (seed 000 answers a listing objection in 3 working days, seed 003
in 10). RULES: where a seed and a national rule differ, the national rule is the default and
the seed's number is the jurisdiction's setting. The national defaults ship in
``policy/settings/national.toml``; a provincial or local edition (a file or an admin
supplement) overrides them for its dates. :func:`policy_setting` answers "what is the value
of KEY on date D here": the most local edition in force on D wins (local > provincial >
national).

Settings are declared in :data:`SETTING_DEFINITIONS` (type, unit, meaning): a key that code
reads must be declared, and a file that sets an undeclared key (a typo) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.policy.choices import JURISDICTION_LEVEL
from xinyong.policy.errors import SettingAmbiguous, SettingNotFound, SettingUnknown, file_error
from xinyong.policy.models import JurisdictionSetting, PolicyEdition, in_force_q
from xinyong.policy.validation import HEADER_OPTIONAL, HEADER_REQUIRED, EditionHeader, Fields

if TYPE_CHECKING:
    from xinyong.core.models import User


@dataclass(frozen=True)
class SettingDefinition:
    """A setting code may read: its unit, bounds and meaning."""

    key: str
    unit: str  # "working_days" or "days" (calendar days)
    zh: str
    en: str
    minimum: int = 1
    maximum: int = 365


SETTING_DEFINITIONS: Final[dict[str, SettingDefinition]] = {
    d.key: d
    for d in (
        SettingDefinition(
            "double_publicity.report_working_days",
            "working_days",
            "行政许可、行政处罚决定作出后报送并公示的期限",
            "Deadline to report and publish a licence or penalty decision after it is taken",
        ),
        SettingDefinition(
            "catalog.other_item_report_working_days",
            "working_days",
            "其他目录信息产生后报送的默认期限（各目录项可另行设定）",
            "Default deadline to report other catalogued information once produced "
            "(per catalog item setting)",
        ),
        SettingDefinition(
            "penalty.withdrawal_days",
            "days",
            "已公示的行政处罚决定被变更、撤销或确认无效后撤下的期限（日）",
            "Deadline (calendar days) to withdraw a published penalty that was changed, "
            "revoked or found invalid",
        ),
        SettingDefinition(
            "repair.decision_working_days",
            "working_days",
            "认定单位作出信用修复决定的期限",
            "Deadline for the sector authority to decide a repair application",
        ),
        SettingDefinition(
            "repair.eligibility_notice_working_days",
            "working_days",
            "提前告知可申请信用修复的工作日数",
            "Working days in advance a subject is told it may apply for repair",
        ),
        SettingDefinition(
            "repair.higher_review_working_days",
            "working_days",
            "上级信用平台复核信用修复决定的期限（0 表示不设复核）",
            "Deadline of the higher credit platform's review of a repair decision (0: no "
            "such review)",
            minimum=0,
        ),
        SettingDefinition(
            "repair.initial_review_working_days",
            "working_days",
            "信用修复申请初审期限",
            "Deadline of the initial review of a repair application",
        ),
        SettingDefinition(
            "objection.answer_working_days",
            "working_days",
            "信用信息异议核查并答复的期限",
            "Deadline to verify and answer an objection to credit information",
        ),
        SettingDefinition(
            "listing.objection_answer_working_days",
            "working_days",
            "列入严重失信主体名单前异议核查并答复的期限",
            "Deadline to verify and answer an objection before listing as a seriously "
            "dishonest subject",
        ),
        SettingDefinition(
            "listing.objection_window_working_days",
            "working_days",
            "事前告知书送达后当事人提出异议（陈述、申辩）的期限",
            "Working days the party has to object after the prior notice of a listing",
        ),
        SettingDefinition(
            "listing.publication_working_days",
            "working_days",
            "作出列入名单决定后列入并共享至信用平台的期限",
            "Deadline to enter a listing decision on the list and share it with the platform",
        ),
        SettingDefinition(
            "joint.feedback_working_days",
            "working_days",
            "实施部门收到联合奖惩推送后反馈执行情况的期限",
            "Deadline for an implementing department to report back after a joint-action push",
        ),
        # Read by the consent registry (xinyong.security; docs/decisions/0044).
        SettingDefinition(
            "security.consent_max_days",
            "days",
            "个人信用信息查询使用授权的最长有效期（日），禁止一次授权终身使用",
            "Longest validity (calendar days) of a consent to use personal credit "
            "information; lifetime consent is not allowed",
            maximum=1826,
        ),
    )
}

_SETTING_REQUIRED = ("key", "value", "legal_source")
_SETTING_OPTIONAL = ("effective_from", "effective_to", "note", "unconfirmed")


def _overlaps(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    a_from, a_to = a
    b_from, b_to = b
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


class SettingsHandler:
    """Kind handler of ``kind = "settings"``."""

    kind = "settings"
    file_event = EventType.POLICY_EDITION_LOADED
    admin_event = EventType.POLICY_SUPPLEMENT_SAVED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys((*HEADER_REQUIRED, "settings"), HEADER_OPTIONAL)
        rows: list[dict[str, Any]] = []
        for s in top.tables("settings", non_empty=True):
            s.check_keys(_SETTING_REQUIRED, _SETTING_OPTIONAL)
            key = s.text("key")
            definition = SETTING_DEFINITIONS.get(key)
            if definition is None:
                raise file_error(
                    "SETTING_UNKNOWN",
                    source,
                    f"{s.key_path('key')} = {key!r} 不是已定义的设置项"
                    f"（可用：{', '.join(SETTING_DEFINITIONS)}）。",
                    f"{s.key_path('key')} = {key!r} is not a declared setting "
                    f"(declared: {', '.join(SETTING_DEFINITIONS)}).",
                    key=s.key_path("key"),
                )
            value = s.integer("value", minimum=definition.minimum, maximum=definition.maximum)
            start, end = s.range_in_edition(header)
            for other in rows:
                if other["key"] == key and _overlaps(
                    (date.fromisoformat(other["effective_from"]), _opt(other["effective_to"])),
                    (start, end),
                ):
                    raise file_error(
                        "SETTING_DUPLICATE",
                        source,
                        f"{s.key_path('key')}：设置项 {key} 在重叠的日期内被设定两次。",
                        f"{s.key_path('key')}: setting {key} is set twice for overlapping dates.",
                        key=s.key_path("key"),
                    )
            rows.append(
                {
                    "key": key,
                    "value": value,
                    "unit": definition.unit,
                    "effective_from": start.isoformat(),
                    "effective_to": end.isoformat() if end else None,
                    "legal_source": s.text("legal_source"),
                    "note": s.text("note", default="", allow_empty=True),
                    "unconfirmed": s.boolean("unconfirmed", default=False),
                }
            )
        return {"settings": rows}

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        new_rows = [
            JurisdictionSetting(
                edition=edition,
                key=row["key"],
                value=row["value"],
                unit=row["unit"],
                jurisdiction=edition.jurisdiction,
                effective_from=date.fromisoformat(row["effective_from"]),
                effective_to=_opt(row["effective_to"]),
                legal_source=row["legal_source"],
                note=row["note"],
                unconfirmed=row["unconfirmed"],
            )
            for row in content["settings"]
        ]
        existing = (
            JurisdictionSetting.objects.filter(
                jurisdiction=edition.jurisdiction,
                key__in=[r.key for r in new_rows],
                edition__retired_at__isnull=True,
            )
            .exclude(edition=edition)
            .select_related("edition", "edition__superseded_by")
        )
        for old in existing:
            in_force = old.edition.effective_range()
            if in_force is None:
                continue
            old_range = _intersect((old.effective_from, old.effective_to), in_force)
            for new in new_rows:
                if (
                    new.key == old.key
                    and old_range is not None
                    and _overlaps(old_range, (new.effective_from, new.effective_to))
                ):
                    raise SettingAmbiguous(
                        message_zh=(
                            f"设置项 {new.key} 在 {edition.get_jurisdiction_display()} 层级已由"
                            f" {old.edition.label} 在重叠的日期内设定；请在新版本中声明 "
                            f'supersedes = "{old.edition.edition}"（若同一代码），或调整有效期。'
                        ),
                        message_en=(
                            f"setting {new.key} is already set at the {edition.jurisdiction} "
                            f"level by {old.edition.label} for overlapping dates; declare "
                            f'supersedes = "{old.edition.edition}" (same code) or change '
                            "the dates."
                        ),
                        key=new.key,
                        other=old.edition.label,
                    )
        JurisdictionSetting.objects.bulk_create(new_rows)
        return {"settings": {r.key: r.value for r in new_rows}}

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        # Look-ups only read settings of editions in force: nothing else to undo.
        return {"settings": list(edition.settings.values_list("key", flat=True))}


HANDLER = SettingsHandler()


def _opt(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _intersect(
    a: tuple[date, date | None], b: tuple[date, date | None]
) -> tuple[date, date | None] | None:
    start = max(a[0], b[0])
    ends = [e for e in (a[1], b[1]) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return (start, end)


# --------------------------------------------------------------------------------------------
# Look-up
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedSetting:
    """A setting's value on a date, with where it comes from."""

    key: str
    value: Any
    unit: str
    on: date
    jurisdiction: str
    edition: str  # "settings/<code>@<edition>"
    legal_source: str
    unconfirmed: bool
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "unit": self.unit,
            "on": self.on.isoformat(),
            "jurisdiction": self.jurisdiction,
            "edition": self.edition,
            "legal_source": self.legal_source,
            "unconfirmed": self.unconfirmed,
            "note": self.note,
        }


def policy_setting(key: str, *, on: date | None = None) -> ResolvedSetting:
    """The value of setting ``key`` on ``on`` (default: today in Asia/Shanghai).

    Among the editions in force on that date whose setting covers it, the most local
    jurisdiction wins (local > provincial > national), then the latest ``effective_from``.
    Raises ``SETTING_UNKNOWN`` for an undeclared key and ``SETTING_NOT_FOUND`` when no edition
    sets it on that date (e.g. the policy files are not loaded).
    """
    if key not in SETTING_DEFINITIONS:
        raise SettingUnknown(
            message_zh=f"{key!r} 不是已定义的设置项（可用：{', '.join(SETTING_DEFINITIONS)}）。",
            message_en=f"{key!r} is not a declared setting ({', '.join(SETTING_DEFINITIONS)}).",
            key=key,
        )
    day = on or timezone.localdate()
    rows = list(
        JurisdictionSetting.objects.filter(key=key, effective_from__lte=day)
        .exclude(effective_to__lt=day)
        .filter(in_force_q(day, "edition__"))
        .select_related("edition")
    )
    if not rows:
        raise SettingNotFound(
            message_zh=(
                f"{day.isoformat()} 没有有效的设置项 {key}（是否尚未运行 xinyong policy load？）。"
            ),
            message_en=(
                f"no edition in force sets {key} on {day.isoformat()} "
                "(were the policy files loaded with `xinyong policy load`?)."
            ),
            key=key,
            on=day.isoformat(),
        )
    rows.sort(
        key=lambda r: (JURISDICTION_LEVEL[r.jurisdiction], r.effective_from, r.pk), reverse=True
    )
    best = rows[0]
    return ResolvedSetting(
        key=key,
        value=best.value,
        unit=best.unit,
        on=day,
        jurisdiction=best.jurisdiction,
        edition=best.edition.label,
        legal_source=best.legal_source,
        unconfirmed=best.unconfirmed,
        note=best.note,
    )


def settings_in_force(*, on: date | None = None) -> dict[str, ResolvedSetting | None]:
    """Every declared setting's value on ``on`` (None where none is in force)."""
    result: dict[str, ResolvedSetting | None] = {}
    for key in SETTING_DEFINITIONS:
        try:
            result[key] = policy_setting(key, on=on)
        except SettingNotFound:
            result[key] = None
    return result
