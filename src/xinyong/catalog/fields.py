"""Typed fields of catalog items: each value parses, validates and displays itself.

Why this exists: what a department may report is declared as data (``policy/catalog/*.toml``),
FollowTheMoney-style (STYLE.md §8): an item lists its fields, and each field has a *type* that
knows how to turn what a clerk typed — a string from a CSV file, a date or a number from a
spreadsheet cell — into one normalised value, or refuse it with a stable code and a message in
Chinese and English that says what was found and what is expected. The row rules that combine
several fields (subject kind, identifiers by ID type, dates in order, publication periods) live
in :mod:`xinyong.catalog.validation`; this module is about one value at a time and has no
database access.

Types (:class:`xinyong.catalog.choices.FieldType`):

* ``text`` — trimmed, at most ``max_length`` characters; numbers from spreadsheets become text
  (``12.0`` → ``"12"``).
* ``date`` — ``YYYY-MM-DD`` or ``YYYYMMDD`` (both in use, RULES §1 ⚠), also ``YYYY/MM/DD`` and
  spreadsheet date cells (``date``/``datetime`` objects); never before 1949.
* ``amount_wanyuan`` — an amount in 万元 (RULES §1: fines and confiscations are reported in
  万元): ``1.5`` and ``1.5万元`` are accepted, ``15000元`` is refused with the converted value
  to enter; ≥ 0, at most 6 decimals (0.01 yuan). Stored as a decimal string.
* ``code`` / ``codes`` — one or several values of a code list, given by code or by name (or a
  listed alias); several are separated by ``；`` ``;`` ``,`` ``，`` or ``、``. Entries may be
  dated by *decision date* (penalty categories before and after 2021-07-15): an entry of the
  other period is refused with a message naming the date rule and the entry to use instead.
* ``uscc``, ``org_code``, ``business_reg_no``, ``tax_reg_no``, ``public_institution_cert``,
  ``social_org_cert`` — checked by :mod:`xinyong.core.identifiers` (errors refuse, warnings are
  passed on). The USCC placeholder ``00000000000000000X`` passes here only in the subject's own
  USCC field; whether the subject may use it is a row rule.
* ``id_type`` (the 01–05 list), ``id_number`` (checked against its type by the row rules).
* ``integer``, ``boolean`` (是/否, true/false, 1/0), ``url`` (http or https).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, Final
from urllib.parse import urlsplit

from xinyong.catalog.choices import FieldRole, FieldType
from xinyong.core import identifiers
from xinyong.core.identifiers import IdentifierScheme
from xinyong.errors import CodedError

#: The earliest date a field accepts (RULES task: "not before 1949").
EARLIEST_DATE: Final = date(1949, 1, 1)
#: Amounts: at most 6 decimals in 万元 (= 0.01 yuan) and below 10^12 万元.
AMOUNT_DECIMALS: Final = 6
AMOUNT_MAX: Final = Decimal("999999999999.999999")
#: Separators of several codes in one cell (after NFKC, full-width ；，become ;,).
CODE_SEPARATORS: Final = ";,、"
_SEPARATOR_RE: Final = re.compile(r"([;,、])")
_DEFAULT_URL_LENGTH: Final = 500
_DEFAULT_ID_LENGTH: Final = 40
_ID_NUMBER_RE: Final = re.compile(r"[0-9A-Z()\-]+")
#: Invisible control characters a text field refuses (tab, line breaks are allowed).
CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The codes a field can be refused with (stable), with what they mean. Identifier fields
#: also use the error codes of ``xinyong.core.identifiers`` (``USCC_BAD_CHECK`` …).
FIELD_ISSUES: Final[dict[str, str]] = {
    "FIELD_TEXT_TOO_LONG": "text longer than the field's max_length",
    "FIELD_TEXT_INVALID": "text with invisible control characters",
    "FIELD_DATE_INVALID": "not a date in an accepted format, or not a real calendar date",
    "FIELD_DATE_TOO_EARLY": "a date before 1949",
    "FIELD_AMOUNT_INVALID": "not a number in 万元",
    "FIELD_AMOUNT_IN_YUAN": "an amount given in 元: the message gives the value in 万元",
    "FIELD_AMOUNT_NEGATIVE": "a negative amount",
    "FIELD_AMOUNT_TOO_PRECISE": "more than 6 decimals in 万元 (finer than 0.01 yuan)",
    "FIELD_AMOUNT_TOO_LARGE": "an amount of 10^12 万元 or more (a unit mistake)",
    "FIELD_CODE_UNKNOWN": "neither a code, a name nor an alias of the code list",
    "FIELD_CODE_NOT_IN_FORCE": "an entry of the code list that does not apply on the decision "
    "date (e.g. an old penalty category on a decision from 2021-07-15)",
    "FIELD_ID_NUMBER_INVALID": "an ID number with characters other than letters and digits",
    "FIELD_INTEGER_INVALID": "not a whole number",
    "FIELD_BOOLEAN_INVALID": "not yes or no (是/否, true/false, 1/0)",
    "FIELD_URL_INVALID": "not an http or https address",
}
#: Every code a field can be refused with.
FIELD_ERROR_CODES: Final = frozenset(FIELD_ISSUES) | identifiers.ERROR_CODES


class FieldError(CodedError):
    """One field's value was refused. ``field`` is the field code."""

    status = 422
    code = "FIELD_INVALID"

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(code, message_zh, message_en, field=field, **details)
        self.field = field


@dataclass(frozen=True)
class FieldWarning:
    """Something a clerk should check, but the value is accepted (e.g. an old organisation
    code whose check character does not match, GB 11714 ⚠)."""

    code: str
    message_zh: str
    message_en: str


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def norm_key(text: str) -> str:
    """Comparison form of a name or code: NFKC (full-width → half-width), no whitespace,
    case-folded. ``"  罚　款 "`` and ``"罚款"`` compare equal."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def normalise_header(text: str) -> str:
    """The comparison form of a column header: NFKC (full-width → half-width), no
    whitespace, no trailing ``*`` (the required-field mark), case-folded."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    return key.rstrip("*").casefold()


def zh_date(d: date) -> str:
    """``2021年7月15日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def is_empty(raw: object) -> bool:
    """None, an empty or blank string (also a full-width space) counts as not given."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: object) -> str:
    """What a clerk typed, as text: spreadsheet numbers lose a trailing ``.0``."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _shown(raw: object) -> str:
    """The value as quoted back in a message (shortened)."""
    text = _as_text(raw)
    return text if len(text) <= 60 else text[:57] + "…"


# --------------------------------------------------------------------------------------------
# Code lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeEntry:
    """One value of a code list.

    ``decisions_from``/``decisions_to`` date the entry by the *decision date* of the record
    (e.g. the penalty categories of 行政处罚法 2021 第九条 apply to decisions from
    2021-07-15). ``counterparts`` are the entries to use instead on the other side of the date
    rule; ``alias_counterparts`` narrows that per alias (``吊销执照`` → ``吊销许可证件``).
    ``subject_kind`` maps a subject category to ``core.choices.SubjectKind``; ``severity``
    lets a jurisdiction grade a penalty category (``policy.choices.Severity``) for the
    publication period (RULES §3: several categories — the longest period applies).
    """

    code: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    decisions_from: date | None = None
    decisions_to: date | None = None
    counterparts: tuple[str, ...] = ()
    alias_counterparts: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    subject_kind: str | None = None
    severity: str | None = None
    note: str = ""
    unconfirmed: bool = False

    def valid_on(self, on: date | None) -> bool:
        """Whether the entry applies to a decision of ``on`` (None: any date)."""
        if on is None:
            return True
        if self.decisions_from is not None and on < self.decisions_from:
            return False
        return self.decisions_to is None or on <= self.decisions_to

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "aliases": list(self.aliases),
            "decisions_from": self.decisions_from.isoformat() if self.decisions_from else None,
            "decisions_to": self.decisions_to.isoformat() if self.decisions_to else None,
            "counterparts": list(self.counterparts),
            "alias_counterparts": {k: list(v) for k, v in self.alias_counterparts.items()},
            "subject_kind": self.subject_kind,
            "severity": self.severity,
            "note": self.note,
            "unconfirmed": self.unconfirmed,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CodeEntry:
        return cls(
            code=str(d["code"]),
            name_zh=str(d["name_zh"]),
            name_en=str(d["name_en"]),
            aliases=tuple(d.get("aliases") or ()),
            decisions_from=_opt_date(d.get("decisions_from")),
            decisions_to=_opt_date(d.get("decisions_to")),
            counterparts=tuple(d.get("counterparts") or ()),
            alias_counterparts={
                str(k): tuple(v) for k, v in (d.get("alias_counterparts") or {}).items()
            },
            subject_kind=d.get("subject_kind"),
            severity=d.get("severity"),
            note=str(d.get("note") or ""),
            unconfirmed=bool(d.get("unconfirmed")),
        )


def _opt_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@dataclass(frozen=True)
class CodeList:
    """A code list of a catalog edition (subject categories, licence categories, ID types,
    penalty categories …). ``term_zh``/``term_en`` name one value in messages ("类别")."""

    code: str
    name_zh: str
    name_en: str
    entries: tuple[CodeEntry, ...]
    legal_source: str = ""
    term_zh: str = "代码"
    term_en: str = "code"
    note: str = ""
    unconfirmed: bool = False
    _index: dict[str, list[CodeEntry]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _by_code: dict[str, CodeEntry] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index = self._index
        for entry in self.entries:
            keys = {norm_key(entry.code), norm_key(entry.name_zh), norm_key(entry.name_en)}
            keys.update(norm_key(a) for a in entry.aliases)
            for key in keys:
                index.setdefault(key, []).append(entry)
        self._by_code.update((e.code, e) for e in self.entries)

    def entry(self, code: str) -> CodeEntry | None:
        """The entry with exactly this code."""
        return self._by_code.get(code)

    def candidates(self, token: str) -> list[CodeEntry]:
        """Entries whose code, name or alias is ``token`` (any date). A number given without
        its leading zeros (a spreadsheet turned ``01`` into ``1``) matches the padded code."""
        key = norm_key(token)
        found = list(self._index.get(key, ()))
        if not found and key.isdigit():
            found = [
                e for e in self.entries if e.code.isdigit() and e.code == key.zfill(len(e.code))
            ]
        return found

    def entries_on(self, on: date | None) -> list[CodeEntry]:
        return [e for e in self.entries if e.valid_on(on)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "legal_source": self.legal_source,
            "term_zh": self.term_zh,
            "term_en": self.term_en,
            "note": self.note,
            "unconfirmed": self.unconfirmed,
            "entries": [e.as_dict() for e in self.entries],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CodeList:
        return cls(
            code=str(d["code"]),
            name_zh=str(d["name_zh"]),
            name_en=str(d["name_en"]),
            entries=tuple(CodeEntry.from_dict(e) for e in d["entries"]),
            legal_source=str(d.get("legal_source") or ""),
            term_zh=str(d.get("term_zh") or "代码"),
            term_en=str(d.get("term_en") or "code"),
            note=str(d.get("note") or ""),
            unconfirmed=bool(d.get("unconfirmed")),
        )


# --------------------------------------------------------------------------------------------
# Field definitions
# --------------------------------------------------------------------------------------------

_Cleaned = tuple[object, tuple[FieldWarning, ...]]


@dataclass(frozen=True)
class FieldDef:
    """One field of a catalog item (see the module docstring for the types).

    ``required`` — always required; ``required_for_kinds`` — required when the subject is of
    one of these kinds (``XK_FRDB`` for legal persons, ``XK_XDR_ZJHM`` for natural persons).
    ``public`` — whether the value may be shown on the public portal (ID numbers may not).
    ``role`` — what the field means to the row rules (:class:`FieldRole`), if anything.
    """

    code: str
    name_zh: str
    name_en: str
    type: str
    required: bool = False
    required_for_kinds: tuple[str, ...] = ()
    max_length: int | None = None
    code_list: CodeList | None = None
    public: bool = True
    description: str = ""
    role: str | None = None

    # -- labels ------------------------------------------------------------------------------

    @property
    def label_zh(self) -> str:
        return f"“{self.name_zh}”（{self.code}）"

    @property
    def label_en(self) -> str:
        return f"{self.name_en} ({self.code})"

    def is_required_for(self, subject_kind: str | None) -> bool:
        """Required in general, or for this subject kind."""
        return self.required or (
            subject_kind is not None and subject_kind in self.required_for_kinds
        )

    def error(self, code: str, zh: str, en: str, **details: Any) -> FieldError:
        """A :class:`FieldError` whose messages start with this field's name."""
        return FieldError(
            code, f"{self.label_zh}{zh}", f"{self.label_en}{en}", field=self.code, **details
        )

    # -- parse and display -------------------------------------------------------------------

    def clean(self, raw: object, *, on: date | None = None) -> _Cleaned:
        """The Python value (``date``, ``Decimal``, ``bool``, ``int``, ``str`` or a tuple of
        codes) and the warnings, or None for an empty value. ``on`` is the decision date code
        lists are dated by (None: entries of any date are accepted). Raises
        :class:`FieldError`."""
        if is_empty(raw):
            return None, ()
        return _CLEANERS[self.type](self, raw, on)

    def parse_with_warnings(
        self, raw: object, *, on: date | None = None
    ) -> tuple[object, tuple[FieldWarning, ...]]:
        """:meth:`parse` with the warnings."""
        value, warnings = self.clean(raw, on=on)
        return to_json(value), warnings

    def parse(self, raw: object, *, on: date | None = None) -> object:
        """The normalised, JSON-able value (dates and amounts as strings, codes as a list) or
        None for an empty value; raises :class:`FieldError`."""
        return self.parse_with_warnings(raw, on=on)[0]

    def display(self, value: object, *, lang: str = "zh", unmasked: bool = False) -> str:
        """A normalised value (what :meth:`parse` returned) for people. Personal ID numbers
        are masked unless ``unmasked``."""
        if value is None or value == "" or value == []:
            return ""
        en = lang.startswith("en")
        match self.type:
            case FieldType.DATE:
                d = date.fromisoformat(str(value))
                return d.isoformat() if en else zh_date(d)
            case FieldType.AMOUNT_WANYUAN:
                amount = Decimal(str(value))
                return f"CNY {amount * 10000:,.2f}" if en else f"{_plain(amount)}万元"
            case FieldType.BOOLEAN:
                return ("Yes" if value else "No") if en else ("是" if value else "否")
            case FieldType.CODE | FieldType.ID_TYPE:
                return self._code_name(str(value), lang)
            case FieldType.CODES:
                codes = value if isinstance(value, list | tuple) else [value]
                return ("; " if en else "、").join(self._code_name(str(c), lang) for c in codes)
            case FieldType.ID_NUMBER:
                if unmasked:
                    return str(value)
                scheme = (
                    IdentifierScheme.RESIDENT_ID
                    if len(str(value)) == 18
                    else IdentifierScheme.PASSPORT
                )
                return identifiers.mask_identifier(str(value), scheme)
            case FieldType.TAX_REG_NO:
                if unmasked:
                    return str(value)
                return identifiers.mask_identifier(str(value), IdentifierScheme.TAX_REG_NO)
            case _:
                return str(value)

    def _code_name(self, code: str, lang: str) -> str:
        entry = self.code_list.entry(code) if self.code_list is not None else None
        return entry.name(lang) if entry is not None else code

    # -- serialisation -----------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """The definition as JSON (code list by its code), for the API, docs and storage."""
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "type": self.type,
            "required": self.required,
            "required_for_kinds": list(self.required_for_kinds),
            "max_length": self.max_length,
            "code_list": self.code_list.code if self.code_list is not None else None,
            "public": self.public,
            "description": self.description,
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], code_lists: Mapping[str, CodeList]) -> FieldDef:
        code_list = d.get("code_list")
        return cls(
            code=str(d["code"]),
            name_zh=str(d["name_zh"]),
            name_en=str(d["name_en"]),
            type=str(d["type"]),
            required=bool(d.get("required")),
            required_for_kinds=tuple(d.get("required_for_kinds") or ()),
            max_length=d.get("max_length"),
            code_list=code_lists[code_list] if code_list else None,
            public=bool(d.get("public", True)),
            description=str(d.get("description") or ""),
            role=d.get("role"),
        )


def to_json(value: object) -> object:
    """JSON form of a cleaned value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _plain(amount: Decimal) -> str:
    """``Decimal('1.500')`` → ``"1.5"``, ``Decimal('1E+2')`` → ``"100"``."""
    text = format(amount.normalize(), "f")
    return text


# --------------------------------------------------------------------------------------------
# Cleaners, one per type
# --------------------------------------------------------------------------------------------


def _clean_text(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    text = _as_text(raw).strip()
    if CONTROL_RE.search(text):
        raise f.error(
            "FIELD_TEXT_INVALID",
            "含有不可见的控制字符，请删除后重新填写。",
            " contains invisible control characters; remove them and enter the text again.",
        )
    if f.max_length is not None and len(text) > f.max_length:
        raise f.error(
            "FIELD_TEXT_TOO_LONG",
            f"最多{f.max_length}个字符，实为{len(text)}个，请精简。",
            f" has at most {f.max_length} characters; got {len(text)}. Please shorten it.",
            max_length=f.max_length,
        )
    return text, ()


_DATE_FORMATS: Final = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "YYYY-MM-DD"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), "YYYYMMDD"),
    (re.compile(r"(\d{4})/(\d{2})/(\d{2})"), "YYYY/MM/DD"),
)
# An export of a date column sometimes carries a midnight time: 2023-03-01 00:00:00.
_MIDNIGHT: Final = re.compile(r"(.+?)[ T]00:00(:00(\.0+)?)?")


def parse_date(raw: object) -> date | None:
    """A date from a cell or a string in one of the accepted formats, or None."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        return None
    text = unicodedata.normalize("NFKC", _as_text(raw)).strip()
    midnight = _MIDNIGHT.fullmatch(text)
    if midnight:
        text = midnight.group(1)
    for pattern, _label in _DATE_FORMATS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def _clean_date(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    d = parse_date(raw)
    if d is None:
        raise f.error(
            "FIELD_DATE_INVALID",
            f"的值“{_shown(raw)}”不是有效日期：请填写日历上存在的日期，格式为 YYYY-MM-DD"
            "（如 2023-03-01）或 YYYYMMDD（如 20230301），也可为 YYYY/MM/DD。",
            f" “{_shown(raw)}” is not a valid date: enter a real calendar date as YYYY-MM-DD "
            "(2023-03-01) or YYYYMMDD (20230301); YYYY/MM/DD is also accepted.",
        )
    if d < EARLIEST_DATE:
        raise f.error(
            "FIELD_DATE_TOO_EARLY",
            f"的值 {d.isoformat()} 早于1949年，请核对年份。",
            f" {d.isoformat()} is before 1949; please check the year.",
        )
    return d, ()


_AMOUNT_RE: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS_RE: Final = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def _clean_amount(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    if isinstance(raw, bool):
        raise _bad_amount(f, raw)
    if isinstance(raw, Decimal):
        amount = raw
    elif isinstance(raw, int):
        amount = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _bad_amount(f, raw)
        amount = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = "".join(unicodedata.normalize("NFKC", raw).split())
        text = text.removeprefix("¥").removeprefix("￥").removeprefix("人民币")
        if text.endswith("万元"):
            text = text[:-2]
        elif text.endswith("万"):
            text = text[:-1]
        elif text.endswith("元"):
            number = text[:-1]
            if _THOUSANDS_RE.fullmatch(number):
                number = number.replace(",", "")
            if _AMOUNT_RE.fullmatch(number):
                raise _amount_in_yuan(f, raw, number)
            raise _bad_amount(f, raw)
        if _THOUSANDS_RE.fullmatch(text):
            text = text.replace(",", "")
        if not _AMOUNT_RE.fullmatch(text):
            raise _bad_amount(f, raw)
        amount = Decimal(text)
    else:
        raise _bad_amount(f, raw)
    if not amount.is_finite():
        raise _bad_amount(f, raw)
    if amount < 0:
        raise f.error(
            "FIELD_AMOUNT_NEGATIVE",
            f"的值“{_shown(raw)}”为负数；金额应大于或等于0。",
            f" “{_shown(raw)}” is negative; an amount is 0 or more.",
        )
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_DECIMALS:
        raise f.error(
            "FIELD_AMOUNT_TOO_PRECISE",
            f"的值“{_shown(raw)}”小数位过多：以万元为单位最多保留{AMOUNT_DECIMALS}位小数"
            "（即精确到0.01元）。",
            f" “{_shown(raw)}” has too many decimals: in 万元 (10,000 yuan) at most "
            f"{AMOUNT_DECIMALS} decimals (0.01 yuan).",
        )
    if amount > AMOUNT_MAX:
        raise f.error(
            "FIELD_AMOUNT_TOO_LARGE",
            f"的值“{_shown(raw)}”过大，请核对单位（本字段以万元为单位）。",
            f" “{_shown(raw)}” is too large; check the unit (this field is in 万元, 10,000 yuan).",
        )
    return amount.normalize() if amount else Decimal(0), ()


def _bad_amount(f: FieldDef, raw: object) -> FieldError:
    return f.error(
        "FIELD_AMOUNT_INVALID",
        f"的值“{_shown(raw)}”不是金额：请填写以万元为单位的数字，如 1.5 或 1.5万元。",
        f" “{_shown(raw)}” is not an amount: enter a number in 万元 (10,000 yuan), e.g. 1.5 "
        "or 1.5万元.",
    )


def _amount_in_yuan(f: FieldDef, raw: object, number: str) -> FieldError:
    suggestion = _plain(Decimal(number) / 10000)
    return f.error(
        "FIELD_AMOUNT_IN_YUAN",
        f"的值“{_shown(raw)}”以元为单位，本字段以万元为单位：请换算后填写 {suggestion}"
        "（元 ÷ 10000）。",
        f" “{_shown(raw)}” is in yuan, but this field is in 万元 (10,000 yuan): enter "
        f"{suggestion} instead (yuan ÷ 10,000).",
        suggestion=suggestion,
    )


def _lookup_code(f: FieldDef, token: str, on: date | None) -> CodeEntry:
    assert f.code_list is not None
    code_list = f.code_list
    found = code_list.candidates(token)
    in_force = [e for e in found if e.valid_on(on)]
    if in_force:
        return in_force[0]
    if found and on is not None:
        raise _not_in_force(f, code_list, token, found[0], on)
    options = code_list.entries_on(on)
    listed_zh = "、".join(f"{e.code} {e.name_zh}" for e in options[:30])
    listed_en = "; ".join(f"{e.code} {e.name_en}" for e in options[:30])
    raise f.error(
        "FIELD_CODE_UNKNOWN",
        f"的值“{token}”不在代码表“{code_list.name_zh}”中；可填写代码或名称：{listed_zh}。",
        f" “{token}” is not in the code list {code_list.name_en}; enter a code or a name: "
        f"{listed_en}.",
        value=token,
    )


def _not_in_force(
    f: FieldDef, code_list: CodeList, token: str, entry: CodeEntry, on: date
) -> FieldError:
    """The entry exists but not for decisions of ``on``: name the date rule and what to use
    instead (e.g. 行政处罚法 2021 第九条 for penalty categories)."""
    counterparts = next(
        (v for k, v in entry.alias_counterparts.items() if norm_key(k) == norm_key(token)),
        entry.counterparts,
    )
    named = [e for c in counterparts if (e := code_list.entry(c)) is not None and e.valid_on(on)]
    if not named:
        named = code_list.entries_on(on)[:30]
    use_zh = "、".join(e.name_zh for e in named)
    use_en = "; ".join(f"{e.name_zh} ({e.name_en})" for e in named)
    term_zh, term_en = code_list.term_zh, code_list.term_en
    source_zh = f"（{code_list.legal_source}）" if code_list.legal_source else ""
    source_en = f" ({code_list.legal_source})" if code_list.legal_source else ""
    if entry.decisions_to is not None and on > entry.decisions_to:
        start = date.fromordinal(entry.decisions_to.toordinal() + 1)
        zh = (
            f"中的“{token}”是{zh_date(start)}前的旧{term_zh}，决定日期{on.isoformat()}"
            f"应使用新{term_zh}：{use_zh}{source_zh}。"
        )
        en = (
            f": “{token}” is an old {term_en} for decisions before {start.isoformat()}; a "
            f"decision of {on.isoformat()} must use the new {term_en}: {use_en}{source_en}."
        )
    else:
        start = entry.decisions_from or on
        zh = (
            f"中的“{token}”是{zh_date(start)}起施行的新{term_zh}，决定日期{on.isoformat()}"
            f"应使用旧{term_zh}：{use_zh}{source_zh}。"
        )
        en = (
            f": “{token}” is a new {term_en} for decisions from {start.isoformat()}; a "
            f"decision of {on.isoformat()} must use the old {term_en}: {use_en}{source_en}."
        )
    return f.error("FIELD_CODE_NOT_IN_FORCE", zh, en, value=token, use=[e.code for e in named])


def _clean_code(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    token = _as_text(raw).strip()
    return _lookup_code(f, token, on).code, ()


def split_codes(text: str) -> list[str]:
    """Split a cell of several codes into tokens, keeping each separator attached so that a
    name containing ``、`` (the old category 没收违法所得、没收非法财物) can be matched whole."""
    parts = _SEPARATOR_RE.split(unicodedata.normalize("NFKC", text))
    return parts


def _joined(pieces: list[str], seps: list[str], i: int, j: int) -> str:
    """Pieces ``i`` to ``j - 1`` with the separators between them."""
    out = pieces[i]
    for k in range(i + 1, j):
        out += seps[k - 1] + pieces[k]
    return out.strip()


def _applies(code_list: CodeList, token: str, on: date | None) -> bool:
    return any(e.valid_on(on) for e in code_list.candidates(token))


def _clean_codes(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    assert f.code_list is not None
    parts = split_codes(_as_text(raw))
    pieces, seps = parts[0::2], parts[1::2]
    codes: list[str] = []
    problems: list[FieldError] = []
    i = 0
    while i < len(pieces):
        if not pieces[i].strip():
            i += 1
            continue
        # The longest run of pieces that is one entry's name (a separator inside a name, as
        # in the old 没收违法所得、没收非法财物), preferring entries that apply on the date:
        # on a new decision the same words are the two new categories.
        runs = range(len(pieces), i, -1)
        end = next(
            (j for j in runs if _applies(f.code_list, _joined(pieces, seps, i, j), on)),
            next((j for j in runs if f.code_list.candidates(_joined(pieces, seps, i, j))), i + 1),
        )
        try:
            entry = _lookup_code(f, _joined(pieces, seps, i, end), on)
        except FieldError as exc:
            problems.append(exc)
        else:
            if entry.code not in codes:
                codes.append(entry.code)
        i = end
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise FieldError(
            problems[0].code,
            "；".join(p.message_zh.removesuffix("。") for p in problems) + "。",
            " ".join(p.message_en for p in problems),
            field=f.code,
            values=[p.details.get("value") for p in problems],
        )
    if not codes:
        return None, ()
    return tuple(codes), ()


def _issues_to_error(f: FieldDef, result: identifiers.ValidationResult) -> FieldError:
    first = result.errors[0]
    return FieldError(
        first.code,
        f"{f.label_zh}：" + "；".join(i.message_zh for i in result.errors) + "。",
        f"{f.label_en}: " + "; ".join(i.message_en for i in result.errors) + ".",
        field=f.code,
        value=result.normalized,
    )


def _warnings(f: FieldDef, result: identifiers.ValidationResult) -> tuple[FieldWarning, ...]:
    return tuple(
        FieldWarning(w.code, f"{f.label_zh}：{w.message_zh}", f"{f.label_en}: {w.message_en}")
        for w in result.warnings
    )


def _identifier_cleaner(
    scheme: IdentifierScheme,
) -> Callable[[FieldDef, object, date | None], _Cleaned]:
    def clean(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
        text = _as_text(raw)
        if scheme is IdentifierScheme.USCC:
            # The placeholder passes in the subject's own USCC field only; whether this
            # subject may use it (individual businesses) is a row rule (RULES §1).
            result = identifiers.validate_uscc(text, allow_placeholder=f.role == FieldRole.USCC)
        else:
            result = identifiers.validate(text, scheme)
        if result.errors:
            raise _issues_to_error(f, result)
        return result.normalized, _warnings(f, result)

    return clean


def _clean_id_number(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    text = identifiers.normalize(_as_text(raw))
    limit = f.max_length or _DEFAULT_ID_LENGTH
    if not _ID_NUMBER_RE.fullmatch(text) or len(text) > limit:
        raise f.error(
            "FIELD_ID_NUMBER_INVALID",
            f"的值“{_shown(raw)}”不是有效的证件号码（应为至多{limit}位字母、数字）。",
            f" “{_shown(raw)}” is not a valid ID document number (at most {limit} letters and "
            "digits).",
        )
    return text, ()


def _clean_integer(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw, ()
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw), ()
    text = unicodedata.normalize("NFKC", _as_text(raw)).strip() if not isinstance(raw, bool) else ""
    if re.fullmatch(r"[+-]?\d{1,18}", text):
        return int(text), ()
    raise f.error(
        "FIELD_INTEGER_INVALID",
        f"的值“{_shown(raw)}”不是整数。",
        f" “{_shown(raw)}” is not a whole number.",
    )


_TRUE: Final = frozenset({"是", "true", "1", "y", "yes", "t"})
_FALSE: Final = frozenset({"否", "false", "0", "n", "no", "f"})


def _clean_boolean(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    if isinstance(raw, bool):
        return raw, ()
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw), ()
    key = norm_key(_as_text(raw))
    if key in _TRUE:
        return True, ()
    if key in _FALSE:
        return False, ()
    raise f.error(
        "FIELD_BOOLEAN_INVALID",
        f"的值“{_shown(raw)}”无法识别：请填写“是”或“否”（也可为 true/false、1/0）。",
        f" “{_shown(raw)}” is not yes or no: enter 是 or 否 (or true/false, 1/0).",
    )


def _clean_url(f: FieldDef, raw: object, on: date | None) -> _Cleaned:
    text = _as_text(raw).strip()
    limit = f.max_length or _DEFAULT_URL_LENGTH
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() for ch in text)
        or len(text) > limit
    ):
        raise f.error(
            "FIELD_URL_INVALID",
            f"的值“{_shown(raw)}”不是有效网址：应以 http:// 或 https:// 开头，不含空格，"
            f"至多{limit}个字符。",
            f" “{_shown(raw)}” is not a valid web address: it starts with http:// or https://, "
            f"has no spaces and at most {limit} characters.",
        )
    return text, ()


_CLEANERS: Final[dict[str, Callable[[FieldDef, object, date | None], _Cleaned]]] = {
    FieldType.TEXT: _clean_text,
    FieldType.DATE: _clean_date,
    FieldType.AMOUNT_WANYUAN: _clean_amount,
    FieldType.CODE: _clean_code,
    FieldType.CODES: _clean_codes,
    FieldType.ID_TYPE: _clean_code,
    FieldType.USCC: _identifier_cleaner(IdentifierScheme.USCC),
    FieldType.ORG_CODE: _identifier_cleaner(IdentifierScheme.ORG_CODE),
    FieldType.BUSINESS_REG_NO: _identifier_cleaner(IdentifierScheme.BUSINESS_REG_NO),
    FieldType.TAX_REG_NO: _identifier_cleaner(IdentifierScheme.TAX_REG_NO),
    FieldType.PUBLIC_INSTITUTION_CERT: _identifier_cleaner(
        IdentifierScheme.PUBLIC_INSTITUTION_CERT
    ),
    FieldType.SOCIAL_ORG_CERT: _identifier_cleaner(IdentifierScheme.SOCIAL_ORG_CERT),
    FieldType.ID_NUMBER: _clean_id_number,
    FieldType.INTEGER: _clean_integer,
    FieldType.BOOLEAN: _clean_boolean,
    FieldType.URL: _clean_url,
}

#: Types whose fields name a code list.
CODE_LIST_TYPES: Final = frozenset({FieldType.CODE, FieldType.CODES, FieldType.ID_TYPE})
#: Types that take ``max_length``.
LENGTH_TYPES: Final = frozenset({FieldType.TEXT, FieldType.ID_NUMBER, FieldType.URL})


def value_cleaner(f: FieldDef) -> Callable[[object, date | None], _Cleaned]:
    """What :meth:`FieldDef.clean` runs for a value of ``f`` that is not empty, as one callable
    ``(raw, on) -> (value, warnings)``: a validator compiled for an item
    (:class:`xinyong.catalog.validation.RowValidator`) looks it up once per field instead of
    dispatching on the type for every value. Raises :class:`FieldError` like ``clean``."""
    if type(f).clean is not FieldDef.clean:  # a field type that cleans in its own way
        return lambda raw, on: f.clean(raw, on=on)
    return partial(_CLEANERS[f.type], f)


def field_types() -> Sequence[str]:
    """Every type a catalog file may use."""
    return tuple(_CLEANERS)
