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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from xinyong.catalog.choices import LEGACY_ROLES, FieldRole, FieldType, PublicationRuleType
from xinyong.catalog.fields import (
    CODE_LIST_TYPES,
    CONTROL_RE,
    FieldDef,
    FieldError,
    FieldWarning,
    is_empty,
    to_json,
    value_cleaner,
    zh_date,
)
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
    birth dates (Asia/Shanghai date of the upload).

    The item's :class:`RowValidator` is compiled once and kept with the item; it remembers
    no values. Collection validates a batch with a :class:`RowValidator` of its own that
    does (``remember=True``)."""
    found = item.__dict__.get(_COMPILED)
    if found is None:
        found = RowValidator(item)
        # Kept with the (frozen, cached per process) item: rebuilt with it when a catalog
        # edition is loaded.
        object.__setattr__(item, _COMPILED, found)
    return found.validate(raw, today=today)


_COMPILED: Final = "_compiled_validator"

#: Values a remembering validator keeps (over all its fields) before it forgets the older
#: half: a file of a million rows names some 250,000 companies, each a few times.
MAX_REMEMBERED: Final = 200_000

#: Field types whose values are not remembered: free text rarely repeats, and personal ID
#: numbers should not linger in memory.
NOT_REMEMBERED: Final = frozenset({FieldType.TEXT, FieldType.ID_NUMBER})

_Cleaner = Callable[[object, "date | None"], tuple[object, object, tuple[FieldWarning, ...]]]


@dataclass(frozen=True, slots=True)
class _Cleaned:
    """A remembered value that is not simply a string: the value, its JSON form, warnings."""

    value: object
    json: object
    warnings: tuple[FieldWarning, ...]


class _Memory:
    """The values a remembering validator cleaned, per field, bounded in total: when full,
    every field forgets the older half of what it remembers (dicts keep insertion order)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.fields: list[dict[object, object]] = []

    def new_field(self) -> dict[object, object]:
        entries: dict[object, object] = {}
        self.fields.append(entries)
        return entries

    def make_room(self) -> None:
        self.size = 0
        for entries in self.fields:
            keep = list(entries.items())[len(entries) // 2 :]
            entries.clear()
            entries.update(keep)
            self.size += len(entries)


def _plain_cleaner(f: FieldDef) -> _Cleaner:
    clean = value_cleaner(f)
    if f.type == FieldType.TEXT and type(f).clean is FieldDef.clean:
        limit = f.max_length

        def text(raw: object, on: date | None) -> tuple[object, object, tuple[FieldWarning, ...]]:
            # The common case of ``fields._clean_text`` without its dispatch: a string that
            # needs no message; anything else goes through it.
            if raw.__class__ is str:
                value = raw.strip()
                if (limit is None or len(value) <= limit) and not CONTROL_RE.search(value):
                    return value, value, ()
            cleaned, warnings = clean(raw, on)
            return cleaned, cleaned, warnings

        return text

    def cleaned(raw: object, on: date | None) -> tuple[object, object, tuple[FieldWarning, ...]]:
        value, warnings = clean(raw, on)
        return value, value if value.__class__ is str else to_json(value), warnings

    return cleaned


def _remembering_cleaner(f: FieldDef, memory: _Memory) -> _Cleaner:
    """A cleaner that cleans each distinct value once: :meth:`FieldDef.clean` is a pure
    function of (field, value, decision date) — only code lists depend on the date."""
    clean = value_cleaner(f)
    dated = f.type in CODE_LIST_TYPES
    entries = memory.new_field()

    def cleaned(raw: object, on: date | None) -> tuple[object, object, tuple[FieldWarning, ...]]:
        if raw.__class__ is str:
            key: object = (raw, on) if dated else raw
        elif isinstance(raw, _HASHABLE):
            key = (raw.__class__, raw, on)
        else:
            value, warnings = clean(raw, on)
            return value, to_json(value), warnings
        found = entries.get(key)
        if found is None:
            try:
                value, warnings = clean(raw, on)
            except FieldError as exc:
                found = exc
            else:
                js = to_json(value)
                if value.__class__ is str and js is value and not warnings:
                    found = raw if value == raw else value  # one string object, not two
                else:
                    found = _Cleaned(value, js, warnings)
            if memory.size >= memory.limit:
                memory.make_room()
            entries[key] = found
            memory.size += 1
        if found.__class__ is str:
            return found, found, ()
        if isinstance(found, _Cleaned):
            return found.value, found.json, found.warnings
        assert isinstance(found, FieldError)
        raise found.with_traceback(None)  # not a traceback per row

    return cleaned


_HASHABLE: Final = (str, int, float, bool, date, Decimal)


class RowValidator:
    """Validates rows of one catalog item (see :func:`validate_row`), compiled once.

    Everything that does not depend on the row is worked out here, once per item: the field
    codes and their order, the fields by role, the function that cleans each field's values,
    the fields required for each subject kind with their messages. With ``remember`` the
    validator also cleans each distinct value of a field once (an authority's code, the
    categories, the decision dates, each company's code: a batch repeats them); free text
    and personal ID numbers are never remembered, and at most ``MAX_REMEMBERED`` values are
    kept. Collection makes one per batch run; results are identical either way
    (``records/tests/test_memo.py``).
    """

    def __init__(self, item: CatalogItemDef, *, remember: bool = False) -> None:
        self.item = item
        fields = item.fields
        self.codes = tuple(f.code for f in fields)
        self.known = frozenset(self.codes)
        self.order = {f.code: i for i, f in enumerate(fields)}
        self.template: dict[str, object] = dict.fromkeys(self.codes)
        self.roles: dict[str, FieldDef | None] = {
            role: item.field_for_role(role) for role in FieldRole.values
        }
        # The fields the row rules use, by role.
        self.subject_name_f = self.roles[FieldRole.SUBJECT_NAME]
        self.subject_category_f = self.roles[FieldRole.SUBJECT_CATEGORY]
        self.uscc_f = self.roles[FieldRole.USCC]
        self.reg_no_f = self.roles[FieldRole.BUSINESS_REG_NO]
        self.person_id_type_f = self.roles[FieldRole.PERSON_ID_TYPE]
        self.person_id_number_f = self.roles[FieldRole.PERSON_ID_NUMBER]
        self.representative_id_type_f = self.roles[FieldRole.REPRESENTATIVE_ID_TYPE]
        self.representative_id_number_f = self.roles[FieldRole.REPRESENTATIVE_ID_NUMBER]
        self.valid_until_f = self.roles[FieldRole.VALID_UNTIL]
        self.valid_from_f = self.roles[FieldRole.VALID_FROM]
        self.publication_end_f = self.roles[FieldRole.PUBLICATION_END]
        self.categories_f = self.roles[FieldRole.CATEGORIES]
        self.severity_f = self.roles[FieldRole.SEVERITY]
        self.specific_f = self.roles[FieldRole.SPECIFIC_SERIOUS]
        memory = self.memory = _Memory(MAX_REMEMBERED) if remember else None

        def cleaner(f: FieldDef) -> _Cleaner:
            if memory is None or f.type in NOT_REMEMBERED:
                return _plain_cleaner(f)
            return _remembering_cleaner(f, memory)

        self.date_field = item.field(item.date_field) if item.date_field in self.known else None
        self.date_cleaner = cleaner(self.date_field) if self.date_field is not None else None
        self.cleaners = {f.code: (f, cleaner(f)) for f in fields if f.code != item.date_field}
        self.key_field = item.field(item.key_field) if item.key_field in self.known else None
        self.document_roles = (
            frozenset({FieldRole.DOCUMENT_TYPE, FieldRole.DOCUMENT_NUMBER})
            if item.requires_legal_document
            else frozenset()
        )
        self._required: dict[str | None, tuple[tuple[FieldDef, str, str], ...]] = {}
        uscc_f = self.roles[FieldRole.USCC]
        self.organisation_ids = tuple(
            f for f in (uscc_f, *(self.roles[r] for r in LEGACY_ROLES)) if f is not None
        )
        self.legacy_fields = tuple(
            (scheme, f) for role, scheme in LEGACY_ROLES.items() if (f := self.roles[role])
        )
        rule = item.publication_rule
        self.rule_type = rule.get("type")

    def validate(self, raw: Mapping[str, object], *, today: date) -> ValidatedRow:
        """:func:`validate_row` with this validator."""
        return _Row(self, raw, today).run()

    def required_for(self, kind: str | None) -> tuple[tuple[FieldDef, str, str], ...]:
        """The fields required for a subject of ``kind`` (None: unknown), with the messages
        of a missing one (the documents of a finding of dishonesty have their own rule)."""
        found = self._required.get(kind)
        if found is not None:
            return found
        required: list[tuple[FieldDef, str, str]] = []
        for f in self.item.fields:
            if not f.is_required_for(kind) or f.role in self.document_roles:
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
            required.append((f, zh, en))
        found = self._required[kind] = tuple(required)
        return found


class _Row:
    """The state of one row's validation (see :func:`validate_row`)."""

    __slots__ = ("errors", "item", "json", "raw", "refused", "today", "v", "values", "warnings")

    def __init__(self, validator: RowValidator, raw: Mapping[str, object], today: date) -> None:
        self.v = validator
        self.item = validator.item
        self.raw = raw
        self.today = today
        #: The cleaned values given (an empty or refused field has none).
        self.values: dict[str, object] = {}
        #: Their JSON forms.
        self.json: dict[str, object] = {}
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
        return self.v.roles.get(role)

    def value(self, f: FieldDef | None) -> Any:
        return self.values.get(f.code) if f is not None else None

    def given(self, f: FieldDef | None) -> bool:
        """A value was given (accepted or refused)."""
        return f is not None and (f.code in self.values or f.code in self.refused)

    def drop(self, f: FieldDef) -> None:
        """Refuse the value of ``f`` after a row rule (the error is the caller's)."""
        self.refused.add(f.code)
        self.values.pop(f.code, None)

    def clean(self, f: FieldDef, cleaner: _Cleaner, on: date | None, raw: object) -> None:
        # An empty value (None, "", blanks; also a full-width space) is not given.
        if raw is None or (isinstance(raw, str) and (not raw or raw.isspace())):
            return
        try:
            value, js, warnings = cleaner(raw, on)
        except FieldError as exc:
            self.refused.add(f.code)
            self.errors.append(RowIssue(f.code, exc.code, exc.message_zh, exc.message_en))
            return
        if value is None:
            return
        self.values[f.code] = value
        self.json[f.code] = js
        self.field_warnings(f, warnings)

    def field_warnings(self, f: FieldDef, warnings: tuple[FieldWarning, ...]) -> None:
        for w in warnings:
            # The row decides about the placeholder (RULES §1), see _subject().
            if w.code != "USCC_PLACEHOLDER_REG_NO_REQUIRED":
                self.warn(f, w.code, w.message_zh, w.message_en)

    # -- the rules ---------------------------------------------------------------------------

    def run(self) -> ValidatedRow:
        v, item = self.v, self.item
        if not v.known.issuperset(self.raw):
            for name, value in self.raw.items():
                if name not in v.known and not is_empty(value):
                    self.warn(
                        name,
                        "FIELD_NOT_IN_CATALOG",
                        f"字段 {name} 不属于目录项“{item.name_zh}”（{item.code}），其值已忽略。",
                        f"Field {name} is not part of the item {item.name_en} ({item.code}); "
                        "its value was ignored.",
                    )
        decision_date = self._decision_date()
        # Each given value once (the order of the issues is the fields' order, see below).
        cleaners, values, jsons = v.cleaners, self.values, self.json
        for code, raw in self.raw.items():
            found = cleaners.get(code)
            if found is None or raw is None:
                continue
            if isinstance(raw, str) and (not raw or raw.isspace()):
                continue  # empty: not given
            try:
                value, js, warnings = found[1](raw, decision_date)
            except FieldError as exc:
                self.refused.add(code)
                self.errors.append(RowIssue(code, exc.code, exc.message_zh, exc.message_en))
                continue
            if value is not None:
                values[code] = value
                jsons[code] = js
                if warnings:
                    self.field_warnings(found[0], warnings)
        kind = self._subject_kind()
        self._required(kind)
        self._subject(kind)
        valid_until = self._dates(decision_date)
        severity, specific = self._severity_and_window(decision_date)
        self._legal_document()
        order = v.order
        if len(self.errors) > 1:
            self.errors.sort(key=lambda i: order.get(i.field or "", len(order)))
        if len(self.warnings) > 1:
            self.warnings.sort(key=lambda i: order.get(i.field or "", len(order)))
        values = v.template.copy()
        js = self.json
        for code in self.values:
            values[code] = js[code]
        key = self.value(v.key_field)
        return ValidatedRow(
            item=item,
            values=values,
            subject=self._subject_ref(kind),
            decision_number=str(key) if key is not None else "",
            decision_date=decision_date,
            severity=severity,
            specific_serious=specific,
            categories=tuple(self.value(self.v.categories_f) or ()),
            valid_until=valid_until,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
        )

    def _decision_date(self) -> date | None:
        f, cleaner = self.v.date_field, self.v.date_cleaner
        if f is None or cleaner is None:
            return None
        self.clean(f, cleaner, None, self.raw.get(f.code))
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
        f = self.v.subject_category_f
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
        values, refused = self.values, self.refused
        for f, zh, en in self.v.required_for(kind):
            if f.code not in values and f.code not in refused:
                self.errors.append(RowIssue(f.code, "FIELD_REQUIRED", zh, en))

    def _subject(self, kind: str | None) -> None:
        uscc_f = self.v.uscc_f
        uscc = self.value(uscc_f)
        reg_no_f = self.v.reg_no_f
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
            present = self.v.organisation_ids
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
        self._id_pair(self.v.person_id_type_f, self.v.person_id_number_f)
        self._id_pair(
            self.v.representative_id_type_f,
            self.v.representative_id_number_f,
        )

    def _id_pair(self, type_f: FieldDef | None, number_f: FieldDef | None) -> None:
        """An ID number is checked by its type (GB 11643 for 01 身份证 …); one without the
        other is refused."""
        if type_f is None or number_f is None:
            return
        id_type, number = self.value(type_f), self.value(number_f)
        if number is None and id_type is None:
            return
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
            self.drop(number_f)
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
        until_f = self.v.valid_until_f
        from_f = self.v.valid_from_f
        end_f = self.v.publication_end_f
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
                    self.drop(f)
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
        sev_f = self.v.severity_f
        specific_f = self.v.specific_f
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
        end_f = self.v.publication_end_f
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
        f = self.v.categories_f
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
        name = self.value(self.v.subject_name_f)
        if kind is None or not name:
            return None
        uscc = self.value(self.v.uscc_f)
        if uscc == identifiers.USCC_PLACEHOLDER:
            uscc = None
        values = self.values
        legacy = {
            scheme: str(v)
            for scheme, f in self.v.legacy_fields
            if (v := values.get(f.code)) is not None
        }
        person = kind == SubjectKind.NATURAL_PERSON
        id_type = self.value(self.v.person_id_type_f) if person else None
        id_number = self.value(self.v.person_id_number_f) if person else None
        return SubjectRef(
            kind=kind,
            name=str(name),
            uscc=str(uscc) if uscc and not person else None,
            id_type=str(id_type) if id_type else None,
            id_number=str(id_number) if id_number else None,
            legacy=legacy,
        )
