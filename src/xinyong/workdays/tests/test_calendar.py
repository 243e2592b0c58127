"""Tests of the pure working-day calendar and of the reviewed policy/calendar/*.toml files.

No Django: run with ``PYTHONPATH=src python -m pytest -p no:django <this file>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.workdays.calendar import (
    CALENDAR_FILE_ERROR_CODES,
    CalendarFile,
    CalendarFileError,
    DayOverride,
    WorkdayResult,
    WorkingCalendar,
    YearNotCovered,
    parse_calendar_file,
)

REPO_ROOT = Path(__file__).resolve().parents[4]
POLICY_DIR = REPO_ROOT / "policy" / "calendar"
YEARS = range(2019, 2027)
D = date


@cache
def calendar_files() -> tuple[CalendarFile, ...]:
    return tuple(parse_calendar_file(p) for p in sorted(POLICY_DIR.glob("cn-*.toml")))


@cache
def official() -> WorkingCalendar:
    return WorkingCalendar.from_files(calendar_files())


@cache
def library(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)  # == holidays.China(years=year)


def library_weekend_workdays(year: int) -> set[date]:
    return {d for d in library(year).weekend_workdays if d.year == year}


# ------------------------------------------------------------------------------------------
# The policy files
# ------------------------------------------------------------------------------------------


def test_exactly_the_years_2019_to_2026_are_shipped() -> None:
    assert [f.year for f in calendar_files()] == list(YEARS)
    assert not (POLICY_DIR / "cn-2027.toml").exists()
    assert official().covered_years == tuple(YEARS)


@pytest.mark.parametrize("year", YEARS)
def test_file_metadata(year: int) -> None:
    path = POLICY_DIR / f"cn-{year}.toml"
    f = parse_calendar_file(path)
    assert f.code == "cn-holiday-arrangement"
    assert f.edition == str(year)
    assert (f.effective_from, f.effective_to) == (D(year, 1, 1), D(year, 12, 31))
    assert f.jurisdiction == "national"
    assert f"国务院办公厅关于{year}年部分节假日安排的通知" in f.legal_source
    assert "python-holidays" in f.note
    assert f.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert list(f.overrides) == sorted(f.overrides, key=lambda o: o.date)
    assert all(o.date.weekday() >= 5 for o in f.workdays)


def test_legal_sources_cite_the_notices_and_amendments() -> None:
    sources = {f.year: f.legal_source for f in calendar_files()}
    expected = {
        2019: ("国办发明电〔2018〕15号", "国办发明电〔2019〕2号"),
        2020: ("国办发明电〔2019〕16号", "国办发明电〔2020〕1号"),
        2021: ("国办发明电〔2020〕27号",),
        2022: ("国办发明电〔2021〕11号",),
        2023: ("国办发明电〔2022〕16号",),
        2024: ("国办发明电〔2023〕7号",),
        2025: ("国办发明电〔2024〕12号",),
        2026: ("国办发明电〔2025〕7号",),
    }
    for year, numbers in expected.items():
        for number in numbers:
            assert number in sources[year]


@pytest.mark.parametrize("year", YEARS)
def test_weekday_days_off_agree_with_python_holidays(year: int) -> None:
    """Every weekday day off in holidays.China is a holiday in our files, and vice versa."""
    ours = {
        o.date
        for f in calendar_files()
        for o in f.holidays
        if o.date.year == year and o.date.weekday() < 5
    }
    theirs = {d for d in library(year) if d.weekday() < 5}
    assert ours == theirs


@pytest.mark.parametrize("year", YEARS)
def test_adjusted_working_weekends_agree_with_python_holidays(year: int) -> None:
    ours = {o.date for f in calendar_files() for o in f.workdays if o.date.year == year}
    assert ours == library_weekend_workdays(year)


def test_neighbouring_year_dates_agree_with_python_holidays() -> None:
    """Dates an arrangement places in the neighbouring year (2018-12-29…31, 2022-12-31,
    2023-12-30/31) agree with the library's data for that year too."""
    outside = [o for f in calendar_files() for o in f.overrides if o.date.year != f.year]
    assert {o.date for o in outside} >= {D(2018, 12, 29), D(2018, 12, 31), D(2022, 12, 31)}
    for o in outside:
        if o.working:
            assert o.date in library_weekend_workdays(o.date.year)
        elif o.date.weekday() < 5:
            assert o.date in library(o.date.year)


def test_every_day_2019_to_2026_agrees_with_python_holidays() -> None:
    cal = official()
    day = D(2019, 1, 1)
    while day <= D(2026, 12, 31):
        lib = library(day.year)
        expected = (day.weekday() < 5 and day not in lib) or day in lib.weekend_workdays
        assert cal.is_working_day(day) is expected, day
        day += timedelta(days=1)


def test_holiday_blocks_are_contiguous() -> None:
    for f in calendar_files():
        blocks: dict[str, list[date]] = {}
        for o in f.holidays:
            blocks.setdefault(o.name, []).append(o.date)
        for name, dates in blocks.items():
            assert dates == [dates[0] + timedelta(days=i) for i in range(len(dates))], (f, name)


def test_2026_arrangement_as_published() -> None:
    f = next(f for f in calendar_files() if f.year == 2026)
    blocks: dict[str, tuple[date, date, int]] = {}
    for o in f.holidays:
        first, last, n = blocks.get(o.name, (o.date, o.date, 0))
        blocks[o.name] = (min(first, o.date), max(last, o.date), n + 1)
    assert blocks == {
        "元旦": (D(2026, 1, 1), D(2026, 1, 3), 3),
        "春节": (D(2026, 2, 15), D(2026, 2, 23), 9),
        "清明节": (D(2026, 4, 4), D(2026, 4, 6), 3),
        "劳动节": (D(2026, 5, 1), D(2026, 5, 5), 5),
        "端午节": (D(2026, 6, 19), D(2026, 6, 21), 3),
        "中秋节": (D(2026, 9, 25), D(2026, 9, 27), 3),
        "国庆节": (D(2026, 10, 1), D(2026, 10, 7), 7),
    }
    assert [o.date for o in f.workdays] == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]


# ------------------------------------------------------------------------------------------
# Working-day arithmetic on the official calendar
# ------------------------------------------------------------------------------------------


def test_adjusted_working_weekends() -> None:
    cal = official()
    assert cal.is_working_day(D(2026, 1, 4))  # Sunday, 元旦调休
    assert cal.is_working_day(D(2026, 2, 14))  # Saturday, 春节调休
    assert cal.is_working_day(D(2020, 1, 19))  # Sunday, 春节调休
    assert not cal.is_working_day(D(2026, 1, 2))  # Friday, 元旦
    assert cal.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_2020_spring_festival_extension() -> None:
    """国办发明电〔2020〕1号 extended the holiday to 2020-02-02 and cancelled the working
    Saturday 2020-02-01."""
    cal = official()
    assert not cal.is_working_day(D(2020, 2, 1))
    assert not cal.is_working_day(D(2020, 1, 31))
    assert cal.is_working_day(D(2020, 2, 3))
    assert cal.add_working_days(D(2020, 1, 23), 1) == D(2020, 2, 3)
    assert cal.working_days_between(D(2020, 1, 23), D(2020, 2, 3)) == 1


def test_spring_festival_2026() -> None:
    cal = official()
    # Decision on Thursday 12 Feb: 13 Fri, 14 Sat (调休), 24, 25, 26, 27, 28 Sat (调休).
    assert cal.add_working_days(D(2026, 2, 12), 7) == D(2026, 2, 28)
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6
    assert cal.working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0


@pytest.mark.parametrize(
    ("decided", "n", "deadline"),
    [
        (D(2020, 9, 30), 1, D(2020, 10, 9)),  # 国庆节、中秋节 10/1–10/8, 10/10 Saturday works
        (D(2020, 9, 30), 2, D(2020, 10, 10)),
        (D(2023, 9, 28), 1, D(2023, 10, 7)),  # 中秋节、国庆节 9/29–10/6, 10/7 Saturday works
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # 国庆节、中秋节 10/1–10/8
        (D(2025, 9, 26), 3, D(2025, 9, 30)),  # 9/28 Sunday works
        (D(2024, 2, 8), 7, D(2024, 2, 23)),  # 春节 2/10–2/17, 2/18 Sunday works
        (D(2024, 2, 9), 1, D(2024, 2, 18)),
        (D(2019, 4, 30), 1, D(2019, 5, 5)),  # amended 劳动节 5/1–5/4, 5/5 Sunday works
    ],
)
def test_multi_day_blocks(decided: date, n: int, deadline: date) -> None:
    cal = official()
    assert cal.add_working_days(decided, n) == deadline
    assert cal.working_days_between(decided, deadline) == n
    assert cal.add_working_days(deadline, -n) == decided or not cal.is_working_day(decided)


def test_n_zero() -> None:
    cal = official()
    assert cal.add_working_days(D(2026, 1, 4), 0) == D(2026, 1, 4)  # working Sunday
    assert cal.add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)  # ordinary Monday
    assert cal.add_working_days(D(2026, 2, 15), 0) == D(2026, 2, 24)  # inside 春节
    assert cal.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 9)  # ordinary Saturday


def test_negative_n() -> None:
    cal = official()
    assert cal.add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 24), -2) == D(2026, 2, 13)
    assert cal.add_working_days(D(2026, 2, 20), -1) == D(2026, 2, 14)  # from inside the block
    assert cal.add_working_days(D(2026, 10, 9), -1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2


def test_between_basic_properties() -> None:
    cal = official()
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5  # Tue…Fri + Mon
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == -5


def test_year_boundary_2019_arrangement_reaches_into_2018() -> None:
    """The 2019 file makes 2018-12-29 a working Saturday and 2018-12-30/31 days off; 2018
    itself is not covered, so walking there is provisional, but the known facts are used."""
    cal = official()
    f2019 = next(f for f in calendar_files() if f.year == 2019)
    assert DayOverride(D(2018, 12, 29), True, "元旦调休") in f2019.overrides
    assert cal.override(D(2018, 12, 31)) == DayOverride(D(2018, 12, 31), False, "元旦")

    with pytest.raises(YearNotCovered) as excinfo:
        cal.is_working_day(D(2018, 12, 29))
    assert excinfo.value.years == (2018,)
    assert cal.is_working_day(D(2018, 12, 29), allow_provisional=True)
    assert not cal.is_working_day(D(2018, 12, 31), allow_provisional=True)

    with pytest.raises(YearNotCovered):
        cal.add_working_days(D(2019, 1, 2), -1)
    assert cal.add_working_days(D(2019, 1, 2), -1, allow_provisional=True) == D(2018, 12, 29)
    assert cal.add_working_days_result(D(2019, 1, 2), -1) == WorkdayResult(
        D(2018, 12, 29), provisional=True, uncovered_years=(2018,)
    )
    # Only the days walked over are examined: starting in 2018, moving into 2019 is final.
    assert cal.add_working_days(D(2018, 12, 31), 1) == D(2019, 1, 2)
    assert cal.working_days_between(D(2018, 12, 31), D(2019, 1, 2)) == 1


def test_year_boundary_2023_new_year_block_starts_in_2022() -> None:
    cal = official()
    assert cal.override(D(2022, 12, 31)) == DayOverride(D(2022, 12, 31), False, "元旦")
    assert cal.add_working_days(D(2022, 12, 30), 1) == D(2023, 1, 3)
    assert cal.add_working_days(D(2023, 1, 3), -1) == D(2022, 12, 30)


def test_uncovered_year_raises_with_the_year_in_the_message() -> None:
    cal = official()
    with pytest.raises(YearNotCovered) as excinfo:
        cal.add_working_days(D(2026, 12, 30), 3)
    err = excinfo.value
    assert err.years == (2027,)
    assert "2027" in str(err)
    assert "2027" in err.message_zh and "2027" in err.message_en
    assert "cn-2027.toml" in err.message_en
    assert err.code == "CALENDAR_YEAR_NOT_COVERED"

    with pytest.raises(YearNotCovered, match="2027"):
        cal.is_working_day(D(2027, 3, 1))
    with pytest.raises(YearNotCovered, match="2027"):
        cal.working_days_between(D(2026, 12, 1), D(2027, 1, 31))
    with pytest.raises(YearNotCovered) as many:
        cal.working_days_between(D(2017, 12, 1), D(2019, 1, 31))
    assert many.value.years == (2017, 2018)
    assert "2017" in str(many.value) and "2018" in str(many.value)


def test_provisional_results_reaching_2027() -> None:
    cal = official()
    # 12-31 Thu, 2027-01-01 Fri (weekends-only rule: a working day), 2027-01-04 Mon.
    result = cal.add_working_days_result(D(2026, 12, 30), 3)
    assert result == WorkdayResult(D(2027, 1, 4), provisional=True, uncovered_years=(2027,))
    assert cal.add_working_days(D(2026, 12, 30), 3, allow_provisional=True) == D(2027, 1, 4)

    between = cal.working_days_between_result(D(2026, 12, 30), D(2027, 1, 4))
    assert between == WorkdayResult(3, provisional=True, uncovered_years=(2027,))

    final = cal.add_working_days_result(D(2026, 12, 28), 3)
    assert final == WorkdayResult(D(2026, 12, 31), provisional=False, uncovered_years=())
    assert cal.working_days_between_result(D(2026, 1, 1), D(2026, 12, 31)) == WorkdayResult(
        cal.working_days_between(D(2026, 1, 1), D(2026, 12, 31)), False, ()
    )
    # The same question becomes final once 2027 is covered (here: a weekends-only 2027).
    with_2027 = WorkingCalendar(
        [*cal.covered_years, 2027],
        [o for f in calendar_files() for o in f.overrides],
    )
    assert with_2027.add_working_days_result(D(2026, 12, 30), 3).provisional is False


def test_empty_interval_examines_nothing() -> None:
    cal = WorkingCalendar([], [])
    assert cal.working_days_between(D(2030, 1, 1), D(2030, 1, 1)) == 0
    assert cal.working_days_between_result(D(2030, 1, 1), D(2030, 1, 1)) == WorkdayResult(
        0, False, ()
    )
    assert not cal.is_covered(2030)


def test_weekends_only_rule_without_overrides() -> None:
    cal = WorkingCalendar([2030], [])
    assert cal.is_working_day(D(2030, 1, 1))  # a Tuesday: no arrangement says otherwise
    assert not cal.is_working_day(D(2030, 1, 5))
    assert cal.add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 7)


def test_conflicting_overrides_are_refused() -> None:
    day = D(2030, 1, 5)
    with pytest.raises(ValueError, match="conflicting"):
        WorkingCalendar([2030], [DayOverride(day, True, "a"), DayOverride(day, False, "b")])
    same = WorkingCalendar([2030], [DayOverride(day, True, "a"), DayOverride(day, True, "b")])
    assert same.override(day) == DayOverride(day, True, "a")
    f = calendar_files()[0]
    with pytest.raises(ValueError, match="more than one"):
        WorkingCalendar.from_files([f, f])


# -- properties over 2019–2026 -------------------------------------------------------------

# Start dates are limited so that no walk leaves 2019–2026 (60 working days < 100 days).
forward_start = st.dates(min_value=D(2019, 1, 1), max_value=D(2026, 9, 1))
backward_start = st.dates(min_value=D(2019, 5, 1), max_value=D(2026, 12, 31))
counts = st.integers(min_value=1, max_value=60)
any_day = st.dates(min_value=D(2019, 1, 1), max_value=D(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(d=forward_start, n=counts)
def test_between_round_trip(d: date, n: int) -> None:
    cal = official()
    end = cal.add_working_days(d, n)
    assert end > d
    assert cal.is_working_day(end)
    assert cal.working_days_between(d, end) == n
    assert cal.working_days_between(end, d) == -n
    assert cal.working_days_between(d, end - timedelta(days=1)) == n - 1
    assert cal.add_working_days_result(d, n) == WorkdayResult(end, False, ())


@settings(max_examples=300, deadline=None)
@given(d=backward_start, n=counts)
def test_negative_n_is_symmetric(d: date, n: int) -> None:
    cal = official()
    start = cal.add_working_days(d, -n)
    assert start < d
    assert cal.is_working_day(start)
    # The n-th working day before d: exactly n-1 working days lie strictly between them.
    assert cal.working_days_between(start, d - timedelta(days=1)) == n - 1
    # Walking forward again lands on d exactly when d is a working day, else just after it.
    back = cal.add_working_days(start, n)
    assert (back == d) is cal.is_working_day(d)
    assert back >= d
    assert cal.working_days_between(start, d) == (n if cal.is_working_day(d) else n - 1)


@settings(max_examples=300, deadline=None)
@given(a=any_day, b=any_day, c=any_day)
def test_between_is_additive_and_antisymmetric(a: date, b: date, c: date) -> None:
    cal = official()
    ab = cal.working_days_between(a, b)
    assert ab == -cal.working_days_between(b, a)
    assert ab + cal.working_days_between(b, c) == cal.working_days_between(a, c)


@settings(max_examples=300, deadline=None)
@given(d=forward_start)
def test_n_zero_property(d: date) -> None:
    cal = official()
    first = cal.add_working_days(d, 0)
    assert cal.is_working_day(first)
    assert (first == d) is cal.is_working_day(d)
    assert cal.working_days_between(d, first) == (0 if first == d else 1)


# ------------------------------------------------------------------------------------------
# Calendar file validation
# ------------------------------------------------------------------------------------------

VALID = """\
kind = "calendar"
code = "cn-holiday-arrangement"
edition = "2030"
year = 2030
effective_from = 2030-01-01
effective_to = 2030-12-31
jurisdiction = "national"
legal_source = "测试通知"
note = "test"

[[holidays]]
name = "元旦"
dates = ["2029-12-30", "2029-12-31", "2030-01-01"]

[[holidays]]
name = "春节"
dates = ["2030-02-02", "2030-02-03", "2030-02-04"]

[[workdays]]
date = 2030-01-05
reason = "元旦调休"
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "cn-2030.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_parses(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    f = parse_calendar_file(path)
    assert f.year == 2030 and f.edition == "2030" and f.note == "test"
    assert f.digest == hashlib.sha256(VALID.encode()).hexdigest()
    assert f.overrides[0] == DayOverride(D(2029, 12, 30), False, "元旦")
    assert f.workdays == (DayOverride(D(2030, 1, 5), True, "元旦调休"),)
    cal = WorkingCalendar.from_files([f])
    assert cal.add_working_days(D(2030, 1, 4), 1) == D(2030, 1, 5)


def test_note_and_workdays_are_optional(tmp_path: Path) -> None:
    text = VALID.replace('note = "test"\n', "").split("[[workdays]]")[0]
    f = parse_calendar_file(_write(tmp_path, text))
    assert f.note == "" and f.workdays == ()


def _replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return mutate


def _chain(*steps: Callable[[str], str]) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return mutate


BAD_CASES: list[tuple[str, Callable[[str], str | bytes], str]] = [
    ("not utf-8", lambda t: t.encode("gb18030"), "CALENDAR_FILE_UNREADABLE"),
    ("toml syntax", _replace("year = 2030", "year = = 2030"), "CALENDAR_TOML_SYNTAX"),
    ("missing kind", _replace('kind = "calendar"\n', ""), "CALENDAR_MISSING_KEY"),
    ("missing legal_source", _replace('legal_source = "测试通知"\n', ""), "CALENDAR_MISSING_KEY"),
    ("missing holidays", lambda t: t.split("[[holidays]]")[0], "CALENDAR_MISSING_KEY"),
    ("missing holiday name", _replace('name = "春节"\n', ""), "CALENDAR_MISSING_KEY"),
    ("missing workday reason", _replace('reason = "元旦调休"\n', ""), "CALENDAR_MISSING_KEY"),
    ("unknown top key", _replace('note = "test"', 'notes = "test"'), "CALENDAR_UNKNOWN_KEY"),
    (
        "unknown workday key",
        _replace('"元旦调休"\n', '"元旦调休"\nweekday = "六"\n'),
        "CALENDAR_UNKNOWN_KEY",
    ),
    ("wrong kind", _replace('kind = "calendar"', 'kind = "regime"'), "CALENDAR_WRONG_KIND"),
    ("year not int", _replace("year = 2030", 'year = "2030"'), "CALENDAR_BAD_VALUE"),
    ("empty legal_source", _replace('"测试通知"', '""'), "CALENDAR_BAD_VALUE"),
    (
        "holidays not tables",
        lambda t: t.split("[[holidays]]")[0] + 'holidays = ["2030-01-01"]\n',
        "CALENDAR_BAD_VALUE",
    ),
    (
        "empty dates",
        _replace('["2030-02-02", "2030-02-03", "2030-02-04"]', "[]"),
        "CALENDAR_BAD_VALUE",
    ),
    (
        "edition mismatch",
        _replace('edition = "2030"', 'edition = "2031"'),
        "CALENDAR_YEAR_MISMATCH",
    ),
    ("year mismatch", _replace("year = 2030", "year = 2031"), "CALENDAR_YEAR_MISMATCH"),
    (
        "effective_to outside year",
        _replace("effective_to = 2030-12-31", "effective_to = 2031-01-01"),
        "CALENDAR_YEAR_MISMATCH",
    ),
    (
        "effective range reversed",
        _chain(
            _replace("effective_from = 2030-01-01", "effective_from = 2030-12-31"),
            _replace("effective_to = 2030-12-31", "effective_to = 2030-06-30"),
        ),
        "CALENDAR_BAD_VALUE",
    ),
    ("bad date string", _replace('"2030-02-03"', '"2030-02-30"'), "CALENDAR_BAD_DATE"),
    ("sloppy date string", _replace('"2030-02-03"', '"2030-2-3"'), "CALENDAR_BAD_DATE"),
    ("datetime", _replace("date = 2030-01-05", "date = 2030-01-05T08:00:00"), "CALENDAR_BAD_DATE"),
    ("number as date", _replace('"2030-02-03"', "20300203"), "CALENDAR_BAD_DATE"),
    (
        "duplicate holiday",
        _replace('"2030-02-04"]', '"2030-02-04", "2030-02-02"]'),
        "CALENDAR_DUPLICATE_DATE",
    ),
    (
        "duplicate across blocks",
        _replace('"2030-02-04"]', '"2030-02-04", "2030-01-01"]'),
        "CALENDAR_DUPLICATE_DATE",
    ),
    (
        "duplicate workday",
        lambda t: t + '\n[[workdays]]\ndate = 2030-01-05\nreason = "again"\n',
        "CALENDAR_DUPLICATE_DATE",
    ),
    (
        "holiday and workday",
        _replace("date = 2030-01-05", "date = 2030-02-02"),
        "CALENDAR_HOLIDAY_WORKDAY_CONFLICT",
    ),
    (
        "workday on a weekday",
        _replace("date = 2030-01-05", "date = 2030-01-07"),
        "CALENDAR_WORKDAY_NOT_WEEKEND",
    ),
    (
        "holiday far before the year",
        _replace('"2029-12-30"', '"2029-12-20"'),
        "CALENDAR_DATE_OUT_OF_RANGE",
    ),
    (
        "holiday far after the year",
        _replace('"2030-02-04"]', '"2031-02-04"]'),
        "CALENDAR_DATE_OUT_OF_RANGE",
    ),
    (
        "workday far outside the year",
        _replace("date = 2030-01-05", "date = 2031-01-11"),
        "CALENDAR_DATE_OUT_OF_RANGE",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "code"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_bad_files_are_refused_with_a_stable_code(
    tmp_path: Path, mutate: Callable[[str], str | bytes], code: str
) -> None:
    path = _write(tmp_path, mutate(VALID))
    with pytest.raises(CalendarFileError) as excinfo:
        parse_calendar_file(path)
    err = excinfo.value
    assert err.code == code, str(err)
    assert err.message_zh and err.message_en
    assert "cn-2030.toml" in err.message_en
    assert str(err).startswith(f"{code}: ")


def test_a_day_seven_days_outside_the_year_is_still_accepted(tmp_path: Path) -> None:
    text = _replace('"2029-12-30"', '"2029-12-25"')(VALID)
    text = _replace('"2030-02-04"]', '"2030-02-04", "2031-01-07"]')(text)
    f = parse_calendar_file(_write(tmp_path, text))
    assert {D(2029, 12, 25), D(2031, 1, 7)} <= {o.date for o in f.overrides}


def test_file_name_year_must_match(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError) as excinfo:
        parse_calendar_file(_write(tmp_path, VALID, name="cn-2031.toml"))
    assert excinfo.value.code == "CALENDAR_YEAR_MISMATCH"
    # Other names (e.g. an upload) are not held to the pattern.
    assert parse_calendar_file(_write(tmp_path, VALID, name="upload.toml")).year == 2030


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError) as excinfo:
        parse_calendar_file(tmp_path / "cn-2030.toml")
    assert excinfo.value.code == "CALENDAR_FILE_UNREADABLE"


def test_every_error_code_is_exercised() -> None:
    assert {c[2] for c in BAD_CASES} == CALENDAR_FILE_ERROR_CODES


def test_unknown_error_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown calendar file error code"):
        CalendarFileError("NOPE", "zh", "en")
