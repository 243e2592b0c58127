"""Validating one reported row against its catalog item: every field and every row rule,
with every problem named — the interface the collection (ingestion) code calls per row.

Why this exists: a batch from a department is accepted row by row, and a clerk must be able to
fix a rejected row from the report alone. So :func:`validate_row` never stops at the first
problem: it returns a :class:`ValidatedRow` with the normalised values, the subject, the
decision number and date, severity and categories, and *all* errors and warnings, each naming
its field, with a stable code and a message in Chinese and English that says what was found
and what is expected.

The rules (RULES §1–§3 and issue 3, item 4):

* required fields, and fields required by subject kind (``XK_FRDB``/``CF_FRDB`` for legal
  persons, ``*_XDR_ZJLX``/``*_XDR_ZJHM`` for natural persons) — declared in the catalog file;
* the subject category (code list) gives the subject kind, which the item must allow;
* identifiers through :mod:`xinyong.core.identifiers`: the USCC and legacy codes, a natural
  person's ID number by its ID type; identifier warnings (an embedded organisation code that
  does not match, GB 11714 ⚠) become row warnings; an organisation needs at least one
  organisation identifier;
* the placeholder ``00000000000000000X`` only for 个体工商户, and then the business
  registration number is required (RULES §1);
* code lists dated by the decision date (penalty categories before / from 2021-07-15,
  行政处罚法 2021 第九条);
* amounts in 万元 (RULES §1);
* the decision date is not in the future (nor before 1949); the validity end is not before
  the decision date; a publication end (``CF_GSJZQ``) beyond the maximum period of the regime
  governing the decision date is an **error** (RULES §3 — publication beyond the legal period
  is what objections fight; docs/decisions/0008-catalog-as-data.md);
* severity (``XY_QZCD``) defaults to 一般 (general) with a warning; a specific-serious penalty
  is serious;
* items that record a finding of dishonesty name the legally effective document it rests on,
  type and number (甘信用办发〔2021〕5号, seed 001).

Duplicates within a batch are the collection engine's rule, not this module's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from xinyong.catalog.choices import LEGACY_ROLES, FieldRole, PublicationRuleType
from xinyong.catalog.fields import FieldDef, FieldError, is_empty, to_json, zh_date
from xinyong.catalog.queries import CatalogItemDef
from xinyong.core import identifiers
from xinyong.core.choices import SubjectKind
from xinyong.errors import CodedError
from xinyong.policy.choices import Severity
from xinyong.policy.dates import add_months
from xinyong.policy.regimes import PublicationWindow

#: Row-rule codes that reject a row, with what they mean (field-level codes:
#: ``fields.FIELD_ISSUES``).
ROW_ERRORS: Final[dict[str, str]] = {
    "FIELD_REQUIRED": "a required field is empty (required always, for the subject kind, or "
    "because the paired ID type or number is given)",
    "SUBJECT_KIND_NOT_ALLOWED": "the item does not apply to subjects of this category",
    "SUBJECT_IDENTIFIER_REQUIRED": "an organisation without any organisation identifier",
    "SUBJECT_PLACEHOLDER_REG_NO_REQUIRED": "the placeholder 00000000000000000X without the "
    "business registration number",
    "USCC_PLACEHOLDER_NOT_ALLOWED": "the placeholder for a subject that is not an individual "
    "business",
    "DECISION_DATE_IN_FUTURE": "a decision date after the day of reporting",
    "DATE_BEFORE_DECISION": "a validity or publication end before the decision date",
    "VALID_FROM_AFTER_VALID_UNTIL": "validity starts after it ends",
    "PUBLICATION_END_BEYOND_MAXIMUM": "a publication end beyond the maximum period of the "
    "regime governing the decision date (or of the item's fixed period)",
    "SEVERITY_NOT_IN_REGIME": "a severity the regime of the decision date does not define "
    "(light before 2026-04-01)",
    "SPECIFIC_SERIOUS_NOT_SERIOUS": "a specific-serious act whose severity is not serious",
    "LEGAL_DOCUMENT_REQUIRED": "a finding of dishonesty without the type or number of the "
    "legally effective document",
}
#: Row-rule codes that only warn (identifier warnings keep their own codes).
ROW_WARNINGS: Final[dict[str, str]] = {
    "FIELD_NOT_IN_CATALOG": "a value for a field the item does not have (ignored)",
    "SEVERITY_DEFAULTED": "no severity given for a penalty: general is assumed",
    "PUBLICATION_END_BEFORE_MINIMUM": "a publication end before the minimum period ends",
    "PUBLICATION_PERIOD_NOT_CHECKED": "no regime governs the decision date (before "
    "2019-07-01): the publication end was not checked",
}
ROW_ERROR_CODES: Final = frozenset(ROW_ERRORS)
ROW_WARNING_CODES: Final = frozenset(ROW_WARNINGS)

SUBJECT_KIND_ZH: Final[dict[str, str]] = {
    SubjectKind.LEGAL_PERSON: "法人及非法人组织",
    SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
    SubjectKind.NATURAL_PERSON: "自然人",
    SubjectKind.PUBLIC_BODY: "机关及公共机构",
}
SUBJECT_KIND_EN: Final[dict[str, str]] = {
    SubjectKind.LEGAL_PERSON: "legal person or unincorporated organisation",
    SubjectKind.INDIVIDUAL_BUSINESS: "individual business",
    SubjectKind.NATURAL_PERSON: "natural person",
    SubjectKind.PUBLIC_BODY: "public body",
}
_SEVERITY_ZH: Final[dict[str, str]] = {
    Severity.LIGHT: "轻微",
    Severity.GENERAL: "一般",
    Severity.SERIOUS: "严重",
}
_ORGANISATIONS: Final = frozenset({SubjectKind.LEGAL_PERSON, SubjectKind.PUBLIC_BODY})


@dataclass(frozen=True)
class RowIssue:
    """One problem of a row: ``field`` is the field code (None for the row as a whole)."""

    field: str | None
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class SubjectRef:
    """The subject a row is about, as reported (not yet matched to a ``core.Subject``).

    ``kind`` is a ``core.choices.SubjectKind`` value. ``uscc`` is None for a natural person
    and for an individual business reported with the placeholder; ``legacy`` maps
    ``core.choices.LegacyScheme`` values to the normalised legacy identifiers given.
    """

    kind: str
    name: str
    uscc: str | None
    id_type: str | None
    id_number: str | None
    legacy: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ValidatedRow:
    """The outcome of :func:`validate_row`. ``values`` maps every field code of the item to
    its normalised JSON value (None when empty or refused)."""

    item: CatalogItemDef
    values: dict[str, object] = dataclasses.field(hash=False)
    subject: SubjectRef | None
    decision_number: str
    decision_date: date | None
    severity: str | None
    specific_serious: bool
    categories: tuple[str, ...]
    valid_until: date | None
    errors: tuple[RowIssue, ...]
    warnings: tuple[RowIssue, ...]

    @property
    def ok(self) -> bool:
        """No errors (warnings do not reject a row)."""
        return not self.errors


def validate_row(item: CatalogItemDef, raw: Mapping[str, object], *, today: date) -> ValidatedRow:
    """Validate one row of ``item`` given by field code (values: strings, None/"" for empty,
    or date and number objects from spreadsheets). ``today`` bounds the decision date and
    birth dates (Asia/Shanghai date of the upload)."""
    return _Row(item, raw, today).run()


class _Row:
    """The state of one row's validation (see :func:`validate_row`)."""

    def __init__(self, item: CatalogItemDef, raw: Mapping[str, object], today: date) -> None:
        self.item = item
        self.raw = raw
        self.today = today
        self.values: dict[str, object] = {}
        self.errors: list[RowIssue] = []
        self.warnings: list[RowIssue] = []
        self.refused: set[str] = set()  # fields whose value was refused

    # -- helpers -----------------------------------------------------------------------------

    def error(self, f: FieldDef | None, code: str, zh: str, en: str) -> None:
        self.errors.append(RowIssue(f.code if f else None, code, zh, en))

    def warn(self, f: FieldDef | str | None, code: str, zh: str, en: str) -> None:
        name = f.code if isinstance(f, FieldDef) else f
        self.warnings.append(RowIssue(name, code, zh, en))

    def role(self, role: str) -> FieldDef | None:
        return self.item.field_for_role(role)

    def value(self, f: FieldDef | None) -> Any:
        return self.values.get(f.code) if f is not None else None

    def given(self, f: FieldDef | None) -> bool:
        """A value was given (accepted or refused)."""
        return f is not None and (self.values.get(f.code) is not None or f.code in self.refused)

    def clean(self, f: FieldDef, on: date | None) -> None:
        try:
            value, warnings = f.clean(self.raw.get(f.code), on=on)
        except FieldError as exc:
            self.refused.add(f.code)
            self.values[f.code] = None
            self.errors.append(RowIssue(f.code, exc.code, exc.message_zh, exc.message_en))
            return
        self.values[f.code] = value
        for w in warnings:
            # The row decides about the placeholder (RULES §1), see _subject().
            if w.code != "USCC_PLACEHOLDER_REG_NO_REQUIRED":
                self.warn(f, w.code, w.message_zh, w.message_en)

    # -- the rules ---------------------------------------------------------------------------

    def run(self) -> ValidatedRow:
        item = self.item
        known = {f.code for f in item.fields}
        for name, value in self.raw.items():
            if name not in known and not is_empty(value):
                self.warn(
                    name,
                    "FIELD_NOT_IN_CATALOG",
                    f"字段 {name} 不属于目录项“{item.name_zh}”（{item.code}），其值已忽略。",
                    f"Field {name} is not part of the item {item.name_en} ({item.code}); its "
                    "value was ignored.",
                )
        decision_date = self._decision_date()
        for f in item.fields:
            if f.code != item.date_field:
                self.clean(f, decision_date)
        kind = self._subject_kind()
        self._required(kind)
        self._subject(kind)
        valid_until = self._dates(decision_date)
        severity, specific = self._severity_and_window(decision_date)
        self._legal_document()
        order = {f.code: i for i, f in enumerate(item.fields)}
        self.errors.sort(key=lambda i: order.get(i.field or "", len(order)))
        self.warnings.sort(key=lambda i: order.get(i.field or "", len(order)))
        categories_field = self.role(FieldRole.CATEGORIES)
        key = self.value(item.field(item.key_field)) if item.key_field in known else None
        return ValidatedRow(
            item=item,
            values={f.code: to_json(self.values.get(f.code)) for f in item.fields},
            subject=self._subject_ref(kind),
            decision_number=str(key) if key is not None else "",
            decision_date=decision_date,
            severity=severity,
            specific_serious=specific,
            categories=tuple(self.value(categories_field) or ()),
            valid_until=valid_until,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
        )

    def _decision_date(self) -> date | None:
        item = self.item
        if item.date_field not in {f.code for f in item.fields}:
            return None
        f = item.field(item.date_field)
        self.clean(f, None)
        d = self.value(f)
        if isinstance(d, date) and d > self.today:
            self.error(
                f,
                "DECISION_DATE_IN_FUTURE",
                f"{f.label_zh}的值 {d.isoformat()} 晚于今天（{self.today.isoformat()}），"
                "决定尚未作出的信息不能报送，请核对日期。",
                f"{f.label_en} {d.isoformat()} is after today ({self.today.isoformat()}); a "
                "decision not yet taken cannot be reported. Please check the date.",
            )
        return d if isinstance(d, date) else None

    def _subject_kind(self) -> str | None:
        f = self.role(FieldRole.SUBJECT_CATEGORY)
        if f is None:
            return self.item.subject_kinds[0] if len(self.item.subject_kinds) == 1 else None
        code = self.value(f)
        if code is None or f.code_list is None:
            return None
        entry = f.code_list.entry(str(code))
        kind = entry.subject_kind if entry is not None else None
        if kind is not None and kind not in self.item.subject_kinds:
            allowed_zh = "、".join(SUBJECT_KIND_ZH.get(k, k) for k in self.item.subject_kinds)
            allowed_en = ", ".join(SUBJECT_KIND_EN.get(k, k) for k in self.item.subject_kinds)
            self.error(
                f,
                "SUBJECT_KIND_NOT_ALLOWED",
                f"目录项“{self.item.name_zh}”（{self.item.code}）不适用于"
                f"{SUBJECT_KIND_ZH.get(kind, kind)}，只适用于：{allowed_zh}。",
                f"The item {self.item.name_en} ({self.item.code}) does not apply to a "
                f"{SUBJECT_KIND_EN.get(kind, kind)}; it applies to: {allowed_en}.",
            )
        return kind

    def _required(self, kind: str | None) -> None:
        document_roles = (
            {FieldRole.DOCUMENT_TYPE, FieldRole.DOCUMENT_NUMBER}
            if self.item.requires_legal_document
            else set()
        )
        for f in self.item.fields:
            if self.given(f) or not f.is_required_for(kind) or f.role in document_roles:
                continue
            if f.required:
                zh = f"{f.label_zh}为必填项，请填写。"
                en = f"{f.label_en} is required; please fill it in."
            else:
                assert kind is not None
                zh = (
                    f"行政相对人为{SUBJECT_KIND_ZH.get(kind, kind)}时，"
                    f"{f.label_zh}为必填项，请填写。"
                )
                en = (
                    f"{f.label_en} is required when the subject is a "
                    f"{SUBJECT_KIND_EN.get(kind, kind)}; please fill it in."
                )
            self.error(f, "FIELD_REQUIRED", zh, en)

    def _subject(self, kind: str | None) -> None:
        uscc_f = self.role(FieldRole.USCC)
        uscc = self.value(uscc_f)
        reg_no_f = self.role(FieldRole.BUSINESS_REG_NO)
        if uscc == identifiers.USCC_PLACEHOLDER and uscc_f is not None:
            if kind is not None and kind != SubjectKind.INDIVIDUAL_BUSINESS:
                # RULES §1: the placeholder is valid only for an individual business.
                self.error(
                    uscc_f,
                    "USCC_PLACEHOLDER_NOT_ALLOWED",
                    f"{uscc_f.label_zh}：占位代码 {identifiers.USCC_PLACEHOLDER} 仅限未取得统一"
                    f"社会信用代码的个体工商户使用，本行的行政相对人为"
                    f"{SUBJECT_KIND_ZH.get(kind, kind)}，请填写其统一社会信用代码。",
                    f"{uscc_f.label_en}: the placeholder {identifiers.USCC_PLACEHOLDER} is only "
                    "for an individual business without a unified social credit code; this "
                    f"subject is a {SUBJECT_KIND_EN.get(kind, kind)}: enter its code.",
                )
            elif kind == SubjectKind.INDIVIDUAL_BUSINESS and not self.given(reg_no_f):
                target = reg_no_f or uscc_f
                self.error(
                    target,
                    "SUBJECT_PLACEHOLDER_REG_NO_REQUIRED",
                    f"{uscc_f.label_zh}填写了占位代码 {identifiers.USCC_PLACEHOLDER}，"
                    f"此时须填写个体工商户的工商注册号"
                    f"{'（' + reg_no_f.code + '）' if reg_no_f else ''}。",
                    f"{uscc_f.label_en} is the placeholder {identifiers.USCC_PLACEHOLDER}: "
                    "the individual business's business registration number"
                    f"{' (' + reg_no_f.code + ')' if reg_no_f else ''} is then required.",
                )
        if kind in _ORGANISATIONS:
            id_fields = [uscc_f, *(self.role(r) for r in LEGACY_ROLES)]
            present = [f for f in id_fields if f is not None]
            if present and not any(self.given(f) for f in present):
                names_zh = "、".join(f.label_zh for f in present)
                names_en = ", ".join(f.label_en for f in present)
                self.error(
                    uscc_f or present[0],
                    "SUBJECT_IDENTIFIER_REQUIRED",
                    f"行政相对人为{SUBJECT_KIND_ZH[kind]}时须至少填写一种机构证照号码："
                    f"{names_zh}（应优先填写统一社会信用代码）。",
                    f"A {SUBJECT_KIND_EN[kind]} needs at least one organisation identifier: "
                    f"{names_en} (the unified social credit code first).",
                )
        self._id_pair(self.role(FieldRole.PERSON_ID_TYPE), self.role(FieldRole.PERSON_ID_NUMBER))
        self._id_pair(
            self.role(FieldRole.REPRESENTATIVE_ID_TYPE),
            self.role(FieldRole.REPRESENTATIVE_ID_NUMBER),
        )

    def _id_pair(self, type_f: FieldDef | None, number_f: FieldDef | None) -> None:
        """An ID number is checked by its type (GB 11643 for 01 身份证 …); one without the
        other is refused."""
        if type_f is None or number_f is None:
            return
        id_type, number = self.value(type_f), self.value(number_f)
        if number is not None and not self.given(type_f):
            self.error(
                type_f,
                "FIELD_REQUIRED",
                f"填写了{number_f.label_zh}时须同时填写{type_f.label_zh}（01 身份证、02 护照、"
                "03 港澳居民来往内地通行证、04 台湾居民来往大陆通行证、05 外国人永久居留身份证）。",
                f"{type_f.label_en} is required when {number_f.label_en} is given (01 resident "
                "ID, 02 passport, 03 Hong Kong/Macao permit, 04 Taiwan permit, 05 foreign "
                "permanent resident ID).",
            )
        if id_type is not None and not self.given(number_f):
            self.error(
                number_f,
                "FIELD_REQUIRED",
                f"填写了{type_f.label_zh}时须同时填写{number_f.label_zh}。",
                f"{number_f.label_en} is required when {type_f.label_en} is given.",
            )
        if id_type is None or number is None:
            return
        result = identifiers.validate(str(number), str(id_type), today=self.today)
        if result.errors:
            first = result.errors[0]
            self.refused.add(number_f.code)
            self.values[number_f.code] = None
            type_name = type_f.display(id_type)
            self.error(
                number_f,
                first.code,
                f"{number_f.label_zh}（证件类型 {id_type} {type_name}）："
                + "；".join(i.message_zh for i in result.errors)
                + "。",
                f"{number_f.label_en} (ID type {id_type} {type_f.display(id_type, lang='en')}): "
                + "; ".join(i.message_en for i in result.errors)
                + ".",
            )
        for w in result.warnings:
            self.warn(
                number_f,
                w.code,
                f"{number_f.label_zh}：{w.message_zh}",
                f"{number_f.label_en}: {w.message_en}",
            )

    def _dates(self, decision_date: date | None) -> date | None:
        until_f = self.role(FieldRole.VALID_UNTIL)
        from_f = self.role(FieldRole.VALID_FROM)
        end_f = self.role(FieldRole.PUBLICATION_END)
        valid_until = self.value(until_f)
        valid_from = self.value(from_f)
        if decision_date is not None:
            for f in (until_f, end_f):
                d = self.value(f)
                if f is not None and d is not None and d < decision_date:
                    self.error(
                        f,
                        "DATE_BEFORE_DECISION",
                        f"{f.label_zh}的值 {d.isoformat()} 早于决定日期 "
                        f"{decision_date.isoformat()}，请核对。",
                        f"{f.label_en} {d.isoformat()} is before the decision date "
                        f"{decision_date.isoformat()}; please check.",
                    )
                    self.refused.add(f.code)
                    self.values[f.code] = None
        if from_f and until_f and valid_from and valid_until and valid_from > valid_until:
            self.error(
                from_f,
                "VALID_FROM_AFTER_VALID_UNTIL",
                f"{from_f.label_zh} {valid_from.isoformat()} 晚于{until_f.label_zh} "
                f"{valid_until.isoformat()}，请核对。",
                f"{from_f.label_en} {valid_from.isoformat()} is after {until_f.label_en} "
                f"{valid_until.isoformat()}; please check.",
            )
        value = self.value(until_f)
        return value if isinstance(value, date) else None

    def _severity_and_window(self, decision_date: date | None) -> tuple[str | None, bool]:
        sev_f = self.role(FieldRole.SEVERITY)
        specific_f = self.role(FieldRole.SPECIFIC_SERIOUS)
        severity = self.value(sev_f)
        specific = bool(self.value(specific_f))
        rule = self.item.publication_rule
        if rule.get("type") == PublicationRuleType.REGIME and severity is None:
            if sev_f is not None and sev_f.code in self.refused:
                return None, specific
            if specific:
                severity = Severity.SERIOUS
            else:
                severity = Severity.GENERAL
                self.warn(
                    sev_f,
                    "SEVERITY_DEFAULTED",
                    f"未填写{sev_f.label_zh if sev_f else '违法行为轻重程度'}，按“一般”"
                    "失信行为确定公示期限；如为轻微或严重，请填写。",
                    f"{sev_f.label_en if sev_f else 'Severity'} is empty: the publication "
                    "period is that of a general act; fill it in if the act is light or "
                    "serious.",
                )
        if specific and severity is not None and severity != Severity.SERIOUS:
            self.error(
                sev_f or specific_f,
                "SPECIFIC_SERIOUS_NOT_SERIOUS",
                f"特定严重失信行为的违法行为轻重程度应为“严重”，实为“"
                f"{_SEVERITY_ZH.get(severity, severity)}”（发改办财金〔2019〕527号）。",
                f"A specific-serious act has severity 'serious', not '{severity}' "
                "(发改办财金〔2019〕527号).",
            )
            return str(severity), specific
        if decision_date is not None:
            self._publication_end(
                decision_date, str(severity) if severity else None, specific, sev_f
            )
        return (str(severity) if severity is not None else None), specific

    def _publication_end(
        self, decision_date: date, severity: str | None, specific: bool, sev_f: FieldDef | None
    ) -> None:
        """RULES §3: the publication end may not lie beyond the maximum period of the regime
        governing the decision date (an error); before the minimum period is a warning."""
        end_f = self.role(FieldRole.PUBLICATION_END)
        end = self.value(end_f)
        rule = self.item.publication_rule
        if rule.get("type") == PublicationRuleType.FIXED:
            if end_f is not None and end is not None:
                months = int(str(rule["months"]))
                maximum = add_months(decision_date, months)
                if end > maximum:
                    self.error(
                        end_f,
                        "PUBLICATION_END_BEYOND_MAXIMUM",
                        f"{end_f.label_zh}的值 {end.isoformat()} 超过了公示期限：本目录项自决定"
                        f"日期起公示{months}个月，最长至 {maximum.isoformat()}。",
                        f"{end_f.label_en} {end.isoformat()} exceeds the publication period: this "
                        f"item is published for {months} months from the decision date, at most "
                        f"until {maximum.isoformat()}.",
                    )
            return
        if rule.get("type") != PublicationRuleType.REGIME or severity is None:
            return
        try:
            window = self.item.window(decision_date, severity, specific)
        except CodedError as exc:
            if exc.code == "REGIME_RULE_NOT_DEFINED":
                self.error(
                    sev_f,
                    "SEVERITY_NOT_IN_REGIME",
                    f"违法行为轻重程度“{_SEVERITY_ZH.get(severity, severity)}”不适用于决定日期 "
                    f"{decision_date.isoformat()}：{exc.message_zh}请按该日期适用的制度填写"
                    "（“轻微”自2026年4月1日起适用，国办发〔2025〕22号）。",
                    f"Severity '{severity}' does not apply to a decision of "
                    f"{decision_date.isoformat()}: {exc.message_en} Use a severity of the "
                    "regime of that date ('light' applies from 2026-04-01, 国办发〔2025〕22号).",
                )
            elif end is not None:
                self.warn(
                    end_f,
                    "PUBLICATION_PERIOD_NOT_CHECKED",
                    f"决定日期 {decision_date.isoformat()} 没有适用的公示和信用修复制度，"
                    f"未能核对公示期限（{exc.message_zh}）",
                    f"No publication regime governs a decision of {decision_date.isoformat()}; "
                    f"the publication period was not checked ({exc.message_en})",
                )
            return
        if end_f is None or end is None:
            return
        window = self._longest(window, decision_date, specific)
        severity_zh = "特定严重" if specific else _SEVERITY_ZH.get(window.severity, severity)
        if end > window.max_end:
            self.error(
                end_f,
                "PUBLICATION_END_BEYOND_MAXIMUM",
                f"{end_f.label_zh}的值 {end.isoformat()} 超过了最长公示期限：决定日期 "
                f"{decision_date.isoformat()}、{severity_zh}失信行为，按{window.legal_source}"
                f"最长公示{window.max_months}个月，至 {window.max_end.isoformat()}"
                f"（{zh_date(window.max_end)}）止。",
                f"{end_f.label_en} {end.isoformat()} is beyond the maximum publication period: "
                f"a decision of {decision_date.isoformat()} of severity "
                f"{'specific serious' if specific else window.severity} is published under "
                f"{window.legal_source} for at most {window.max_months} months, until "
                f"{window.max_end.isoformat()}.",
            )
        elif end < window.min_end:
            self.warn(
                end_f,
                "PUBLICATION_END_BEFORE_MINIMUM",
                f"{end_f.label_zh}的值 {end.isoformat()} 早于最短公示期限的届满日 "
                f"{window.min_end.isoformat()}（{window.legal_source}，最短"
                f"{window.min_months}个月）；提前结束公示须经信用修复，请核对。",
                f"{end_f.label_en} {end.isoformat()} is before the end of the minimum period "
                f"{window.min_end.isoformat()} ({window.legal_source}, {window.min_months} "
                "months); ending publication earlier needs credit repair. Please check.",
            )

    def _longest(
        self, window: PublicationWindow, decision_date: date, specific: bool
    ) -> PublicationWindow:
        """RULES §3: several penalty categories in one decision — the longest period applies
        (local rule ⚠). A jurisdiction may grade categories by severity (code-list entries with
        ``severity``); the row's own severity is the floor."""
        f = self.role(FieldRole.CATEGORIES)
        if specific or f is None or f.code_list is None:
            return window
        for code in self.value(f) or ():
            entry = f.code_list.entry(str(code))
            if entry is None or entry.severity is None:
                continue
            try:
                other = self.item.window(decision_date, entry.severity, False)
            except CodedError:
                continue  # a grade the regime of that date does not define
            if other.max_end > window.max_end:
                window = other
        return window

    def _legal_document(self) -> None:
        """A finding of dishonesty names the legally effective document it rests on, by type
        and number (issue 3, item 4; 甘信用办发〔2021〕5号, seed 001)."""
        if not self.item.requires_legal_document:
            return
        for role in (FieldRole.DOCUMENT_TYPE, FieldRole.DOCUMENT_NUMBER):
            f = self.role(role)
            if f is None or self.given(f):
                continue
            self.error(
                f,
                "LEGAL_DOCUMENT_REQUIRED",
                f"目录项“{self.item.name_zh}”记录失信行为认定，须写明所依据的生效法律文书："
                f"请填写{f.label_zh}。",
                f"The item {self.item.name_en} records a finding of dishonesty, which must name "
                f"the legally effective document it rests on: fill in {f.label_en}.",
            )

    def _subject_ref(self, kind: str | None) -> SubjectRef | None:
        name = self.value(self.role(FieldRole.SUBJECT_NAME))
        if kind is None or not name:
            return None
        uscc = self.value(self.role(FieldRole.USCC))
        if uscc == identifiers.USCC_PLACEHOLDER:
            uscc = None
        legacy = {
            scheme: str(v)
            for role, scheme in LEGACY_ROLES.items()
            if (v := self.value(self.role(role))) is not None
        }
        person = kind == SubjectKind.NATURAL_PERSON
        id_type = self.value(self.role(FieldRole.PERSON_ID_TYPE)) if person else None
        id_number = self.value(self.role(FieldRole.PERSON_ID_NUMBER)) if person else None
        return SubjectRef(
            kind=kind,
            name=str(name),
            uscc=str(uscc) if uscc and not person else None,
            id_type=str(id_type) if id_type else None,
            id_number=str(id_number) if id_number else None,
            legacy=legacy,
        )
