"""Working-day arithmetic on the official Chinese holiday calendar (pure Python, no Django).

Why this exists
---------------
Credit-information rules count many deadlines in *working days* (工作日): a department
reports an administrative decision within 7 working days, an objection is answered within
so many working days, and so on. Which days are working days in China is not a rule that can
be computed: 《全国年节及纪念日放假办法》 (国务院令, last amended 2024 by 国务院令第798号)
fixes the statutory holidays, but the actual days off and the "adjusted working weekends"
(调休上班) are set each year by a notice of the General Office of the State Council,
国务院办公厅关于YYYY年部分节假日安排的通知, usually published in the autumn of the year
before and occasionally amended (2019 劳动节; the 2020 Spring Festival extension).

So the platform keeps one reviewed data file per year (``policy/calendar/cn-YYYY.toml``),
parsed and strictly validated by :func:`parse_calendar_file`, and computes with a
:class:`WorkingCalendar` built from the loaded arrangements. A year whose arrangement has
not been loaded is *not covered*: a deadline that depends on it cannot be final. The plain
functions then raise :class:`YearNotCovered` (unless ``allow_provisional=True``) and the
``*_result`` functions return a :class:`WorkdayResult` flagged ``provisional``, computed by the
weekends-only rule for the uncovered days, so that the caller can store it and recompute once
the notice is loaded.

Rules
-----
* A day is a working day if it is Monday–Friday, unless an override makes it a day off
  (a holiday of an arrangement); a Saturday or Sunday is a day off unless an override makes it
  a working day (调休上班).
* Overrides are applied wherever their date lies: an arrangement can reach into the
  neighbouring year (the 2019 notice makes 2018-12-29 a working Saturday and 2018-12-30/31
  days off), and those official facts are used even though the neighbouring year may itself
  be uncovered. Coverage is still decided per calendar year: examining 2018-12-29 needs 2018
  to be covered for a *final* answer.
* Only the days a computation actually walks over are examined (see each method).

Caveat: the arrangement for year Y+1 may change days in the last week of year Y (as the 2019
notice did for 2018-12-29/30/31). A result in late December of a covered year whose next year
is not yet covered is therefore final only as far as the loaded data goes.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

__all__ = [
    "CALENDAR_FILE_ERROR_CODES",
    "NEIGHBOUR_YEAR_MARGIN_DAYS",
    "CalendarFile",
    "CalendarFileError",
    "DayOverride",
    "WorkdayResult",
    "WorkingCalendar",
    "YearNotCovered",
    "parse_calendar_file",
    "validate_calendar_document",
]

_ONE_DAY: Final = timedelta(days=1)

#: How far (in days) an arrangement's dates may lie before 1 January or after 31 December of
#: its year. Real arrangements reach at most 3 days into the neighbouring year.
NEIGHBOUR_YEAR_MARGIN_DAYS: Final = 7

# --------------------------------------------------------------------------------------------
# Calendar computation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOverride:
    """An official exception to the Monday–Friday rule.

    ``working=False``: a day off of a holiday block (``name`` is the festival, e.g. ``"春节"``).
    ``working=True``: an adjusted working weekend day (``name`` is the reason, e.g.
    ``"春节调休"``).
    """

    date: date
    working: bool
    name: str


class YearNotCovered(Exception):
    """A computation examined days of years whose official holiday arrangement is not loaded.

    ``years`` lists those years (sorted). The message, in Chinese and English, names them and
    says how to load an arrangement.
    """

    code: Final = "CALENDAR_YEAR_NOT_COVERED"

    def __init__(self, years: Iterable[int]) -> None:
        self.years: tuple[int, ...] = tuple(sorted(set(years)))
        if not self.years:
            raise ValueError("YearNotCovered needs at least one year")
        zh_years = "、".join(f"{y}年" for y in self.years)
        en_years = ", ".join(str(y) for y in self.years)
        files = ", ".join(f"policy/calendar/cn-{y}.toml" for y in self.years)
        self.message_zh = (
            f"尚未载入{zh_years}的法定节假日安排，无法确定其工作日，据此计算的期限不能作为正式结果。"
            f"请待国务院办公厅发布《关于{self.years[0]}年部分节假日安排的通知》后，"
            f"将其整理为 {files} 并经审核载入工作日历；"
            "在此之前只能得到临时（按周末规则计算）的结果。"
        )
        self.message_en = (
            f"No official holiday arrangement is loaded for {en_years}; working days in "
            f"{'that year' if len(self.years) == 1 else 'those years'} are unknown, so the "
            "deadline cannot be final. Once the State Council General Office publishes its "
            "notice on the holiday arrangement (国务院办公厅关于YYYY年部分节假日安排的通知), "
            f"write it up as {files}, have it reviewed and load it into the working calendar; "
            "until then only a provisional result (weekends-only rule) is available."
        )
        super().__init__(f"{self.code}: {self.message_zh} / {self.message_en}")


@dataclass(frozen=True)
class WorkdayResult:
    """Outcome of a ``*_result`` computation.

    ``value`` is a date (``add_working_days_result``) or a count
    (``working_days_between_result``). ``provisional`` is true when some examined day lies in
    a year listed in ``uncovered_years``; there the weekends-only rule (plus any override that
    happens to be known) was used and the value must be recomputed once the year is loaded.
    """

    value: date | int
    provisional: bool
    uncovered_years: tuple[int, ...]


class WorkingCalendar:
    """Working days according to the loaded official arrangements.

    ``covered_years``: the years whose arrangement (国务院办公厅通知) is loaded.
    ``overrides``: the days off and adjusted working weekends of those arrangements; the same
    date may be given twice only with the same ``working`` flag (the first name is kept),
    otherwise :class:`ValueError` is raised.
    """

    def __init__(self, covered_years: Iterable[int], overrides: Iterable[DayOverride]) -> None:
        self._covered: frozenset[int] = frozenset(covered_years)
        table: dict[date, DayOverride] = {}
        for ov in overrides:
            known = table.get(ov.date)
            if known is None:
                table[ov.date] = ov
            elif known.working != ov.working:
                raise ValueError(
                    f"conflicting overrides for {ov.date.isoformat()}: "
                    f"{known.name!r} (working={known.working}) and "
                    f"{ov.name!r} (working={ov.working})"
                )
        self._overrides: dict[date, DayOverride] = table

    @classmethod
    def from_files(cls, files: Iterable[CalendarFile]) -> WorkingCalendar:
        """Build a calendar covering the years of the given parsed files."""
        items = tuple(files)
        years = [f.year for f in items]
        if len(years) != len(set(years)):
            raise ValueError(f"more than one calendar file for a year: {sorted(years)}")
        return cls(years, (ov for f in items for ov in f.overrides))

    # -- introspection -----------------------------------------------------------------------

    @property
    def covered_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._covered))

    def is_covered(self, year: int) -> bool:
        """Whether the official arrangement for ``year`` is loaded."""
        return year in self._covered

    def override(self, d: date) -> DayOverride | None:
        """The official override for ``d``, if any (regardless of coverage)."""
        return self._overrides.get(d)

    # -- plain API (raises YearNotCovered) ---------------------------------------------------

    def is_working_day(self, d: date, *, allow_provisional: bool = False) -> bool:
        """Whether ``d`` is a working day. Examines ``d`` only."""
        probe = _Probe(self)
        value = probe.working(d)
        probe.check(allow_provisional)
        return value

    def add_working_days(self, d: date, n: int, *, allow_provisional: bool = False) -> date:
        """The date ``n`` working days from ``d``.

        * ``n >= 1``: the n-th working day strictly after ``d`` (``d`` itself never counts
          and is not examined). A "report within 7 working days of a decision taken on ``d``"
          deadline is ``add_working_days(d, 7)``.
        * ``n == 0``: ``d`` if it is a working day, otherwise the next working day after it.
        * ``n <= -1``: the |n|-th working day strictly before ``d``, walking backwards.

        Examines the days walked over: ``d + 1 … result`` (``n > 0``), ``d … result``
        (``n == 0``), ``result … d - 1`` (``n < 0``). Raises :class:`YearNotCovered` if any of
        them lies in an uncovered year, unless ``allow_provisional``.
        """
        probe = _Probe(self)
        value = probe.add(d, n)
        probe.check(allow_provisional)
        return value

    def working_days_between(self, a: date, b: date, *, allow_provisional: bool = False) -> int:
        """Number of working days in the half-open interval ``(a, b]``; negative if ``b < a``.

        ``working_days_between(a, b) == -working_days_between(b, a)``, it is additive
        (``between(a, b) + between(b, c) == between(a, c)``) and
        ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 1``.
        Examines the days of ``(min(a, b), max(a, b)]``; raises :class:`YearNotCovered` if any
        lies in an uncovered year, unless ``allow_provisional``.
        """
        probe = _Probe(self)
        value = probe.between(a, b)
        probe.check(allow_provisional)
        return value

    # -- result API (never raises for coverage) ----------------------------------------------

    def add_working_days_result(self, d: date, n: int) -> WorkdayResult:
        """:meth:`add_working_days` that reports missing coverage instead of raising."""
        probe = _Probe(self)
        return probe.result(probe.add(d, n))

    def working_days_between_result(self, a: date, b: date) -> WorkdayResult:
        """:meth:`working_days_between` that reports missing coverage instead of raising."""
        probe = _Probe(self)
        return probe.result(probe.between(a, b))

    # -- internals ---------------------------------------------------------------------------

    def _raw_working(self, d: date) -> bool:
        ov = self._overrides.get(d)
        if ov is not None:
            return ov.working
        return d.weekday() < 5


class _Probe:
    """One computation: evaluates days and remembers the uncovered years it examined."""

    __slots__ = ("_cal", "uncovered")

    def __init__(self, cal: WorkingCalendar) -> None:
        self._cal = cal
        self.uncovered: set[int] = set()

    def working(self, d: date) -> bool:
        if not self._cal.is_covered(d.year):
            self.uncovered.add(d.year)
        return self._cal._raw_working(d)

    def add(self, d: date, n: int) -> date:
        cur = d
        if n == 0:
            while not self.working(cur):
                cur += _ONE_DAY
            return cur
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            cur += step
            if self.working(cur):
                remaining -= 1
        return cur

    def between(self, a: date, b: date) -> int:
        if a == b:
            return 0
        lo, hi, sign = (a, b, 1) if a < b else (b, a, -1)
        return sign * sum(1 for day in _days(lo + _ONE_DAY, hi) if self.working(day))

    def check(self, allow_provisional: bool) -> None:
        if self.uncovered and not allow_provisional:
            raise YearNotCovered(self.uncovered)

    def result(self, value: date | int) -> WorkdayResult:
        years = tuple(sorted(self.uncovered))
        return WorkdayResult(value=value, provisional=bool(years), uncovered_years=years)


def _days(first: date, last: date) -> Iterator[date]:
    cur = first
    while cur <= last:
        yield cur
        cur += _ONE_DAY


# --------------------------------------------------------------------------------------------
# Calendar files
# --------------------------------------------------------------------------------------------

#: Every code :class:`CalendarFileError` can carry. Stable: never renamed or reused.
CALENDAR_FILE_ERROR_CODES: Final = frozenset(
    {
        "CALENDAR_FILE_UNREADABLE",  # cannot be read, or is not UTF-8
        "CALENDAR_TOML_SYNTAX",  # not valid TOML
        "CALENDAR_MISSING_KEY",  # a required key is absent
        "CALENDAR_UNKNOWN_KEY",  # a key the format does not define (typo guard)
        "CALENDAR_BAD_VALUE",  # wrong type, empty text, empty list, effective_from > _to
        "CALENDAR_WRONG_KIND",  # kind is not "calendar"
        "CALENDAR_YEAR_MISMATCH",  # edition / effective dates / file name disagree with year
        "CALENDAR_BAD_DATE",  # a date that is not a valid YYYY-MM-DD date
        "CALENDAR_DUPLICATE_DATE",  # the same date twice among holidays or among workdays
        "CALENDAR_HOLIDAY_WORKDAY_CONFLICT",  # a date both a holiday and a working day
        "CALENDAR_WORKDAY_NOT_WEEKEND",  # an adjusted working day that is Monday–Friday
        "CALENDAR_DATE_OUT_OF_RANGE",  # a date more than 7 days outside the year
    }
)

_KIND: Final = "calendar"
_REQUIRED_KEYS: Final = (
    "kind",
    "code",
    "edition",
    "year",
    "effective_from",
    "effective_to",
    "jurisdiction",
    "legal_source",
    "holidays",
)
_OPTIONAL_KEYS: Final = ("note", "workdays", "supersedes")
_HOLIDAY_KEYS: Final = ("name", "dates")
_WORKDAY_KEYS: Final = ("date", "reason")
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
_FILE_NAME_RE: Final = re.compile(r"[a-z]{2}-(\d{4})\.toml")


class CalendarFileError(Exception):
    """A calendar file was refused. ``code`` is one of :data:`CALENDAR_FILE_ERROR_CODES`.

    Same shape as the project's coded errors (code + Chinese + English message), without
    depending on Django; ``details`` names the offending key/date where there is one.
    """

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        details: Mapping[str, object] | None = None,
    ) -> None:
        if code not in CALENDAR_FILE_ERROR_CODES:
            raise ValueError(f"unknown calendar file error code {code!r}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details: dict[str, object] = dict(details or {})
        super().__init__(f"{code}: {message_zh} / {message_en}")


@dataclass(frozen=True)
class CalendarFile:
    """One parsed, validated arrangement. ``overrides`` are sorted by date; ``digest`` is the
    SHA-256 (hex) of the file's bytes, to record exactly which reviewed text was loaded."""

    year: int
    code: str
    edition: str
    effective_from: date
    effective_to: date
    jurisdiction: str
    legal_source: str
    note: str
    overrides: tuple[DayOverride, ...]
    digest: str

    @property
    def holidays(self) -> tuple[DayOverride, ...]:
        return tuple(o for o in self.overrides if not o.working)

    @property
    def workdays(self) -> tuple[DayOverride, ...]:
        return tuple(o for o in self.overrides if o.working)


def parse_calendar_file(path: Path) -> CalendarFile:
    """Read and strictly validate one ``policy/calendar/cn-YYYY.toml`` file.

    Raises :class:`CalendarFileError`; checks run in this order, so a file gets the most
    fundamental complaint first: unreadable / TOML syntax; ``kind`` (missing →
    ``CALENDAR_MISSING_KEY``, other → ``CALENDAR_WRONG_KIND``); missing and unknown keys;
    value types; year vs edition, effective dates and file name; dates; dates out of range;
    duplicates; holiday/workday conflicts; workdays that are not Saturday/Sunday.
    """
    name = path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(
            "CALENDAR_FILE_UNREADABLE",
            f"无法读取日历文件 {name}（需为 UTF-8 编码的 TOML 文件）：{exc}",
            f"Cannot read calendar file {name} (must be UTF-8 TOML): {exc}",
        ) from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _err(
            "CALENDAR_TOML_SYNTAX",
            f"日历文件 {name} 不是有效的 TOML：{exc}",
            f"Calendar file {name} is not valid TOML: {exc}",
        ) from exc
    return validate_calendar_document(doc, name, hashlib.sha256(raw).hexdigest())


def validate_calendar_document(doc: dict[str, object], name: str, digest: str) -> CalendarFile:
    if "kind" not in doc:
        raise _missing(name, "kind")
    if doc["kind"] != _KIND:
        raise _err(
            "CALENDAR_WRONG_KIND",
            f'{name}：kind 应为 "{_KIND}"，实为 {doc["kind"]!r}；这不是工作日历文件。',
            f'{name}: kind must be "{_KIND}", got {doc["kind"]!r}; not a calendar file.',
            key="kind",
        )
    _check_keys(doc, name, "", _REQUIRED_KEYS, _OPTIONAL_KEYS)

    code = _text(doc, "code", name)
    if not _CODE_RE.fullmatch(code):
        raise _bad(
            name, "code", "应为小写字母、数字和连字符", "must be lowercase letters, digits, -"
        )
    edition = _text(doc, "edition", name)
    jurisdiction = _text(doc, "jurisdiction", name)
    legal_source = _text(doc, "legal_source", name)
    note = _text(doc, "note", name, allow_empty=True) if "note" in doc else ""

    year = doc["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2999:
        raise _bad(name, "year", "应为四位整数年份", "must be a four-digit integer year")
    effective_from = _date_value(doc["effective_from"], name, "effective_from")
    effective_to = _date_value(doc["effective_to"], name, "effective_to")

    # -- the year, stated several times, must agree ------------------------------------------
    # A corrected arrangement is published as a new edition "YYYY.N" that supersedes "YYYY".
    if not re.fullmatch(rf"{year}(\.[1-9]\d*)?", edition):
        raise _mismatch(
            name,
            f'edition "{edition}" 与 year {year} 不一致',
            f'edition "{edition}" does not match year {year}',
        )
    for key, value in (("effective_from", effective_from), ("effective_to", effective_to)):
        if value.year != year:
            raise _mismatch(
                name,
                f"{key} {value.isoformat()} 不在 {year} 年内",
                f"{key} {value.isoformat()} is not in year {year}",
            )
    if effective_from > effective_to:
        raise _bad(name, "effective_from", "晚于 effective_to", "is after effective_to")
    m = _FILE_NAME_RE.fullmatch(name)
    if m is not None and int(m.group(1)) != year:
        raise _mismatch(
            name,
            f"文件名年份 {m.group(1)} 与 year {year} 不一致",
            f"the year {m.group(1)} in the file name does not match year {year}",
        )

    # -- holiday blocks and adjusted working days ---------------------------------------------
    holidays = _table_list(doc, "holidays", name, required=True)
    workdays = _table_list(doc, "workdays", name, required=False)
    off: list[DayOverride] = []
    for i, block in enumerate(holidays):
        where = f"holidays[{i}]"
        _check_keys(block, name, where + ".", _HOLIDAY_KEYS, ())
        festival = _text(block, "name", name, where=where)
        dates = block["dates"]
        if not isinstance(dates, list) or not dates:
            raise _bad(
                name, f"{where}.dates", "应为非空的日期列表", "must be a non-empty list of dates"
            )
        for j, item in enumerate(dates):
            off.append(DayOverride(_date_value(item, name, f"{where}.dates[{j}]"), False, festival))
    on: list[DayOverride] = []
    for i, entry in enumerate(workdays):
        where = f"workdays[{i}]"
        _check_keys(entry, name, where + ".", _WORKDAY_KEYS, ())
        reason = _text(entry, "reason", name, where=where)
        on.append(DayOverride(_date_value(entry["date"], name, f"{where}.date"), True, reason))

    lo = date(year, 1, 1) - timedelta(days=NEIGHBOUR_YEAR_MARGIN_DAYS)
    hi = date(year, 12, 31) + timedelta(days=NEIGHBOUR_YEAR_MARGIN_DAYS)
    for ov in (*off, *on):
        if not lo <= ov.date <= hi:
            what_zh, what_en = ("调休上班日", "working day") if ov.working else ("假日", "holiday")
            raise _err(
                "CALENDAR_DATE_OUT_OF_RANGE",
                f"{name}：{what_zh} {ov.date.isoformat()}（{ov.name}）超出 {year} 年前后"
                f" {NEIGHBOUR_YEAR_MARGIN_DAYS} 天的范围，疑为年份录入错误。",
                f"{name}: {what_en} {ov.date.isoformat()} ({ov.name}) lies more than "
                f"{NEIGHBOUR_YEAR_MARGIN_DAYS} days outside {year}; probably a wrong year.",
                date=ov.date.isoformat(),
            )
    for group, label_zh, label_en in ((off, "假日", "holidays"), (on, "调休上班日", "workdays")):
        seen: set[date] = set()
        for ov in group:
            if ov.date in seen:
                raise _err(
                    "CALENDAR_DUPLICATE_DATE",
                    f"{name}：{ov.date.isoformat()} 在{label_zh}中重复出现。",
                    f"{name}: {ov.date.isoformat()} is listed twice among the {label_en}.",
                    date=ov.date.isoformat(),
                )
            seen.add(ov.date)
    off_dates = {ov.date: ov for ov in off}
    for ov in on:
        if ov.date in off_dates:
            raise _err(
                "CALENDAR_HOLIDAY_WORKDAY_CONFLICT",
                f"{name}：{ov.date.isoformat()} 同时被列为假日（{off_dates[ov.date].name}）"
                f"和调休上班日（{ov.name}）。",
                f"{name}: {ov.date.isoformat()} is listed both as a holiday "
                f"({off_dates[ov.date].name}) and as a working day ({ov.name}).",
                date=ov.date.isoformat(),
            )
    for ov in on:
        if ov.date.weekday() < 5:
            raise _err(
                "CALENDAR_WORKDAY_NOT_WEEKEND",
                f"{name}：调休上班日 {ov.date.isoformat()} 不是星期六或星期日"
                "（周一至周五本来就是工作日），请核对通知原文。",
                f"{name}: adjusted working day {ov.date.isoformat()} is not a Saturday or "
                "Sunday (Monday–Friday are working days anyway); check the notice.",
                date=ov.date.isoformat(),
            )

    return CalendarFile(
        year=year,
        code=code,
        edition=edition,
        effective_from=effective_from,
        effective_to=effective_to,
        jurisdiction=jurisdiction,
        legal_source=legal_source,
        note=note,
        overrides=tuple(sorted((*off, *on), key=lambda o: o.date)),
        digest=digest,
    )


# -- validation helpers ----------------------------------------------------------------------


def _err(code: str, zh: str, en: str, **details: object) -> CalendarFileError:
    return CalendarFileError(code, zh, en, details=details)


def _missing(name: str, key: str) -> CalendarFileError:
    return _err(
        "CALENDAR_MISSING_KEY",
        f"{name}：缺少必填项 {key}。",
        f"{name}: required key {key} is missing.",
        key=key,
    )


def _bad(name: str, key: str, zh: str, en: str) -> CalendarFileError:
    return _err("CALENDAR_BAD_VALUE", f"{name}：{key} {zh}。", f"{name}: {key} {en}.", key=key)


def _mismatch(name: str, zh: str, en: str) -> CalendarFileError:
    return _err("CALENDAR_YEAR_MISMATCH", f"{name}：{zh}。", f"{name}: {en}.")


def _check_keys(
    table: Mapping[str, object],
    name: str,
    prefix: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
) -> None:
    for key in required:
        if key not in table:
            raise _missing(name, prefix + key)
    for key in table:
        if key not in required and key not in optional:
            allowed = ", ".join((*required, *optional))
            raise _err(
                "CALENDAR_UNKNOWN_KEY",
                f"{name}：未定义的项 {prefix}{key}（可用：{allowed}），是否拼写有误？",
                f"{name}: unknown key {prefix}{key} (allowed: {allowed}); a typo?",
                key=prefix + key,
            )


def _text(
    table: Mapping[str, object],
    key: str,
    name: str,
    *,
    where: str = "",
    allow_empty: bool = False,
) -> str:
    value = table[key]
    label = f"{where}.{key}" if where else key
    if not isinstance(value, str):
        raise _bad(name, label, "应为字符串", "must be a string")
    if not allow_empty and not value.strip():
        raise _bad(name, label, "不能为空", "must not be empty")
    return value


def _table_list(
    doc: Mapping[str, object], key: str, name: str, *, required: bool
) -> list[dict[str, object]]:
    if key not in doc:
        return []  # required keys were checked already
    value = doc[key]
    tables = [v for v in value if isinstance(v, dict)] if isinstance(value, list) else None
    if tables is None or not isinstance(value, list) or len(tables) != len(value):
        raise _bad(name, key, f"应为表数组（[[{key}]]）", f"must be an array of tables ([[{key}]])")
    if required and not tables:
        raise _bad(name, key, "不能为空", "must not be empty")
    return tables


def _date_value(value: object, name: str, label: str) -> date:
    """A date given as a TOML local date (``2026-01-04``) or an ISO string (``"2026-01-04"``)."""
    if isinstance(value, datetime) or not isinstance(value, (date, str)):
        raise _bad_date(name, label, value)
    if isinstance(value, date):
        return value
    if not _ISO_DATE.fullmatch(value):
        raise _bad_date(name, label, value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad_date(name, label, value) from None


def _bad_date(name: str, label: str, value: object) -> CalendarFileError:
    return _err(
        "CALENDAR_BAD_DATE",
        f"{name}：{label} 的值 {value!r} 不是有效日期（应为 YYYY-MM-DD）。",
        f"{name}: {label} = {value!r} is not a valid date (expected YYYY-MM-DD).",
        key=label,
    )
