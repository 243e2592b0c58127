"""The "list_types" kind of policy data: serious dishonesty lists and red lists (RULES §4).

Why this exists: which lists may be kept, on what legal basis, for how long, how a subject
gets off them and what remedies it has, is law that differs per list and changes by date. It is
kept as reviewed files (``policy/lists/*.toml``), validated here completely before anything
touches the database, and loaded into :class:`~xinyong.lists.models.ListType` rows.

The rule that matters most is checked at load: 国办发〔2020〕49号 confines serious dishonesty
lists to four domains (health and life safety; fair competition and social order; refusing
legal obligations so as to damage judicial or administrative credibility; national defence),
and seeds 000/001/003 forbid departments to add or widen list domains. A serious list type
without a domain, or with a domain outside the four, is refused with
``LIST_TYPE_DOMAIN_INVALID`` — it cannot be created at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from xinyong.audit.events import EventType
from xinyong.core.choices import DepartmentKind, SubjectKind
from xinyong.lists.choices import Domain, ListSide
from xinyong.lists.errors import list_file_error
from xinyong.lists.models import ListType
from xinyong.policy.models import PolicyEdition
from xinyong.policy.validation import (
    HEADER_OPTIONAL,
    HEADER_REQUIRED,
    EditionHeader,
    Fields,
    item_list,
)

if TYPE_CHECKING:
    from xinyong.core.models import User

_MAX_MONTHS = 240
_TYPE_REQUIRED = (
    "code",
    "side",
    "name_zh",
    "name_en",
    "legal_basis",
    "initiating_department_kinds",
    "subject_kinds",
    "term_months",
    "prior_notice_required",
    "removal_procedure",
    "remedies",
)
_TYPE_OPTIONAL = (
    "domains",
    "term_months_min",
    "term_months_max",
    "extension",
    "early_removal",
    "objection_window_working_days",
    "objection_answer_working_days",
    "effective_from",
    "effective_to",
    "unconfirmed",
    "note",
)
_DESCRIBED = ("legal_source", "note", "unconfirmed")
#: Where an early-removal waiting period is counted from.
COUNTED_FROM = ("listing", "correction")


def string_list(
    f: Fields, key: str, allowed: Iterable[str], *, non_empty: bool = True
) -> list[str]:
    """An array of strings, each one of ``allowed``, without duplicates."""
    allowed = tuple(allowed)
    value = f.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise f.bad(key, "应为字符串数组。", "must be an array of strings.")
    if non_empty and not value:
        raise f.bad(key, "不能为空。", "must not be empty.")
    for v in value:
        if v not in allowed:
            raise f.bad(
                key,
                f"中的 {v!r} 不在可选值 {', '.join(allowed)} 之中。",
                f"contains {v!r}, which is not one of {', '.join(allowed)}.",
            )
    if len(set(value)) != len(value):
        raise f.bad(key, "中有重复的值。", "contains a duplicate.")
    return list(value)


def described(
    f: Fields, *, required: Iterable[str] = (), optional: Iterable[str] = ()
) -> dict[str, Any]:
    """A table ``{zh, en, legal_source?, note?, unconfirmed?}`` plus the given extra keys
    (which the caller reads itself)."""
    f.check_keys(("zh", "en", *required), (*_DESCRIBED, *optional))
    return {
        "zh": f.text("zh"),
        "en": f.text("en"),
        "legal_source": f.text("legal_source", default="", allow_empty=True),
        "note": f.text("note", default="", allow_empty=True),
        "unconfirmed": f.boolean("unconfirmed", default=False),
    }


class ListTypesHandler:
    """Kind handler of ``kind = "list_types"`` (see ``xinyong.policy.handlers.KindHandler``)."""

    kind = "list_types"
    file_event = EventType.LIST_TYPES_EDITION_LOADED
    admin_event = EventType.POLICY_SUPPLEMENT_SAVED

    def parse(
        self, data: Mapping[str, Any], *, source: str, header: EditionHeader
    ) -> dict[str, Any]:
        top = Fields(data, source=source)
        top.check_keys((*HEADER_REQUIRED, "list_types"), (*HEADER_OPTIONAL, "leniency_grounds"))
        leniency = item_list(top, "leniency_grounds")
        types: list[dict[str, Any]] = []
        for t in top.tables("list_types", non_empty=True):
            item = self._list_type(t, header)
            if any(other["code"] == item["code"] for other in types):
                raise list_file_error(
                    "LIST_TYPE_DUPLICATE",
                    source,
                    t.key_path("code"),
                    f"重复：{item['code']}。",
                    f"is a duplicate: {item['code']}.",
                )
            types.append(item)
        return {"leniency_grounds": leniency, "list_types": types}

    def _list_type(self, t: Fields, header: EditionHeader) -> dict[str, Any]:
        t.check_keys(_TYPE_REQUIRED, _TYPE_OPTIONAL)
        code = t.code("code")
        side = t.choice("side", ListSide.values)
        domains = self._domains(t, side)
        start, end = t.range_in_edition(header)
        term = t.integer("term_months", minimum=1, maximum=_MAX_MONTHS)
        term_min = (
            t.integer("term_months_min", minimum=1, maximum=_MAX_MONTHS)
            if "term_months_min" in t
            else term
        )
        term_max = (
            t.integer("term_months_max", minimum=1, maximum=_MAX_MONTHS)
            if "term_months_max" in t
            else term
        )
        if not term_min <= term <= term_max:
            raise list_file_error(
                "LIST_TYPE_TERM_INVALID",
                t.source,
                t.key_path("term_months"),
                f"应满足 term_months_min（{term_min}）≤ term_months（{term}）≤ "
                f"term_months_max（{term_max}）。",
                f"must satisfy term_months_min ({term_min}) ≤ term_months ({term}) ≤ "
                f"term_months_max ({term_max}).",
            )
        return {
            "code": code,
            "side": side,
            "name_zh": t.text("name_zh"),
            "name_en": t.text("name_en"),
            "legal_basis": t.text("legal_basis"),
            "domains": domains,
            "initiating_department_kinds": string_list(
                t, "initiating_department_kinds", DepartmentKind.values
            ),
            "subject_kinds": string_list(t, "subject_kinds", SubjectKind.values),
            "term_months": term,
            "term_months_min": term_min,
            "term_months_max": term_max,
            "extension": self._extension(t) if "extension" in t else None,
            "early_removal": self._early_removal(t),
            "removal_procedure": described(t.table_at("removal_procedure")),
            "remedies": item_list(t, "remedies"),
            "prior_notice_required": t.boolean("prior_notice_required"),
            "objection_window_working_days": (
                t.integer("objection_window_working_days", minimum=1, maximum=60)
                if "objection_window_working_days" in t
                else None
            ),
            "objection_answer_working_days": (
                t.integer("objection_answer_working_days", minimum=1, maximum=60)
                if "objection_answer_working_days" in t
                else None
            ),
            "effective_from": start.isoformat(),
            "effective_to": end.isoformat() if end else None,
            "unconfirmed": t.boolean("unconfirmed", default=False),
            "note": t.text("note", default="", allow_empty=True),
        }

    @staticmethod
    def _domains(t: Fields, side: str) -> list[str]:
        """国办发〔2020〕49号: a serious list type lies in one or more of the four domains."""
        raw = t.table.get("domains", [])
        label = t.key_path("domains")
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise t.bad("domains", "应为字符串数组。", "must be an array of strings.")
        if side == ListSide.RED:
            if raw:
                raise t.bad(
                    "domains",
                    '仅适用于严重失信主体名单（side = "serious"）。',
                    'applies to serious dishonesty lists only (side = "serious").',
                )
            return []
        allowed = ", ".join(Domain.values)
        if not raw:
            raise list_file_error(
                "LIST_TYPE_DOMAIN_INVALID",
                t.source,
                label,
                "缺失：严重失信主体名单只能设列在国办发〔2020〕49号规定的四个领域"
                f"（{allowed}），不得擅自增加或扩展。",
                "is missing: a serious dishonesty list may only be set in the four domains of "
                f"国办发〔2020〕49号 ({allowed}); no department may add or widen them.",
            )
        for value in raw:
            if value not in Domain.values:
                raise list_file_error(
                    "LIST_TYPE_DOMAIN_INVALID",
                    t.source,
                    label,
                    f"中的 {value!r} 不是国办发〔2020〕49号规定的四个领域之一（{allowed}）；"
                    "严重失信主体名单不得设列在这些领域之外。",
                    f"contains {value!r}, which is not one of the four domains of "
                    f"国办发〔2020〕49号 ({allowed}); no serious list may be set outside them.",
                )
        if len(set(raw)) != len(raw):
            raise t.bad("domains", "中有重复的值。", "contains a duplicate.")
        return list(raw)

    @staticmethod
    def _extension(t: Fields) -> dict[str, Any]:
        e = t.table_at("extension")
        item = described(e, required=("min_months", "max_months"), optional=("step_months",))
        low = e.integer("min_months", minimum=1, maximum=_MAX_MONTHS)
        high = e.integer("max_months", minimum=1, maximum=_MAX_MONTHS)
        step = e.integer("step_months", minimum=1, maximum=_MAX_MONTHS) if "step_months" in e else 1
        if high < low or (high - low) % step or low % step:
            raise list_file_error(
                "LIST_TYPE_TERM_INVALID",
                t.source,
                e.key_path("max_months"),
                f"延长期限 {low}–{high} 个月与步长 {step} 个月不匹配。",
                f"extension {low}–{high} months does not fit the step of {step} months.",
            )
        return {**item, "min_months": low, "max_months": high, "step_months": step}

    @staticmethod
    def _early_removal(t: Fields) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for e in t.tables("early_removal"):
            item = described(
                e,
                required=("code",),
                optional=(
                    "after_months",
                    "counted_from",
                    "requires_commitment",
                    "removal_working_days",
                ),
            )
            code = e.code("code")
            if any(other["code"] == code for other in result):
                raise e.bad("code", f"重复：{code}。", f"is a duplicate: {code}.")
            after = (
                e.integer("after_months", minimum=1, maximum=_MAX_MONTHS)
                if "after_months" in e
                else None
            )
            counted = e.choice("counted_from", COUNTED_FROM) if "counted_from" in e else None
            if (after is None) != (counted is None):
                raise e.bad(
                    "counted_from",
                    "应与 after_months 同时给出（等待期从何日起算）。",
                    "goes together with after_months (where the waiting period starts).",
                )
            result.append(
                {
                    "code": code,
                    **item,
                    "after_months": after,
                    "counted_from": counted,
                    "requires_commitment": e.boolean("requires_commitment", default=False),
                    "removal_working_days": (
                        e.integer("removal_working_days", minimum=1, maximum=60)
                        if "removal_working_days" in e
                        else None
                    ),
                }
            )
        return result

    def apply(
        self, edition: PolicyEdition, content: dict[str, Any], *, acting_user: User | None
    ) -> dict[str, Any]:
        rows = [
            ListType(
                edition=edition,
                jurisdiction=edition.jurisdiction,
                code=t["code"],
                side=t["side"],
                name_zh=t["name_zh"],
                name_en=t["name_en"],
                legal_basis=t["legal_basis"],
                domains=t["domains"],
                initiating_department_kinds=t["initiating_department_kinds"],
                subject_kinds=t["subject_kinds"],
                term_months=t["term_months"],
                term_months_min=t["term_months_min"],
                term_months_max=t["term_months_max"],
                extension=t["extension"],
                early_removal=t["early_removal"],
                removal_procedure=t["removal_procedure"],
                remedies=t["remedies"],
                leniency_grounds=content["leniency_grounds"],
                prior_notice_required=t["prior_notice_required"],
                objection_window_working_days=t["objection_window_working_days"],
                objection_answer_working_days=t["objection_answer_working_days"],
                effective_from=date.fromisoformat(t["effective_from"]),
                effective_to=(date.fromisoformat(t["effective_to"]) if t["effective_to"] else None),
                unconfirmed=t["unconfirmed"],
                note=t["note"],
            )
            for t in content["list_types"]
        ]
        ListType.objects.bulk_create(rows)
        return {"list_types": [r.code for r in rows]}

    def retire(self, edition: PolicyEdition, *, acting_user: User | None) -> dict[str, Any]:
        # Look-ups only read list types of editions in force; cases keep their rows (PROTECT).
        return {"list_types": list(edition.list_types.values_list("code", flat=True))}


HANDLER = ListTypesHandler()
