"""Validation of the identifiers that credit records are keyed on.

Every credit record on the platform (administrative licences, penalties, red and black
lists, commitments …) must name its subject by an identifier.  A record filed under a
mistyped code silently attaches a penalty to the wrong company or person, so identifiers
are checked structurally *before* anything is stored, and every problem is reported with a
stable code and a message a data-entry clerk can act on ("第18位校验码应为 X，实际为 Y").

This module is deliberately pure Python (no Django imports) so that it can be used by the
models, the API, the importers and the command-line tool alike.  The rules encoded here
come from RULES.md §1–§2 and the following standards:

* **GB 32100-2015** 法人和其他组织统一社会信用代码编码规则 — the 18-character unified
  social credit code (USCC, 统一社会信用代码): registration authority, organisation type,
  administrative division, embedded organisation code and a mod-31 check character.
* **GB 11714** 全国组织机构代码编制规则 — the 9-character organisation code
  (组织机构代码), also embedded in positions 9–17 of a USCC, with a mod-11 check character.
* **GB 11643** 公民身份号码 — the 18-character resident identity number (居民身份证号码)
  with its ISO 7064 MOD 11-2 check character; the same check is used by the 2023-style
  foreign permanent resident ID card (外国人永久居留身份证).
* **GB/T 17710** (ISO 7064) 数据处理 校验码系统 — the hybrid MOD 11,10 system used for the
  check digit of the 15-digit business registration number (工商注册号).
* **GB/T 2260** 中华人民共和国行政区划代码 — the 6-digit administrative division codes.
  Names are looked up in the division table shipped with python-stdnum (``stdnum.cn.loc``),
  which also records renamed and abolished divisions.

Why not simply use python-stdnum?  ``stdnum.cn.uscc`` (2.2) requires the first eight
characters to be digits and therefore rejects perfectly valid codes issued by the
authorities whose code is a letter (``A`` 中央军委改革和编制办公室, ``N`` 农业, ``Y`` 其他),
and it knows nothing about the authority/type table, placeholders or legacy codes.  We do
use its division data, and the tests cross-check our check-character arithmetic against it.

Severity policy: an **error** makes the identifier unusable (``valid=False``); a **warning**
is shown to the clerk but the identifier is accepted (``valid=True``).  Each issue code
always has the same severity (see :data:`ERROR_CODES` and :data:`WARNING_CODES`).  Things
that legitimately occur in old or since-renamed registrations — an unknown division, an
embedded organisation code whose own check character does not match, check mismatches in
legacy codes — are warnings.

Normalisation (all schemes): every whitespace character is removed (including the
ideographic space U+3000), full-width ASCII (U+FF01–U+FF5E) is converted to half-width,
and letters are upper-cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Final

from stdnum import numdb

__all__ = [
    "ERROR_CODES",
    "ID_TYPE_CODES",
    "SUBJECT_KINDS",
    "USCC_ALPHABET",
    "USCC_AUTHORITIES",
    "USCC_PLACEHOLDER",
    "WARNING_CODES",
    "IdentifierScheme",
    "Issue",
    "RegistrationAuthority",
    "ValidationResult",
    "division_info",
    "guess_scheme",
    "make_resident_id",
    "make_uscc",
    "mask_identifier",
    "normalize",
    "org_code_check_character",
    "resident_id_check_character",
    "uscc_check_character",
    "validate",
    "validate_resident_id",
    "validate_uscc",
]


class IdentifierScheme(StrEnum):
    """The kinds of identifier the platform accepts."""

    USCC = "uscc"
    ORG_CODE = "org_code"
    BUSINESS_REG_NO = "business_reg_no"
    TAX_REG_NO = "tax_reg_no"
    PUBLIC_INSTITUTION_CERT = "public_institution_cert"
    SOCIAL_ORG_CERT = "social_org_cert"
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"


#: Natural-person identity document type codes (证件类型) used in data exchange.
ID_TYPE_CODES: Final[dict[str, IdentifierScheme]] = {
    "01": IdentifierScheme.RESIDENT_ID,  # 身份证
    "02": IdentifierScheme.PASSPORT,  # 护照
    "03": IdentifierScheme.HK_MACAO_PERMIT,  # 港澳居民来往内地通行证
    "04": IdentifierScheme.TAIWAN_PERMIT,  # 台湾居民来往大陆通行证
    "05": IdentifierScheme.FOREIGN_PERMANENT_ID,  # 外国人永久居留身份证
}

#: Subject kinds used across the project.
SUBJECT_KIND_LEGAL_PERSON: Final = "legal_person"  # 法人及非法人组织
SUBJECT_KIND_INDIVIDUAL_BUSINESS: Final = "individual_business"  # 个体工商户
SUBJECT_KIND_NATURAL_PERSON: Final = "natural_person"  # 自然人
SUBJECT_KIND_PUBLIC_BODY: Final = "public_body"
SUBJECT_KINDS: Final[frozenset[str]] = frozenset(
    {
        SUBJECT_KIND_LEGAL_PERSON,
        SUBJECT_KIND_INDIVIDUAL_BUSINESS,
        SUBJECT_KIND_NATURAL_PERSON,
        SUBJECT_KIND_PUBLIC_BODY,
    }
)

#: GB 32100-2015 character set: digits and upper-case letters except I, O, S, V, Z.
USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Placeholder reported by individual businesses that have no USCC (RULES.md §2).
USCC_PLACEHOLDER: Final = "00000000000000000X"

_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY_CHARS: Final = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_RESIDENT_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK: Final = "10X98765432"
_DIGITS: Final = frozenset("0123456789")
_EARLIEST_BIRTH_DATE: Final = date(1900, 1, 1)

# ---------------------------------------------------------------------------------------
# Registration authority / organisation type table (GB 32100-2015 表 1, as in RULES.md §2)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationAuthority:
    """A USCC registration authority (position 1) and its organisation types (position 2)."""

    name_zh: str
    name_en: str
    types: dict[str, tuple[str, str]]  # type code -> (name_zh, name_en)


_OTHER: Final = ("其他", "other")

#: Registration authority code -> authority with its organisation types.
USCC_AUTHORITIES: Final[dict[str, RegistrationAuthority]] = {
    "1": RegistrationAuthority(
        "机构编制",
        "public-sector staffing authority",
        {
            "1": ("机关", "government organ"),
            "2": ("事业单位", "public institution"),
            "3": (
                "中央编办直接管理机构编制的群众团体",
                "mass organisation whose staffing is managed directly by the Central Staffing"
                " Office",
            ),
            "9": _OTHER,
        },
    ),
    "2": RegistrationAuthority(
        "外交",
        "foreign affairs",
        {"1": ("外国常驻新闻机构", "resident foreign news agency"), "9": _OTHER},
    ),
    "3": RegistrationAuthority(
        "司法行政",
        "judicial administration",
        {
            "1": ("律师执业机构", "law firm"),
            "2": ("公证处", "notary office"),
            "3": ("基层法律服务所", "grassroots legal service office"),
            "4": ("司法鉴定机构", "forensic appraisal institution"),
            "5": ("仲裁委员会", "arbitration commission"),
            "9": _OTHER,
        },
    ),
    "4": RegistrationAuthority(
        "文化",
        "culture",
        {"1": ("外国在华文化中心", "foreign cultural centre in China"), "9": _OTHER},
    ),
    "5": RegistrationAuthority(
        "民政",
        "civil affairs",
        {
            "1": ("社会团体", "social organisation"),
            "2": ("民办非企业单位", "private non-enterprise unit"),
            "3": ("基金会", "foundation"),
            "9": _OTHER,
        },
    ),
    "6": RegistrationAuthority(
        "旅游",
        "tourism",
        {
            "1": (
                "外国旅游部门常驻代表机构",
                "resident representative office of a foreign tourism authority",
            ),
            "2": (
                "港澳台地区旅游部门常驻内地（大陆）代表机构",
                "mainland representative office of a Hong Kong, Macao or Taiwan tourism authority",
            ),
            "9": _OTHER,
        },
    ),
    "7": RegistrationAuthority(
        "宗教",
        "religious affairs",
        {
            "1": ("宗教活动场所", "venue for religious activities"),
            "2": ("宗教院校", "religious school"),
            "9": _OTHER,
        },
    ),
    "8": RegistrationAuthority(
        "工会",
        "trade unions",
        {"1": ("基层工会", "grassroots trade union"), "9": _OTHER},
    ),
    "9": RegistrationAuthority(
        "工商",
        "industry and commerce (market regulation)",
        {
            "1": ("企业", "enterprise"),
            "2": ("个体工商户", "individual business"),
            "3": ("农民专业合作社", "farmers' specialised cooperative"),
        },
    ),
    "A": RegistrationAuthority(
        "中央军委改革和编制办公室",
        "Reform and Staffing Office of the Central Military Commission",
        {"1": ("军队事业单位", "military public institution"), "9": _OTHER},
    ),
    "N": RegistrationAuthority(
        "农业",
        "agriculture",
        {
            "1": ("组级集体经济组织", "group-level collective economic organisation"),
            "2": ("村级集体经济组织", "village-level collective economic organisation"),
            "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
            "9": _OTHER,
        },
    ),
    "Y": RegistrationAuthority("其他", "other", {"1": _OTHER}),
}

# ---------------------------------------------------------------------------------------
# Issues and results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One problem found in an identifier.

    ``code`` is a stable UPPER_SNAKE identifier meant for programs (API responses, import
    reports, tests); the messages are meant for the clerk who typed the value.
    """

    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of validating one identifier.

    ``valid`` is ``True`` when there are no errors (warnings do not invalidate).  ``parts``
    holds what could be parsed out of the identifier; its keys depend on the scheme (see
    the ``validate_*`` functions) and are always present for USCC and resident IDs, with
    ``None`` for parts that could not be parsed.
    """

    scheme: IdentifierScheme
    input: str
    normalized: str
    valid: bool
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    parts: dict[str, object]

    @property
    def error_code(self) -> str | None:
        """Code of the first error, or ``None`` when the identifier is valid."""
        return self.errors[0].code if self.errors else None

    @property
    def warning_codes(self) -> tuple[str, ...]:
        """Codes of all warnings, in order."""
        return tuple(w.code for w in self.warnings)

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly representation (dates become ISO strings)."""
        return {
            "scheme": self.scheme.value,
            "input": self.input,
            "normalized": self.normalized,
            "valid": self.valid,
            "errors": [_issue_dict(i) for i in self.errors],
            "warnings": [_issue_dict(i) for i in self.warnings],
            "parts": _jsonable(self.parts),
        }


def _issue_dict(issue: Issue) -> dict[str, str]:
    return {"code": issue.code, "message_zh": issue.message_zh, "message_en": issue.message_en}


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


#: Every issue code that is an error (makes the identifier invalid).
ERROR_CODES: Final[frozenset[str]] = frozenset(
    {
        "IDENTIFIER_EMPTY",
        "USCC_BAD_LENGTH",
        "USCC_BAD_CHARACTER",
        "USCC_BAD_CHECK",
        "USCC_UNKNOWN_AUTHORITY_TYPE",
        "USCC_BAD_DIVISION",
        "USCC_PLACEHOLDER_NOT_ALLOWED",
        "ID_BAD_LENGTH",
        "ID_BAD_CHARACTER",
        "ID_BAD_CHECK",
        "ID_BAD_BIRTH_DATE",
        "ID_FUTURE_BIRTH_DATE",
        "ORG_CODE_BAD_LENGTH",
        "ORG_CODE_BAD_CHARACTER",
        "BUSINESS_REG_NO_BAD_LENGTH",
        "BUSINESS_REG_NO_BAD_CHARACTER",
        "TAX_REG_NO_BAD_LENGTH",
        "TAX_REG_NO_BAD_CHARACTER",
        "PUBLIC_INSTITUTION_CERT_BAD_FORMAT",
        "SOCIAL_ORG_CERT_BAD_FORMAT",
        "PASSPORT_BAD_FORMAT",
        "HK_MACAO_PERMIT_BAD_FORMAT",
        "TAIWAN_PERMIT_BAD_FORMAT",
        "FOREIGN_ID_BAD_FORMAT",
        "FOREIGN_ID_BAD_CHECK",
    }
)

#: Every issue code that is only a warning (identifier still accepted).
WARNING_CODES: Final[frozenset[str]] = frozenset(
    {
        "DIVISION_UNKNOWN",
        "USCC_ORG_CODE_MISMATCH",
        "USCC_PLACEHOLDER_REG_NO_REQUIRED",
        "ORG_CODE_BAD_CHECK",
        "BUSINESS_REG_NO_BAD_CHECK",
        "BUSINESS_REG_NO_LEGACY_FORMAT",
        "TAX_REG_NO_BAD_CHECK",
        "FOREIGN_ID_BAD_BIRTH_DATE",
    }
)


def _issue(code: str, zh: str, en: str) -> Issue:
    assert code in ERROR_CODES or code in WARNING_CODES, code
    return Issue(code, zh, en)


def _result(
    scheme: IdentifierScheme,
    value: str,
    normalized: str,
    errors: list[Issue],
    warnings: list[Issue],
    parts: dict[str, object],
) -> ValidationResult:
    return ValidationResult(
        scheme=scheme,
        input=value,
        normalized=normalized,
        valid=not errors,
        errors=tuple(errors),
        warnings=tuple(warnings),
        parts=parts,
    )


def _empty_issue() -> Issue:
    return _issue("IDENTIFIER_EMPTY", "证照号码不能为空", "the identifier is empty")


# ---------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------


def normalize(value: str) -> str:
    """Remove all whitespace, convert full-width ASCII to half-width and upper-case.

    >>> normalize(" ９１１１０　000600037341l ")
    '91110000600037341L'
    """
    chars: list[str] = []
    for ch in value:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if ch.isspace():
            continue
        chars.append(ch)
    return "".join(chars).upper()


# ---------------------------------------------------------------------------------------
# Administrative divisions (GB/T 2260) via stdnum's cn/loc table
# ---------------------------------------------------------------------------------------

_NAME_RE: Final = re.compile(r"^\[(\d*)-(\d*)\](.*)$")

#: Division code used by central (national-level) registration authorities.  It is not a
#: GB/T 2260 county code and is not in stdnum's table, but appears in USCCs of central
#: bodies (interpretation; see RULES.md §2).
_NATIONAL_DIVISION: Final = "100000"


def _parse_names(raw: str) -> list[tuple[int | None, int | None, str]]:
    """Split ``"[-1991]东郊区,[1992-]东丽区"`` into (start, end, name) triples."""
    names: list[tuple[int | None, int | None, str]] = []
    for item in raw.split(","):
        match = _NAME_RE.match(item)
        if match is None:
            names.append((None, None, item))
        else:
            start, end, name = match.groups()
            names.append((int(start) if start else None, int(end) if end else None, name))
    return names


def _pick_name(raw: str, year: int | None) -> tuple[str, bool]:
    """Return (name, still_current) choosing the name valid in ``year`` when given."""
    names = _parse_names(raw)
    current = any(end is None for _, end, _ in names)
    if year is not None:
        for start, end, name in names:
            if (start is None or year >= start) and (end is None or year <= end):
                return name, current
    for _, end, name in reversed(names):
        if end is None:
            return name, current
    return names[-1][2], current


@lru_cache(maxsize=4096)
def _lookup_division(code: str) -> tuple[str | None, str | None]:
    """Return (raw county entry, province name) from stdnum's table."""
    info = numdb.get("cn/loc").info(code)
    province = info[0][1].get("province") if info and len(info[0][0]) == 2 else None
    county: str | None = None
    if len(info) >= 2 and len(info[0][0]) == 2 and len(info[1][0]) == 4:
        county = info[1][1].get("county")
    return county, province


def division_info(code: str, *, year: int | None = None) -> dict[str, object]:
    """Describe a 6-digit GB/T 2260 division code.

    Returns ``{"code", "name", "province", "province_code", "known", "current"}``.
    ``name`` is ``None`` when the code is not in the table (``known=False``).  When the
    division was renamed, ``year`` selects the name in force that year (e.g. a birth
    year); otherwise the current (or, for abolished divisions, the last) name is given.
    ``current`` is ``False`` for divisions that have since been abolished.
    ``province`` is the name of the province-level division ``code[:2] + "0000"``.
    """
    if len(code) != 6 or not set(code) <= _DIGITS:
        raise ValueError(f"division code must be 6 digits, got {code!r}")
    if code == _NATIONAL_DIVISION:
        return {
            "code": code,
            "name": "全国（中央）",
            "province": None,
            "province_code": None,
            "known": True,
            "current": True,
        }
    raw, province = _lookup_division(code)
    name: str | None = None
    current = False
    if raw is not None:
        name, current = _pick_name(raw, year)
    return {
        "code": code,
        "name": name,
        "province": province,
        "province_code": code[:2] + "0000",
        "known": raw is not None,
        "current": current,
    }


def _division_warning(code: str, where_zh: str, where_en: str) -> Issue:
    return _issue(
        "DIVISION_UNKNOWN",
        f"{where_zh}行政区划代码 {code} 不在现行或历史区划表中，请核对（可能为已撤销或更名的区划）",
        f"administrative division code {code} ({where_en}) is not in the current or "
        "historical division table; please double-check (it may be a renamed or abolished "
        "division)",
    )


# ---------------------------------------------------------------------------------------
# Check characters
# ---------------------------------------------------------------------------------------


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a USCC.

    Σ(value × 3^(i−1) mod 31); check value = 31 − (Σ mod 31), 31 → 0; the value indexes
    :data:`USCC_ALPHABET`.
    """
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError(f"expected 17 USCC characters, got {first17!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_char_value(ch: str) -> int:
    return int(ch) if ch in _DIGITS else ord(ch) - ord("A") + 10


def org_code_check_character(body8: str) -> str:
    """GB 11714 check character for the 8-character body of an organisation code.

    Weights 3,7,9,10,5,8,4,2; digits count 0–9 and letters A=10 … Z=35;
    check = 11 − (Σ mod 11), where 10 → ``X`` and 11 → ``0``.
    """
    if len(body8) != 8 or any(c not in _ORG_CODE_BODY_CHARS for c in body8):
        raise ValueError(f"expected 8 digits or upper-case letters, got {body8!r}")
    total = sum(_org_char_value(c) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def resident_id_check_character(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def _mod_11_10_check_digit(digits: str) -> str:
    """GB/T 17710 (ISO 7064) hybrid MOD 11,10 check digit for a string of digits."""
    product = 10
    for ch in digits:
        total = (product + int(ch)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


# ---------------------------------------------------------------------------------------
# Builders (demo data, tests)
# ---------------------------------------------------------------------------------------


def make_uscc(authority: str, org_type: str, division: str, org_body8: str) -> str:
    """Build a valid USCC from its parts, computing both check characters.

    ``org_body8`` is the 8-character body of the organisation code; it must use the USCC
    alphabet.  Raises :class:`ValueError` for an unknown authority/type combination or
    malformed parts (an unknown but well-formed division is allowed).
    """
    auth = USCC_AUTHORITIES.get(authority)
    if auth is None or org_type not in auth.types:
        raise ValueError(f"unknown registration authority/type {authority!r}/{org_type!r}")
    if len(division) != 6 or not set(division) <= _DIGITS:
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if len(org_body8) != 8 or any(c not in USCC_ALPHABET for c in org_body8):
        raise ValueError(f"organisation code body must be 8 USCC characters, got {org_body8!r}")
    first17 = authority + org_type + division + org_body8 + org_code_check_character(org_body8)
    return first17 + uscc_check_character(first17)


def make_business_reg_no(division: str, sequence8: str) -> str:
    """Build a valid 15-digit business registration number (注册号): division, 8-digit
    sequence, GB/T 17710 MOD 11,10 check digit."""
    body = division + sequence8
    if len(body) != 14 or not set(body) <= _DIGITS:
        raise ValueError(
            f"expected a 6-digit division and 8 digits, got {division!r}, {sequence8!r}"
        )
    return body + _mod_11_10_check_digit(body)


def make_resident_id(division: str, birth: date, seq3: str) -> str:
    """Build a valid 18-character resident ID (odd ``seq3`` = male, even = female)."""
    if len(division) != 6 or not set(division) <= _DIGITS:
        raise ValueError(f"division must be 6 digits, got {division!r}")
    if len(seq3) != 3 or not set(seq3) <= _DIGITS:
        raise ValueError(f"sequence must be 3 digits, got {seq3!r}")
    first17 = division + birth.strftime("%Y%m%d") + seq3
    if len(first17) != 17:
        raise ValueError(f"birth year must have 4 digits, got {birth!r}")
    return first17 + resident_id_check_character(first17)


# ---------------------------------------------------------------------------------------
# USCC
# ---------------------------------------------------------------------------------------


def _positions(indices: list[int]) -> str:
    return "、".join(str(i + 1) for i in indices)


def _positions_en(indices: list[int]) -> str:
    return ", ".join(str(i + 1) for i in indices)


def validate_uscc(value: str, *, allow_placeholder: bool = False) -> ValidationResult:
    """Validate a unified social credit code (GB 32100-2015).

    Errors: ``IDENTIFIER_EMPTY``, ``USCC_BAD_LENGTH``, ``USCC_BAD_CHARACTER`` (outside
    ``0-9 A-H J-N P-R T U W-Y``), ``USCC_BAD_CHECK``, ``USCC_UNKNOWN_AUTHORITY_TYPE``
    (position 1 or the 1+2 combination is not in the GB 32100 table),
    ``USCC_BAD_DIVISION`` (positions 3–8 not six digits), ``USCC_PLACEHOLDER_NOT_ALLOWED``.

    Warnings: ``DIVISION_UNKNOWN`` (codes issued under since-renamed divisions exist),
    ``USCC_ORG_CODE_MISMATCH`` (positions 9–17 fail the GB 11714 check; older
    organisation codes exist), ``USCC_PLACEHOLDER_REG_NO_REQUIRED``.

    ``allow_placeholder`` accepts :data:`USCC_PLACEHOLDER` (individual businesses reported
    without a USCC); the result then has ``parts["placeholder"] is True`` and a warning
    that the business registration number is required.

    ``parts`` keys: ``registration_authority`` and ``organisation_type`` (``{"code",
    "name", "name_en"}``), ``division`` (see :func:`division_info`), ``organisation_code``
    (9 characters), ``check_character``, ``placeholder``.
    """
    scheme = IdentifierScheme.USCC
    norm = normalize(value)
    errors: list[Issue] = []
    warnings: list[Issue] = []
    parts: dict[str, object] = {
        "registration_authority": None,
        "organisation_type": None,
        "division": None,
        "organisation_code": None,
        "check_character": None,
        "placeholder": False,
    }
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], parts)

    if norm == USCC_PLACEHOLDER:
        if allow_placeholder:
            parts["placeholder"] = True
            warnings.append(
                _issue(
                    "USCC_PLACEHOLDER_REG_NO_REQUIRED",
                    f"{USCC_PLACEHOLDER} 为个体工商户无统一社会信用代码时的占位代码，"
                    "须同时填报工商注册号",
                    f"{USCC_PLACEHOLDER} is the placeholder for an individual business without"
                    " a USCC; the business registration number is then required",
                )
            )
        else:
            errors.append(
                _issue(
                    "USCC_PLACEHOLDER_NOT_ALLOWED",
                    f"占位代码 {USCC_PLACEHOLDER} 仅限未取得统一社会信用代码的个体工商户使用，"
                    "请填写真实的统一社会信用代码",
                    f"the placeholder {USCC_PLACEHOLDER} may only be used for individual"
                    " businesses without a USCC; enter the real unified social credit code",
                )
            )
        return _result(scheme, value, norm, errors, warnings, parts)

    if len(norm) != 18:
        errors.append(
            _issue(
                "USCC_BAD_LENGTH",
                f"统一社会信用代码应为18位，实际为{len(norm)}位",
                f"a unified social credit code has 18 characters, got {len(norm)}",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)

    bad = [i for i, c in enumerate(norm) if c not in USCC_ALPHABET]
    if bad:
        shown = "、".join(f"第{i + 1}位“{norm[i]}”" for i in bad)
        shown_en = ", ".join(f"{norm[i]!r} at position {i + 1}" for i in bad)
        errors.append(
            _issue(
                "USCC_BAD_CHARACTER",
                f"{shown}不是统一社会信用代码允许的字符（只能是数字和除 I、O、S、V、Z 以外的"
                "大写字母）",
                f"invalid character(s) {shown_en}: only digits and upper-case letters other"
                " than I, O, S, V, Z are allowed",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)

    expected = uscc_check_character(norm[:17])
    parts["check_character"] = norm[17]
    if norm[17] != expected:
        errors.append(
            _issue(
                "USCC_BAD_CHECK",
                f"第18位校验码应为 {expected}，实际为 {norm[17]}，请核对是否有录入错误",
                f"check character (position 18) should be {expected}, got {norm[17]};"
                " please look for a typing error",
            )
        )

    auth = USCC_AUTHORITIES.get(norm[0])
    if auth is None:
        errors.append(
            _issue(
                "USCC_UNKNOWN_AUTHORITY_TYPE",
                f"第1位登记管理部门代码 {norm[0]} 不存在",
                f"registration authority code {norm[0]} (position 1) does not exist",
            )
        )
    else:
        parts["registration_authority"] = {
            "code": norm[0],
            "name": auth.name_zh,
            "name_en": auth.name_en,
        }
        org_type = auth.types.get(norm[1])
        if org_type is None:
            errors.append(
                _issue(
                    "USCC_UNKNOWN_AUTHORITY_TYPE",
                    f"登记管理部门 {norm[0]}（{auth.name_zh}）下没有机构类别代码 {norm[1]}"
                    f"（第2位应为 {'、'.join(auth.types)} 之一）",
                    f"registration authority {norm[0]} ({auth.name_en}) has no organisation"
                    f" type {norm[1]} (position 2 must be one of {', '.join(auth.types)})",
                )
            )
        else:
            parts["organisation_type"] = {
                "code": norm[1],
                "name": org_type[0],
                "name_en": org_type[1],
            }

    division = norm[2:8]
    if not set(division) <= _DIGITS:
        errors.append(
            _issue(
                "USCC_BAD_DIVISION",
                f"第3至8位行政区划代码应为6位数字，实际为 {division}",
                f"positions 3-8 (administrative division) must be 6 digits, got {division}",
            )
        )
    else:
        info = division_info(division)
        parts["division"] = info
        if not info["known"]:
            warnings.append(_division_warning(division, "第3至8位", "positions 3-8"))

    org_code = norm[8:17]
    parts["organisation_code"] = org_code
    org_expected = org_code_check_character(org_code[:8])
    if org_code[8] != org_expected:
        warnings.append(
            _issue(
                "USCC_ORG_CODE_MISMATCH",
                f"第9至17位组织机构代码 {org_code[:8]}-{org_code[8]} 的校验码应为 "
                f"{org_expected}，实际为 {org_code[8]}（早期代码可能存在此情况，请核对）",
                f"embedded organisation code {org_code[:8]}-{org_code[8]} (positions 9-17)"
                f" should end in {org_expected}, got {org_code[8]} (happens with some older"
                " codes; please double-check)",
            )
        )
    return _result(scheme, value, norm, errors, warnings, parts)


# ---------------------------------------------------------------------------------------
# Resident ID (GB 11643)
# ---------------------------------------------------------------------------------------


def _parse_ymd(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def validate_resident_id(value: str, *, today: date | None = None) -> ValidationResult:
    """Validate an 18-character resident identity number (GB 11643).

    Errors: ``IDENTIFIER_EMPTY``, ``ID_BAD_LENGTH`` (a 15-digit first-generation number
    gets a specific message), ``ID_BAD_CHARACTER``, ``ID_BAD_CHECK``,
    ``ID_BAD_BIRTH_DATE`` (positions 7–14 not a real date, or before 1900-01-01),
    ``ID_FUTURE_BIRTH_DATE`` (after ``today``, default: the current date).
    Warning: ``DIVISION_UNKNOWN``.  A lower-case ``x`` is normalised to ``X``.

    ``parts`` keys: ``division`` (see :func:`division_info`, names as of the birth year),
    ``birth_date`` (:class:`datetime.date`), ``sex`` (``"male"``/``"female"``, from the
    parity of digit 17), ``sequence`` (digits 15–17), ``check_character``.
    """
    scheme = IdentifierScheme.RESIDENT_ID
    today = today or date.today()
    norm = normalize(value)
    errors: list[Issue] = []
    warnings: list[Issue] = []
    parts: dict[str, object] = {
        "division": None,
        "birth_date": None,
        "sex": None,
        "sequence": None,
        "check_character": None,
    }
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], parts)
    if len(norm) != 18:
        if len(norm) == 15 and set(norm) <= _DIGITS:
            zh = "这是15位第一代身份证号码，请填写18位身份证号码"
            en = "this is a 15-digit first-generation ID number; enter the 18-character number"
        else:
            zh = f"身份证号码应为18位，实际为{len(norm)}位"
            en = f"a resident ID number has 18 characters, got {len(norm)}"
        errors.append(_issue("ID_BAD_LENGTH", zh, en))
        return _result(scheme, value, norm, errors, warnings, parts)

    bad = [i for i, c in enumerate(norm[:17]) if c not in _DIGITS]
    if norm[17] not in _DIGITS and norm[17] != "X":
        bad.append(17)
    if bad:
        errors.append(
            _issue(
                "ID_BAD_CHARACTER",
                f"第{_positions(bad)}位字符无效：前17位必须是数字，第18位是数字或 X",
                f"invalid character at position(s) {_positions_en(bad)}: the first 17"
                " characters must be digits and the 18th a digit or X",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)

    expected = resident_id_check_character(norm[:17])
    parts["check_character"] = norm[17]
    if norm[17] != expected:
        errors.append(
            _issue(
                "ID_BAD_CHECK",
                f"第18位校验码应为 {expected}，实际为 {norm[17]}，请核对是否有录入错误",
                f"check character (position 18) should be {expected}, got {norm[17]};"
                " please look for a typing error",
            )
        )

    birth = _parse_ymd(norm[6:14])
    if birth is None or birth < _EARLIEST_BIRTH_DATE:
        errors.append(
            _issue(
                "ID_BAD_BIRTH_DATE",
                f"第7至14位出生日期 {norm[6:14]} 不是有效日期（应为1900年1月1日以后的真实日期）",
                f"positions 7-14 ({norm[6:14]}) are not a valid birth date (must be a real"
                " date on or after 1900-01-01)",
            )
        )
        birth = None
    elif birth > today:
        errors.append(
            _issue(
                "ID_FUTURE_BIRTH_DATE",
                f"第7至14位出生日期 {birth.isoformat()} 晚于今天（{today.isoformat()}）",
                f"birth date {birth.isoformat()} (positions 7-14) is in the future"
                f" (today is {today.isoformat()})",
            )
        )
    parts["birth_date"] = birth

    info = division_info(norm[:6], year=birth.year if birth else None)
    parts["division"] = info
    if not info["known"]:
        warnings.append(_division_warning(norm[:6], "第1至6位", "positions 1-6"))

    parts["sequence"] = norm[14:17]
    parts["sex"] = "male" if int(norm[16]) % 2 == 1 else "female"
    return _result(scheme, value, norm, errors, warnings, parts)


# ---------------------------------------------------------------------------------------
# Legacy legal-person codes
# ---------------------------------------------------------------------------------------


def _validate_org_code(value: str) -> ValidationResult:
    """Organisation code (组织机构代码, GB 11714): 8 body characters + check character.

    Input may be written ``12345678-9``; hyphens are removed.  A check mismatch is only a
    warning (``ORG_CODE_BAD_CHECK``): codes assigned before the check was enforced exist
    and RULES.md asks us to be consistent with the embedded-code rule for USCCs.
    ``parts``: ``body``, ``check_character``, ``formatted`` (``XXXXXXXX-X``).
    """
    scheme = IdentifierScheme.ORG_CODE
    norm = normalize(value).replace("-", "")
    errors: list[Issue] = []
    warnings: list[Issue] = []
    parts: dict[str, object] = {}
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], parts)
    if len(norm) != 9:
        errors.append(
            _issue(
                "ORG_CODE_BAD_LENGTH",
                f"组织机构代码应为9位（8位本体代码+1位校验码），实际为{len(norm)}位",
                f"an organisation code has 9 characters (8 + check character), got {len(norm)}",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)
    bad = [i for i, c in enumerate(norm[:8]) if c not in _ORG_CODE_BODY_CHARS]
    if norm[8] not in _DIGITS and norm[8] != "X":
        bad.append(8)
    if bad:
        errors.append(
            _issue(
                "ORG_CODE_BAD_CHARACTER",
                f"第{_positions(bad)}位字符无效：前8位为数字或大写字母，第9位为数字或 X",
                f"invalid character at position(s) {_positions_en(bad)}: the first 8 must be"
                " digits or upper-case letters, the 9th a digit or X",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)
    parts.update(body=norm[:8], check_character=norm[8], formatted=f"{norm[:8]}-{norm[8]}")
    expected = org_code_check_character(norm[:8])
    if norm[8] != expected:
        warnings.append(
            _issue(
                "ORG_CODE_BAD_CHECK",
                f"组织机构代码校验码应为 {expected}，实际为 {norm[8]}，请核对",
                f"organisation code check character should be {expected}, got {norm[8]};"
                " please double-check",
            )
        )
    return _result(scheme, value, norm, errors, warnings, parts)


def _validate_business_reg_no(value: str) -> ValidationResult:
    """Business registration number (工商注册号).

    Interpretation: the 2006+ format is 15 digits — 6-digit division of the registering
    authority, 8-digit sequence, and a GB/T 17710 (ISO 7064 MOD 11,10) check digit.  A
    check mismatch is a warning (``BUSINESS_REG_NO_BAD_CHECK``).  Older 13-digit numbers
    (no check digit) are accepted with ``BUSINESS_REG_NO_LEGACY_FORMAT``.  An unknown
    division is ``DIVISION_UNKNOWN``.  Older numbers with Chinese prefixes (企合…字第…号)
    are not accepted; enter the digits only.
    ``parts``: ``division``, ``format`` (``"15"`` / ``"13"``), ``check_character``.
    """
    scheme = IdentifierScheme.BUSINESS_REG_NO
    norm = normalize(value)
    errors: list[Issue] = []
    warnings: list[Issue] = []
    parts: dict[str, object] = {}
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], parts)
    if len(norm) not in (13, 15):
        errors.append(
            _issue(
                "BUSINESS_REG_NO_BAD_LENGTH",
                f"工商注册号应为15位数字（早期为13位），实际为{len(norm)}位",
                f"a business registration number has 15 digits (older ones 13), got {len(norm)}",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)
    bad = [i for i, c in enumerate(norm) if c not in _DIGITS]
    if bad:
        errors.append(
            _issue(
                "BUSINESS_REG_NO_BAD_CHARACTER",
                f"工商注册号只能包含数字，第{_positions(bad)}位不是数字",
                f"a business registration number contains digits only; position(s)"
                f" {_positions_en(bad)} are not digits",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)
    parts["format"] = str(len(norm))
    info = division_info(norm[:6])
    parts["division"] = info
    if not info["known"]:
        warnings.append(_division_warning(norm[:6], "工商注册号第1至6位", "positions 1-6"))
    if len(norm) == 13:
        parts["check_character"] = None
        warnings.append(
            _issue(
                "BUSINESS_REG_NO_LEGACY_FORMAT",
                "这是早期13位工商注册号，无法校验，请核对营业执照",
                "this is an older 13-digit registration number without a check digit;"
                " please compare with the business licence",
            )
        )
    else:
        parts["check_character"] = norm[14]
        expected = _mod_11_10_check_digit(norm[:14])
        if norm[14] != expected:
            warnings.append(
                _issue(
                    "BUSINESS_REG_NO_BAD_CHECK",
                    f"工商注册号第15位校验码应为 {expected}，实际为 {norm[14]}，请核对",
                    f"check digit (position 15) should be {expected}, got {norm[14]};"
                    " please double-check",
                )
            )
    return _result(scheme, value, norm, errors, warnings, parts)


def _tax_check_warning(detail_zh: str, detail_en: str) -> Issue:
    return _issue(
        "TAX_REG_NO_BAD_CHECK",
        f"税务登记号{detail_zh}，请核对",
        f"tax registration number: {detail_en}; please double-check",
    )


def _validate_tax_reg_no(value: str, *, today: date | None) -> ValidationResult:
    """Tax registration number (税务登记证号).

    Interpretation (lenient; the format was never fully standardised):

    * 15 characters = 6-digit division + 9-character organisation code;
    * 18 characters = a USCC (validated as such, see :func:`validate_uscc`);
    * 20 characters = 18-character resident ID of the individual + 2 digits.

    Hyphens are removed.  Every check-character mismatch (organisation code, USCC, resident
    ID) becomes the warning ``TAX_REG_NO_BAD_CHECK``; structural problems (length,
    characters, authority/type, birth date) remain errors, with the embedded scheme's codes
    for the 18- and 20-character forms.
    ``parts``: ``format`` (``"division+org_code"``, ``"uscc"``, ``"resident_id+2"``) plus the
    parts of the embedded identifier.
    """
    scheme = IdentifierScheme.TAX_REG_NO
    norm = normalize(value).replace("-", "")
    errors: list[Issue] = []
    warnings: list[Issue] = []
    parts: dict[str, object] = {}
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], parts)
    if len(norm) not in (15, 18, 20):
        errors.append(
            _issue(
                "TAX_REG_NO_BAD_LENGTH",
                f"税务登记号应为15位、18位或20位，实际为{len(norm)}位",
                f"a tax registration number has 15, 18 or 20 characters, got {len(norm)}",
            )
        )
        return _result(scheme, value, norm, errors, warnings, parts)

    if len(norm) == 15:
        org = norm[6:]
        bad = [i for i, c in enumerate(norm[:6]) if c not in _DIGITS]
        bad += [6 + i for i, c in enumerate(org[:8]) if c not in _ORG_CODE_BODY_CHARS]
        if org[8] not in _DIGITS and org[8] != "X":
            bad.append(14)
        if bad:
            errors.append(
                _issue(
                    "TAX_REG_NO_BAD_CHARACTER",
                    f"第{_positions(bad)}位字符无效：15位税务登记号为6位行政区划代码加9位组织机构代码",
                    f"invalid character at position(s) {_positions_en(bad)}: a 15-character tax"
                    " number is a 6-digit division code followed by a 9-character organisation"
                    " code",
                )
            )
            return _result(scheme, value, norm, errors, warnings, parts)
        info = division_info(norm[:6])
        parts.update(format="division+org_code", division=info, organisation_code=org)
        if not info["known"]:
            warnings.append(_division_warning(norm[:6], "税务登记号第1至6位", "positions 1-6"))
        expected = org_code_check_character(org[:8])
        if org[8] != expected:
            warnings.append(
                _tax_check_warning(
                    f"中组织机构代码的校验码应为 {expected}，实际为 {org[8]}",
                    f"the organisation code check character should be {expected}, got {org[8]}",
                )
            )
        return _result(scheme, value, norm, errors, warnings, parts)

    if len(norm) == 18:
        inner = validate_uscc(norm)
        parts.update(inner.parts, format="uscc")
    else:
        if not set(norm[18:]) <= _DIGITS:
            errors.append(
                _issue(
                    "TAX_REG_NO_BAD_CHARACTER",
                    "20位税务登记号的第19、20位必须是数字",
                    "positions 19 and 20 of a 20-character tax number must be digits",
                )
            )
        inner = validate_resident_id(norm[:18], today=today)
        parts.update(inner.parts, format="resident_id+2", suffix=norm[18:])
    for issue in inner.errors:
        if issue.code in ("USCC_BAD_CHECK", "ID_BAD_CHECK"):
            warnings.append(_tax_check_warning(f"：{issue.message_zh}", issue.message_en))
        else:
            errors.append(issue)
    warnings.extend(inner.warnings)
    return _result(scheme, value, norm, errors, warnings, parts)


_PUBLIC_CERT_RE: Final = re.compile(r"^(?:事证第)?(\d{12})号?$")


def _validate_public_institution_cert(value: str) -> ValidationResult:
    """Public-institution legal-person certificate number (事业单位法人证书号).

    Structural check only: 12 digits, optionally written ``事证第…号``.  The normalised form
    is the 12 digits; ``parts["formatted"]`` is ``事证第XXXXXXXXXXXX号``.
    """
    scheme = IdentifierScheme.PUBLIC_INSTITUTION_CERT
    norm = normalize(value)
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], {})
    match = _PUBLIC_CERT_RE.match(norm)
    if match is None:
        error = _issue(
            "PUBLIC_INSTITUTION_CERT_BAD_FORMAT",
            "事业单位法人证书号应为12位数字（可带“事证第”前缀和“号”后缀）",
            "a public-institution certificate number is 12 digits (optionally written 事证第…号)",
        )
        return _result(scheme, value, norm, [error], [], {})
    digits = match.group(1)
    return _result(scheme, value, digits, [], [], {"formatted": f"事证第{digits}号"})


_SOCIAL_ORG_EXTRA_CHARS: Final = frozenset("-()[]〔〕【】")


def _validate_social_org_cert(value: str) -> ValidationResult:
    """Registration certificate number of a social organisation, private non-enterprise
    unit or foundation (社会团体/民办非企业单位/基金会登记证号).

    Interpretation: these numbers were issued by each civil-affairs bureau in its own
    style (``京民证字第0012345号``, ``民政部社证字第0001号``, …), so the check is only
    structural: 4–30 characters, letters (including Chinese characters), digits, hyphens
    and brackets, with at least one digit.
    """
    scheme = IdentifierScheme.SOCIAL_ORG_CERT
    norm = normalize(value)
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], {})
    ok = (
        4 <= len(norm) <= 30
        and all(c.isalnum() or c in _SOCIAL_ORG_EXTRA_CHARS for c in norm)
        and any(c in _DIGITS for c in norm)
    )
    if not ok:
        error = _issue(
            "SOCIAL_ORG_CERT_BAD_FORMAT",
            "登记证号应为4至30位，由汉字、字母、数字组成且至少包含一位数字",
            "a registration certificate number has 4-30 characters (Chinese characters,"
            " letters, digits) and contains at least one digit",
        )
        return _result(scheme, value, norm, [error], [], {})
    return _result(scheme, value, norm, [], [], {})


# ---------------------------------------------------------------------------------------
# Other natural-person documents
# ---------------------------------------------------------------------------------------

_PASSPORT_RE: Final = re.compile(r"^[A-Z0-9]{5,20}$")
_HK_MACAO_RE: Final = re.compile(r"^[HM](\d{8}|\d{10})$")
_TAIWAN_RE: Final = re.compile(r"^(\d{8}|[A-Z0-9]{10})$")
_FOREIGN_OLD_RE: Final = re.compile(r"^[A-Z]{3}\d{12}$")
_FOREIGN_NEW_RE: Final = re.compile(r"^9\d{16}[\dX]$")


def _simple(
    scheme: IdentifierScheme,
    value: str,
    norm: str,
    pattern: re.Pattern[str],
    code: str,
    zh: str,
    en: str,
) -> ValidationResult:
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], {})
    if pattern.match(norm) is None:
        return _result(scheme, value, norm, [_issue(code, zh, en)], [], {})
    return _result(scheme, value, norm, [], [], {})


def _validate_passport(value: str) -> ValidationResult:
    """Passport number: 5–20 letters/digits (lenient — formats vary by issuing country)."""
    return _simple(
        IdentifierScheme.PASSPORT,
        value,
        normalize(value),
        _PASSPORT_RE,
        "PASSPORT_BAD_FORMAT",
        "护照号码应为5至20位字母或数字",
        "a passport number has 5-20 letters or digits",
    )


def _validate_hk_macao_permit(value: str) -> ValidationResult:
    """港澳居民来往内地通行证: ``H`` (Hong Kong) or ``M`` (Macao) + 8 digits (current cards)
    or 10 digits (older cards, which appended a 2-digit renewal count)."""
    return _simple(
        IdentifierScheme.HK_MACAO_PERMIT,
        value,
        normalize(value),
        _HK_MACAO_RE,
        "HK_MACAO_PERMIT_BAD_FORMAT",
        "港澳居民来往内地通行证号码应为 H 或 M 加8位或10位数字",
        "a Hong Kong/Macao permit number is H or M followed by 8 or 10 digits",
    )


def _validate_taiwan_permit(value: str) -> ValidationResult:
    """台湾居民来往大陆通行证: 8 digits (current cards) or, leniently, 10 letters/digits
    (older booklets, 8 digits + a 2-character renewal suffix).  Brackets, as in
    ``12345678(01)``, are dropped before checking; this is an interpretation, as the old
    style was not recorded consistently."""
    norm = normalize(value).replace("(", "").replace(")", "")
    return _simple(
        IdentifierScheme.TAIWAN_PERMIT,
        value,
        norm,
        _TAIWAN_RE,
        "TAIWAN_PERMIT_BAD_FORMAT",
        "台湾居民来往大陆通行证号码应为8位数字（旧版为10位）",
        "a Taiwan permit number has 8 digits (10 characters for old-style permits)",
    )


def _validate_foreign_permanent_id(value: str) -> ValidationResult:
    """外国人永久居留身份证.

    * Old style (2004): 15 characters, 3-letter nationality code + 12 digits; structural
      check only (the check digit algorithm is not published, so it is not verified).
    * New style (2023): 18 characters starting with ``9`` (then 2-digit province,
      3-digit nationality, 8-digit birth date, 3-digit sequence), with the GB 11643 check
      character — a mismatch is the error ``FOREIGN_ID_BAD_CHECK``.  An unparseable birth
      date is only a warning (``FOREIGN_ID_BAD_BIRTH_DATE``) since we are less sure of
      the layout.

    ``parts``: ``format`` (``"old"``/``"new"``) and, for the new style, ``birth_date``.
    """
    scheme = IdentifierScheme.FOREIGN_PERMANENT_ID
    norm = normalize(value)
    if not norm:
        return _result(scheme, value, norm, [_empty_issue()], [], {})
    if _FOREIGN_OLD_RE.match(norm):
        return _result(scheme, value, norm, [], [], {"format": "old"})
    if _FOREIGN_NEW_RE.match(norm) is None:
        error = _issue(
            "FOREIGN_ID_BAD_FORMAT",
            "外国人永久居留身份证号码应为15位（3位字母加12位数字）或以9开头的18位",
            "a foreign permanent resident ID has 15 characters (3 letters + 12 digits) or"
            " 18 characters starting with 9",
        )
        return _result(scheme, value, norm, [error], [], {})
    errors: list[Issue] = []
    warnings: list[Issue] = []
    expected = resident_id_check_character(norm[:17])
    if norm[17] != expected:
        errors.append(
            _issue(
                "FOREIGN_ID_BAD_CHECK",
                f"第18位校验码应为 {expected}，实际为 {norm[17]}，请核对是否有录入错误",
                f"check character (position 18) should be {expected}, got {norm[17]};"
                " please look for a typing error",
            )
        )
    birth = _parse_ymd(norm[6:14])
    if birth is None:
        warnings.append(
            _issue(
                "FOREIGN_ID_BAD_BIRTH_DATE",
                f"第7至14位 {norm[6:14]} 不是有效的出生日期，请核对",
                f"positions 7-14 ({norm[6:14]}) are not a valid birth date; please double-check",
            )
        )
    return _result(scheme, value, norm, errors, warnings, {"format": "new", "birth_date": birth})


# ---------------------------------------------------------------------------------------
# Dispatch, guessing, masking
# ---------------------------------------------------------------------------------------


def _coerce_scheme(scheme: IdentifierScheme | str) -> IdentifierScheme:
    if isinstance(scheme, IdentifierScheme):
        return scheme
    if scheme in ID_TYPE_CODES:
        return ID_TYPE_CODES[scheme]
    try:
        return IdentifierScheme(scheme.lower())
    except ValueError:
        raise ValueError(f"unknown identifier scheme {scheme!r}") from None


def validate(
    value: str,
    scheme: IdentifierScheme | str = IdentifierScheme.USCC,
    *,
    subject_kind: str | None = None,
    today: date | None = None,
) -> ValidationResult:
    """Validate ``value`` as an identifier of ``scheme``.

    ``scheme`` may be an :class:`IdentifierScheme`, its value (``"uscc"``) or a
    natural-person ID type code from :data:`ID_TYPE_CODES` (``"01"`` … ``"05"``).
    ``subject_kind`` matters for USCCs only: the individual-business placeholder is
    accepted only when it is ``"individual_business"``.  ``today`` (default: the current
    date) bounds birth dates.  Raises :class:`ValueError` for an unknown scheme.
    """
    kind = _coerce_scheme(scheme)
    match kind:
        case IdentifierScheme.USCC:
            return validate_uscc(
                value, allow_placeholder=subject_kind == SUBJECT_KIND_INDIVIDUAL_BUSINESS
            )
        case IdentifierScheme.RESIDENT_ID:
            return validate_resident_id(value, today=today)
        case IdentifierScheme.ORG_CODE:
            return _validate_org_code(value)
        case IdentifierScheme.BUSINESS_REG_NO:
            return _validate_business_reg_no(value)
        case IdentifierScheme.TAX_REG_NO:
            return _validate_tax_reg_no(value, today=today)
        case IdentifierScheme.PUBLIC_INSTITUTION_CERT:
            return _validate_public_institution_cert(value)
        case IdentifierScheme.SOCIAL_ORG_CERT:
            return _validate_social_org_cert(value)
        case IdentifierScheme.PASSPORT:
            return _validate_passport(value)
        case IdentifierScheme.HK_MACAO_PERMIT:
            return _validate_hk_macao_permit(value)
        case IdentifierScheme.TAIWAN_PERMIT:
            return _validate_taiwan_permit(value)
        case IdentifierScheme.FOREIGN_PERMANENT_ID:
            return _validate_foreign_permanent_id(value)


def _plausible_birth(text: str) -> bool:
    birth = _parse_ymd(text)
    return birth is not None and birth >= _EARLIEST_BIRTH_DATE


#: Schemes whose values identify a natural person: shown masked unless a role with a
#: recorded purpose unmasks them (a 20-character tax number embeds a resident ID).
PERSONAL_SCHEMES: Final[frozenset[IdentifierScheme]] = frozenset(
    {
        IdentifierScheme.RESIDENT_ID,
        IdentifierScheme.PASSPORT,
        IdentifierScheme.HK_MACAO_PERMIT,
        IdentifierScheme.TAIWAN_PERMIT,
        IdentifierScheme.FOREIGN_PERMANENT_ID,
        IdentifierScheme.TAX_REG_NO,
    }
)


def guess_scheme(value: str) -> IdentifierScheme:
    """Best guess of the scheme of ``value`` (used by the CLI when none is given).

    Heuristic, in order: ``事证第`` prefix → public-institution certificate; 18 characters:
    a digit string whose positions 7–14 are a date and whose GB 11643 check holds →
    resident ID (or foreign permanent ID when it starts with ``9``), otherwise USCC if the
    USCC check holds, otherwise resident ID if it looks like one (so the clerk sees the
    ID-specific errors), otherwise USCC.  15 digits → business registration number unless
    only the division+organisation-code reading checks out (→ tax number); 15 characters
    with letters → tax number or old foreign ID; 20 → tax number; 9 characters or
    ``XXXXXXXX-X`` → organisation code (but ``H``/``M`` + 8/10 digits → HK/Macao permit
    unless it also passes the organisation-code check); 13 digits → business registration
    number.  Anything else → USCC (so the caller gets USCC errors).  Passports and Taiwan
    permits are never guessed.
    """
    norm = normalize(value)
    if norm.startswith("事证第"):
        return IdentifierScheme.PUBLIC_INSTITUTION_CERT
    if len(norm) == 18:
        id_shaped = set(norm[:17]) <= _DIGITS and (norm[17] in _DIGITS or norm[17] == "X")
        dated = id_shaped and _plausible_birth(norm[6:14])
        if dated and resident_id_check_character(norm[:17]) == norm[17]:
            if norm[0] == "9":
                return IdentifierScheme.FOREIGN_PERMANENT_ID
            return IdentifierScheme.RESIDENT_ID
        if all(c in USCC_ALPHABET for c in norm) and uscc_check_character(norm[:17]) == norm[17]:
            return IdentifierScheme.USCC
        if dated and norm[0] != "9":
            return IdentifierScheme.RESIDENT_ID
        return IdentifierScheme.USCC
    if len(norm) == 15:
        if set(norm) <= _DIGITS:
            if _mod_11_10_check_digit(norm[:14]) != norm[14] and (
                org_code_check_character(norm[6:14]) == norm[14]
            ):
                return IdentifierScheme.TAX_REG_NO
            return IdentifierScheme.BUSINESS_REG_NO
        if _FOREIGN_OLD_RE.match(norm):
            return IdentifierScheme.FOREIGN_PERMANENT_ID
        return IdentifierScheme.TAX_REG_NO
    if len(norm) == 20:
        return IdentifierScheme.TAX_REG_NO
    if _HK_MACAO_RE.match(norm) and not (
        len(norm) == 9 and org_code_check_character(norm[:8]) == norm[8]
    ):
        return IdentifierScheme.HK_MACAO_PERMIT
    if len(norm) == 9 or (len(norm) == 10 and norm[8] == "-"):
        return IdentifierScheme.ORG_CODE
    if len(norm) == 13 and set(norm) <= _DIGITS:
        return IdentifierScheme.BUSINESS_REG_NO
    return IdentifierScheme.USCC


def _mask(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


_PUBLIC_SCHEMES: Final = frozenset(
    {
        IdentifierScheme.USCC,
        IdentifierScheme.ORG_CODE,
        IdentifierScheme.BUSINESS_REG_NO,
        IdentifierScheme.PUBLIC_INSTITUTION_CERT,
        IdentifierScheme.SOCIAL_ORG_CERT,
    }
)


def mask_identifier(value: str, scheme: IdentifierScheme | str) -> str:
    """Mask a personal identifier for display (personal-information protection).

    * resident ID: keep the first 6 and last 4 characters — ``110101********123X``;
    * passport, HK/Macao and Taiwan permits, foreign permanent ID: keep first 2 and last 2;
    * tax registration number: the 20-character (ID-based) form is masked like a resident
      ID, the organisational forms are public;
    * USCC and other legal-person codes are public and returned normalised, unmasked.

    Values too short to keep anything are masked completely.
    """
    kind = _coerce_scheme(scheme)
    norm = normalize(value)
    if kind in _PUBLIC_SCHEMES:
        return norm
    if kind is IdentifierScheme.TAX_REG_NO:
        norm = norm.replace("-", "")
        return _mask(norm, 6, 4) if len(norm) == 20 else norm
    if kind is IdentifierScheme.RESIDENT_ID:
        return _mask(norm, 6, 4)
    return _mask(norm, 2, 2)
