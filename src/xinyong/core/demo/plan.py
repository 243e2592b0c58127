"""The demo data as a plan: a pure, deterministic function of (seed, size, division).

``build_plan`` makes every department, user, subject and rename of the demo without touching
the database, so that determinism is testable without one: the same seed, number of
subjects and platform division always give the same plan (``DemoPlan.digest``), on any
machine and Python build (``random.Random`` seeded with a string is platform-independent,
and nothing here iterates over a set or depends on today's date).

What is real and what is synthetic:

- **Real**: the administrative division codes (GB/T 2260) of the platform's city and its
  county-level divisions, and the usual structure of a city government's departments.
- **Synthetic**: every unified social credit code, registration number, certificate number
  and resident ID number (valid check characters, random bodies), every company, shop,
  organisation and person name (combinations of the word lists in
  ``xinyong.core.demo.names``), and every date. Positions 9–10 of every demo USCC are
  ``XY`` (:data:`CODE_MARKER`), so a demo code is recognisable at a glance.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any, Final

from stdnum.iso7064 import mod_11_10

from xinyong.core import identifiers
from xinyong.core.actions.bulk import SubjectSpec
from xinyong.core.choices import DepartmentKind, LegacyScheme, Role, SubjectKind
from xinyong.core.demo import names as words

DEFAULT_SEED: Final = 1
DEFAULT_SUBJECTS: Final = 5000
MIN_SUBJECTS: Final = 20
MAX_SUBJECTS: Final = 100_000
#: Positions 9–10 of every demo unified social credit code.
CODE_MARKER: Final = "XY"
#: No generated date (establishment, birth, rename) lies after this day.
LATEST_DATE: Final = date(2025, 12, 31)
#: The unified social credit code replaced the business registration number from this day
#: (国发〔2015〕33号, registration reform "三证合一" from 2015-10-01): bodies registered
#: earlier also carry a legacy registration number.
USCC_REFORM: Final = date(2015, 10, 1)

# Category of subject -> (share of the total, USCC authority, USCC type, subject kind).
CATEGORIES: Final[dict[str, tuple[float, str, str, str]]] = {
    "enterprise": (0.70, "9", "1", SubjectKind.LEGAL_PERSON),
    "individual_business": (0.14, "9", "2", SubjectKind.INDIVIDUAL_BUSINESS),
    "cooperative": (0.03, "9", "3", SubjectKind.LEGAL_PERSON),
    "social_organisation": (0.02, "5", "1", SubjectKind.LEGAL_PERSON),
    "non_enterprise_unit": (0.01, "5", "2", SubjectKind.LEGAL_PERSON),
    "public_institution": (0.02, "1", "2", SubjectKind.LEGAL_PERSON),
    "natural_person": (0.08, "", "", SubjectKind.NATURAL_PERSON),
}
#: Share of individual businesses reported with the placeholder code and a registration
#: number instead of a USCC (RULES §1), and share of enterprises renamed.
PLACEHOLDER_SHARE: Final = 0.05
RENAMED_SHARE: Final = 0.03


@dataclass(frozen=True)
class District:
    """A county-level division (区/县/县级市) of the platform's territory."""

    code: str
    name: str


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    name: str
    short_name: str
    kind: str
    division: str
    code: str
    parent: str | None = None


@dataclass(frozen=True)
class UserSpec:
    username: str
    password: str
    display_name: str
    role: str
    department: str
    is_superuser: bool = False


@dataclass(frozen=True)
class RenameSpec:
    """A change of name of a demo enterprise (``do_rename_subject``)."""

    uscc: str
    old_name: str
    new_name: str
    effective: date


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    division: str
    place_name: str
    districts: tuple[District, ...]
    departments: tuple[DepartmentSpec, ...]
    users: tuple[UserSpec, ...]
    subjects: tuple[SubjectSpec, ...]
    categories: tuple[str, ...]
    renames: tuple[RenameSpec, ...] = field(default=())

    def category_counts(self) -> dict[str, int]:
        counts = Counter(self.categories)
        return {name: counts[name] for name in CATEGORIES} | {
            "placeholder_individual_business": sum(
                1 for s in self.subjects if s.uscc == identifiers.USCC_PLACEHOLDER
            )
        }

    def digest(self) -> str:
        """SHA-256 of the whole plan: equal digests mean equal demo data."""
        data = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """What the DEMO_DATA_LOADED audit event records (no passwords)."""
        return {
            "seed": self.seed,
            "division": self.division,
            "departments": len(self.departments),
            "users": [u.username for u in self.users],
            "categories": self.category_counts(),
            "renames": len(self.renames),
            "plan_digest": self.digest(),
        }


# ---------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------

_PLACE_SUFFIXES: Final = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "省",
    "市",
    "区",
    "县",
)
_NOT_A_PLACE: Final = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def _short_place(name: str) -> str:
    """杭州市 → 杭州, 浙江省 → 浙江, 西湖区 → 西湖 (kept whole if that leaves one character)."""
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _current_name(code: str) -> str | None:
    info = identifiers.division_info(code)
    name = info["name"]
    if info["known"] and info["current"] and isinstance(name, str) and name not in _NOT_A_PLACE:
        return name
    return None


def territory(division: str) -> tuple[str, str, tuple[District, ...]]:
    """(level, name, county-level divisions) of a platform division.

    ``level`` is ``province`` (``XX0000``), ``city`` (``XXYY00``) or ``county``; the
    divisions are the current county-level codes below it in GB/T 2260 (as shipped with
    python-stdnum), or the division itself for a county-level platform.
    """
    name = _current_name(division)
    if name is None:
        raise ValueError(f"{division} is not a current GB/T 2260 division")
    if division.endswith("0000"):
        level = "province"
        candidates = [f"{division[:2]}{m:02d}{c:02d}" for m in range(1, 100) for c in range(1, 100)]
    elif division.endswith("00"):
        level = "city"
        candidates = [f"{division[:4]}{c:02d}" for c in range(1, 100)]
    else:
        return "county", name, (District(division, name),)
    districts = tuple(
        District(code, n) for code in candidates if (n := _current_name(code)) is not None
    )
    return level, name, districts or (District(division, name),)


def _enterprise_place(division: str, level: str, place_name: str) -> tuple[str, str]:
    """(city short name, province short name) used as prefixes of enterprise names."""
    province = identifiers.division_info(division[:2] + "0000")["name"]
    province_short = _short_place(province) if isinstance(province, str) else ""
    if level == "county":
        city = _current_name(division[:4] + "00")
        return _short_place(city or province_short or place_name), province_short
    return _short_place(place_name), province_short


# ---------------------------------------------------------------------------------------
# Departments and users
# ---------------------------------------------------------------------------------------

# key, name after the place name, short name, kind. County-level names in _COUNTY_NAMES.
_DEPARTMENTS: Final = (
    ("credit_office", "发展和改革委员会", "发改委（信用办）", DepartmentKind.CREDIT_OFFICE),
    ("market", "市场监督管理局", "市场监管局", DepartmentKind.SECTOR_AUTHORITY),
    ("tax", "税务局", "税务局", DepartmentKind.SECTOR_AUTHORITY),
    ("hrss", "人力资源和社会保障局", "人力社保局", DepartmentKind.SECTOR_AUTHORITY),
    ("housing", "住房和城乡建设局", "住建局", DepartmentKind.SECTOR_AUTHORITY),
    ("ecology", "生态环境局", "生态环境局", DepartmentKind.SECTOR_AUTHORITY),
    ("emergency", "应急管理局", "应急管理局", DepartmentKind.SECTOR_AUTHORITY),
    ("finance", "财政局", "财政局（政府采购）", DepartmentKind.SECTOR_AUTHORITY),
    ("trading", "公共资源交易中心", "公共资源交易中心", DepartmentKind.SECTOR_AUTHORITY),
    ("transport", "交通运输局", "交通运输局", DepartmentKind.SECTOR_AUTHORITY),
    ("health", "卫生健康委员会", "卫健委", DepartmentKind.SECTOR_AUTHORITY),
    ("commerce", "商务局", "商务局", DepartmentKind.SECTOR_AUTHORITY),
    ("culture", "文化广电旅游局", "文广旅游局", DepartmentKind.SECTOR_AUTHORITY),
    ("agriculture", "农业农村局", "农业农村局", DepartmentKind.SECTOR_AUTHORITY),
    ("resources", "自然资源和规划局", "自然资源和规划局", DepartmentKind.SECTOR_AUTHORITY),
    ("civil_affairs", "民政局", "民政局", DepartmentKind.SECTOR_AUTHORITY),
    ("public_security", "公安局", "公安局", DepartmentKind.SECTOR_AUTHORITY),
    ("education", "教育局", "教育局", DepartmentKind.SECTOR_AUTHORITY),
    ("justice", "司法局", "司法局", DepartmentKind.SECTOR_AUTHORITY),
    ("medical_insurance", "医疗保障局", "医保局", DepartmentKind.SECTOR_AUTHORITY),
    ("urban_management", "城市管理局", "城管局", DepartmentKind.SECTOR_AUTHORITY),
    ("court", "中级人民法院", "中院", DepartmentKind.COURT),
    ("procuratorate", "人民检察院", "检察院", DepartmentKind.PROCURATORATE),
)
_COUNTY_NAMES: Final = {
    "credit_office": "发展和改革局",
    "health": "卫生健康局",
    "court": "人民法院",
}
_PROVINCE_NAMES: Final = {"court": "高级人民法院", "health": "卫生健康委员会"}
# County-level branches: parent key, number of districts, name and short name after the
# district's name, kind.
_BRANCHES: Final = (
    ("credit_office", 1, "发展和改革局", "发改局（信用办）", DepartmentKind.CREDIT_OFFICE),
    ("market", 4, "市场监督管理局", "市场监管局", DepartmentKind.SECTOR_AUTHORITY),
    ("tax", 2, "税务局", "税务局", DepartmentKind.SECTOR_AUTHORITY),
    ("hrss", 1, "人力资源和社会保障局", "人力社保局", DepartmentKind.SECTOR_AUTHORITY),
    ("court", 2, "人民法院", "法院", DepartmentKind.COURT),
)

#: Demo accounts: username, password, display name, role, department key, superuser.
#: The passwords are published in docs/demo.md; the demo refuses to run in production.
DEMO_USERS: Final = (
    ("admin", "xinyong-demo-admin", "平台管理员", Role.PLATFORM_ADMIN, "credit_office", True),
    ("reviewer", "xinyong-demo-reviewer", "信用办审核员", Role.CREDIT_OFFICE_REVIEWER,
     "credit_office", False),
    ("reporter", "xinyong-demo-reporter", "市场监管局填报员", Role.DEPARTMENT_REPORTER,
     "market", False),
    ("district-reporter", "xinyong-demo-district", "区市场监管局填报员",
     Role.DEPARTMENT_REPORTER, "market@1", False),
    ("checker", "xinyong-demo-checker", "交易中心核查员", Role.DEPARTMENT_CHECKER,
     "trading", False),
    ("auditor", "xinyong-demo-auditor", "审计员", Role.AUDITOR, "credit_office", False),
)  # fmt: skip


class _Codes:
    """Unique synthetic code bodies and numbers, shared by every generator of one plan."""

    def __init__(self) -> None:
        self.bodies: set[str] = set()
        self.numbers: set[str] = set()

    def uscc(self, rng: random.Random, authority: str, org_type: str, division: str) -> str:
        while True:
            body = CODE_MARKER + "".join(rng.choice(identifiers.USCC_ALPHABET) for _ in range(6))
            if body not in self.bodies:
                self.bodies.add(body)
                return identifiers.make_uscc(authority, org_type, division, body)

    def unique(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in self.numbers:
                self.numbers.add(value)
                return value


def _departments(
    rng: random.Random, codes: _Codes, division: str, level: str, place: str,
    districts: tuple[District, ...],
) -> tuple[DepartmentSpec, ...]:  # fmt: skip
    prefix = {"province": "省", "city": "市"}.get(level, place[-1])
    specs: list[DepartmentSpec] = []
    for key, suffix, short, kind in _DEPARTMENTS:
        if level == "county":
            suffix = _COUNTY_NAMES.get(key, suffix)
        elif level == "province":
            suffix = _PROVINCE_NAMES.get(key, suffix)
        name = f"国家税务总局{place}税务局" if key == "tax" else f"{place}{suffix}"
        specs.append(
            DepartmentSpec(
                key=key,
                name=name,
                short_name=f"{prefix}{short}",
                kind=kind,
                division=division,
                code=codes.uscc(rng, "1", "1", division),
            )
        )
    if level == "county":
        return tuple(specs)
    for parent, count, suffix, short, kind in _BRANCHES:
        for index, district in enumerate(districts[:count], start=1):
            if parent == "tax":
                name = f"国家税务总局{place}{district.name}税务局"
            else:
                name = f"{district.name}{suffix}"
            specs.append(
                DepartmentSpec(
                    key=f"{parent}@{index}",
                    name=name,
                    short_name=f"{district.name}{short}",
                    kind=kind,
                    division=district.code,
                    code=codes.uscc(rng, "1", "1", district.code),
                    parent=parent,
                )
            )
    return tuple(specs)


def _users(departments: tuple[DepartmentSpec, ...]) -> tuple[UserSpec, ...]:
    keys = {d.key for d in departments}
    users = []
    for username, password, display, role, department, superuser in DEMO_USERS:
        if department not in keys:  # a county-level platform has no district branches
            department = department.split("@")[0]
        users.append(UserSpec(username, password, display, role, department, superuser))
    return tuple(users)


# ---------------------------------------------------------------------------------------
# Subjects
# ---------------------------------------------------------------------------------------


def category_counts(total: int) -> dict[str, int]:
    """How many subjects of each category a demo of ``total`` subjects has.

    Each category gets its share (rounded down, at least one); enterprises take the rest.
    """
    if not MIN_SUBJECTS <= total <= MAX_SUBJECTS:
        raise ValueError(f"the demo has {MIN_SUBJECTS}–{MAX_SUBJECTS} subjects, not {total}")
    counts = {name: max(1, int(total * share)) for name, (share, *_rest) in CATEGORIES.items()}
    counts["enterprise"] += total - sum(counts.values())
    return counts


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _established(rng: random.Random, first_year: int = 1998) -> date:
    """A registration date, more recent ones more likely (as in real registers)."""
    years = list(range(first_year, LATEST_DATE.year + 1))
    year = rng.choices(years, weights=[y - first_year + 3 for y in years])[0]
    return _random_date(rng, date(year, 1, 1), min(date(year, 12, 31), LATEST_DATE))


def _business_reg_no(rng: random.Random, codes: _Codes, division: str, first: str) -> str:
    """15 digits: registering division, 8-digit sequence (first digit 0–3 domestic enterprise,
    6–9 individual business), GB/T 17710 MOD 11,10 check digit."""

    def make() -> str:
        body = division + first + "".join(rng.choice("0123456789") for _ in range(7))
        return body + mod_11_10.calc_check_digit(body)

    return codes.unique(make)


def _social_org_cert(rng: random.Random, prefix: str) -> str:
    """A registration certificate number in a local style, e.g. 杭州社证字第0012345号."""
    return f"{prefix}第{rng.randrange(10**7):07d}号"


def _public_institution_cert(rng: random.Random, division: str) -> str:
    """12 digits: the division and a 6-digit sequence (interpretation; only the 12-digit
    shape is checked by ``identifiers``)."""
    return f"{division}{rng.randrange(10**6):06d}"


def _resident_id(rng: random.Random, division: str, birth: date) -> str:
    return identifiers.make_resident_id(division, birth, f"{rng.randrange(1000):03d}")


def _person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(words.GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(words.SURNAMES) + given


class _SubjectMaker:
    """Makes the subjects of one plan; every category draws from its own random stream."""

    def __init__(
        self, seed: int, codes: _Codes, level: str, place_name: str,
        districts: tuple[District, ...], division: str,
    ) -> None:  # fmt: skip
        self.seed = seed
        self.codes = codes
        # Bodies registered by the platform's own level (not a district) carry its code.
        self.city_code = division
        self.level = level
        self.place_name = place_name
        self.districts = districts
        self.city_short, self.province_short = _enterprise_place(division, level, place_name)
        self.names: set[str] = set()

    def rng(self, category: str) -> random.Random:
        return random.Random(f"xinyong-demo:{self.seed}:{category}")

    def unique_name(self, make: Callable[[], str]) -> str:
        name = make()
        for _attempt in range(50):
            if name not in self.names:
                break
            name = make()
        else:
            name = self._numbered(name)
        self.names.add(name)
        return name

    def _numbered(self, base: str) -> str:
        """The word lists ran out for this pattern: number the name (（2）, （3）, …)."""
        number = 2
        while f"{base}（{number}）" in self.names:
            number += 1
        return f"{base}（{number}）"

    def trade(self, rng: random.Random) -> str:
        return rng.choice(words.TRADE_FIRST) + rng.choice(words.TRADE_SECOND)

    def district(self, rng: random.Random) -> District:
        return rng.choice(self.districts)

    def enterprise_name(self, style: str, trade: str, industry: str, form: str) -> str:
        if style == "province" and self.province_short:
            return f"{self.province_short}{trade}{industry}{form}"
        if style == "bracket":
            return f"{trade}（{self.city_short}）{industry}{form}"
        return f"{self.city_short}{trade}{industry}{form}"

    def enterprises(self, count: int, renames: int) -> tuple[list[SubjectSpec], list[RenameSpec]]:
        rng = self.rng("enterprise")
        forms = [f for f, _w in words.ENTERPRISE_FORMS]
        weights = [w for _f, w in words.ENTERPRISE_FORMS]
        specs: list[SubjectSpec] = []
        parts: list[tuple[str, str, str, str]] = []
        drawn: list[tuple[str, str, str, str]] = []

        def make() -> str:
            style = rng.choices(("city", "province", "bracket"), weights=(80, 10, 10))[0]
            drawn.append(
                (
                    style,
                    self.trade(rng),
                    rng.choice(words.INDUSTRIES),
                    rng.choices(forms, weights)[0],
                )
            )
            return self.enterprise_name(*drawn[-1])

        for _ in range(count):
            division = self.city_code if rng.random() < 0.1 else self.district(rng).code
            name = self.unique_name(make)
            parts.append(drawn[-1])
            established = _established(rng)
            legacy = {}
            if established < USCC_REFORM:
                legacy[LegacyScheme.BUSINESS_REG_NO.value] = _business_reg_no(
                    rng, self.codes, division, rng.choice("0123")
                )
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.LEGAL_PERSON,
                    name=name,
                    uscc=self.codes.uscc(rng, "9", "1", division),
                    legacy=legacy,
                    name_since=established,
                )
            )
        return specs, self._renames(rng, specs, parts, renames)

    def _renames(
        self, rng: random.Random, specs: list[SubjectSpec],
        parts: list[tuple[str, str, str, str]], count: int,
    ) -> list[RenameSpec]:  # fmt: skip
        last_possible = LATEST_DATE - timedelta(days=400)
        eligible = [
            i for i, s in enumerate(specs) if s.name_since and s.name_since <= last_possible
        ]
        renames: list[RenameSpec] = []
        for index in sorted(rng.sample(eligible, min(count, len(eligible)))):
            spec = specs[index]
            style, trade, industry, form = parts[index]
            assert spec.uscc and spec.name_since

            def make(
                style: str = style, trade: str = trade, industry: str = industry, form: str = form
            ) -> str:
                # Common real changes: becoming a company limited by shares, a new line of
                # business, a new trade name.
                change = rng.choice(("form", "industry", "trade"))
                if change == "form" and form != "股份有限公司":
                    form = "股份有限公司"
                elif change == "industry":
                    industry = rng.choice(words.INDUSTRIES)
                else:
                    trade = self.trade(rng)
                return self.enterprise_name(style, trade, industry, form)

            effective = _random_date(rng, spec.name_since + timedelta(days=365), LATEST_DATE)
            renames.append(RenameSpec(spec.uscc, spec.name, self.unique_name(make), effective))
        return renames

    def individual_businesses(self, count: int) -> list[SubjectSpec]:
        rng = self.rng("individual_business")
        placeholders = max(1, round(count * PLACEHOLDER_SHARE)) if count > 1 else 0
        specs = []
        for index in range(count):
            district = self.district(rng)

            def make(district: District = district) -> str:
                surname = rng.choice(words.SURNAMES)
                style = rng.choices(("记", "氏", "家", "given"), weights=(50, 15, 15, 20))[0]
                owner = _person_name(rng) if style == "given" else surname + style
                return f"{district.name}{owner}{rng.choice(words.SHOPS)}"

            name = self.unique_name(make)
            placeholder = index < placeholders
            established = (
                _established(rng, 2003)
                if not placeholder
                else _random_date(rng, date(2003, 1, 1), USCC_REFORM - timedelta(days=1))
            )
            legacy = {}
            if established < USCC_REFORM:
                legacy[LegacyScheme.BUSINESS_REG_NO.value] = _business_reg_no(
                    rng, self.codes, district.code, rng.choice("6789")
                )
            uscc = (
                identifiers.USCC_PLACEHOLDER
                if placeholder
                else self.codes.uscc(rng, "9", "2", district.code)
            )
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.INDIVIDUAL_BUSINESS,
                    name=name,
                    uscc=uscc,
                    legacy=legacy,
                    name_since=established,
                )
            )
        return specs

    def cooperatives(self, count: int) -> list[SubjectSpec]:
        rng = self.rng("cooperative")
        specs = []
        for _ in range(count):
            district = self.district(rng)

            def make(district: District = district) -> str:
                product = rng.choice(words.COOPERATIVE_PRODUCTS)
                return f"{district.name}{self.trade(rng)}{product}专业合作社"

            name = self.unique_name(make)
            established = _established(rng, 2008)  # 农民专业合作社法 in force 2007-07-01
            legacy = {}
            if established < USCC_REFORM:
                legacy[LegacyScheme.BUSINESS_REG_NO.value] = _business_reg_no(
                    rng, self.codes, district.code, rng.choice("0123")
                )
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.LEGAL_PERSON,
                    name=name,
                    uscc=self.codes.uscc(rng, "9", "3", district.code),
                    legacy=legacy,
                    name_since=established,
                )
            )
        return specs

    def _place(self, rng: random.Random) -> tuple[str, str]:
        """(division code, place name) of a body registered by the city or a district."""
        if rng.random() < 0.5 or self.level == "county":
            return self.city_code, self.place_name
        district = self.district(rng)
        return district.code, district.name

    def civil_affairs(self, count: int, org_type: str) -> list[SubjectSpec]:
        """Social organisations (5/1) or private non-enterprise units (5/2)."""
        category = "social_organisation" if org_type == "1" else "non_enterprise_unit"
        rng = self.rng(category)
        specs = []
        for _ in range(count):
            division, place = self._place(rng)

            def make(place: str = place) -> str:
                if org_type == "1":
                    fields, forms = rng.choice(words.ASSOCIATIONS)
                    return f"{place}{rng.choice(fields)}{rng.choice(forms)}"
                return f"{place}{self.trade(rng)}{rng.choice(words.NON_ENTERPRISE_FORMS)}"

            name = self.unique_name(make)
            established = _established(rng, 2000)
            legacy = {}
            if established < USCC_REFORM:
                prefix = "社证字" if org_type == "1" else "民证字"
                legacy[LegacyScheme.SOCIAL_ORG_CERT.value] = self.codes.unique(
                    partial(_social_org_cert, rng, f"{self.city_short}{prefix}")
                )
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.LEGAL_PERSON,
                    name=name,
                    uscc=self.codes.uscc(rng, "5", org_type, division),
                    legacy=legacy,
                    name_since=established,
                )
            )
        return specs

    def public_institutions(self, count: int) -> list[SubjectSpec]:
        rng = self.rng("public_institution")
        specs = []
        for _ in range(count):
            district = self.district(rng)

            def make(district: District = district) -> str:
                form = rng.choice(words.PUBLIC_INSTITUTION_FORMS)
                return f"{district.name}{self.trade(rng)}{form}"

            name = self.unique_name(make)
            established = _established(rng, 1998)
            legacy = {}
            if established < USCC_REFORM:
                legacy[LegacyScheme.PUBLIC_INSTITUTION_CERT.value] = self.codes.unique(
                    partial(_public_institution_cert, rng, district.code)
                )
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.LEGAL_PERSON,
                    name=name,
                    uscc=self.codes.uscc(rng, "1", "2", district.code),
                    legacy=legacy,
                    name_since=established,
                )
            )
        return specs

    def natural_persons(self, count: int) -> list[SubjectSpec]:
        rng = self.rng("natural_person")
        specs = []
        for _ in range(count):
            district = self.district(rng)
            birth = _random_date(rng, date(1950, 1, 1), date(2004, 12, 31))
            id_number = self.codes.unique(partial(_resident_id, rng, district.code, birth))
            specs.append(
                SubjectSpec(
                    kind=SubjectKind.NATURAL_PERSON,
                    name=_person_name(rng),
                    id_type="01",
                    id_number=id_number,
                )
            )
        return specs


def build_plan(
    *,
    seed: int = DEFAULT_SEED,
    subjects: int = DEFAULT_SUBJECTS,
    division: str = "330100",
) -> DemoPlan:
    """The demo data for ``seed``, ``subjects`` subjects and the platform ``division``."""
    counts = category_counts(subjects)
    level, place_name, districts = territory(division)
    codes = _Codes()
    departments = _departments(
        random.Random(f"xinyong-demo:{seed}:departments"), codes, division, level, place_name,
        districts,
    )  # fmt: skip
    maker = _SubjectMaker(seed, codes, level, place_name, districts, division)
    renames_wanted = max(1, round(counts["enterprise"] * RENAMED_SHARE))
    enterprises, renames = maker.enterprises(counts["enterprise"], renames_wanted)
    groups: list[tuple[str, list[SubjectSpec]]] = [
        ("enterprise", enterprises),
        ("individual_business", maker.individual_businesses(counts["individual_business"])),
        ("cooperative", maker.cooperatives(counts["cooperative"])),
        ("social_organisation", maker.civil_affairs(counts["social_organisation"], "1")),
        ("non_enterprise_unit", maker.civil_affairs(counts["non_enterprise_unit"], "2")),
        ("public_institution", maker.public_institutions(counts["public_institution"])),
        ("natural_person", maker.natural_persons(counts["natural_person"])),
    ]
    return DemoPlan(
        seed=seed,
        division=division,
        place_name=place_name,
        districts=districts,
        departments=departments,
        users=_users(departments),
        subjects=tuple(spec for _c, specs in groups for spec in specs),
        categories=tuple(c for c, specs in groups for _s in specs),
        renames=tuple(renames),
    )
