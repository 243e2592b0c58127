"""Coded errors of the working-day calendar (see ``docs/calendar.md``)."""

from __future__ import annotations

from datetime import date

from xinyong.errors import CodedError, Conflict
from xinyong.policy.dates import parse_iso_date
from xinyong.workdays.calendar import YearNotCovered


class CalendarYearNotCovered(CodedError):
    """A computation reached a year whose holiday arrangement is not loaded
    (``details['years']``). See ``docs/decisions/0002-uncovered-calendar-years.md``."""

    status = 422
    code = "CALENDAR_YEAR_NOT_COVERED"

    @classmethod
    def from_pure(cls, exc: YearNotCovered) -> CalendarYearNotCovered:
        return cls(message_zh=exc.message_zh, message_en=exc.message_en, years=list(exc.years))


class CalendarYearAlreadyCovered(Conflict):
    """Another active edition already holds the arrangement for that year."""

    code = "CALENDAR_YEAR_ALREADY_COVERED"


class DateInvalid(CodedError):
    """A date parameter that is not a real ``YYYY-MM-DD`` date (``2026-02-30``)."""

    status = 422
    code = "DATE_INVALID"


class ParametersInvalid(CodedError):
    status = 422
    code = "PARAMETERS_INVALID"


class WorkingDaysRangeTooLarge(CodedError):
    status = 422
    code = "WORKING_DAYS_RANGE_TOO_LARGE"


def parse_date_param(value: str, *, name: str) -> date:
    """A strict ISO date from a request or command line, or :class:`DateInvalid`."""
    parsed = parse_iso_date(value)
    if parsed is None:
        raise DateInvalid(
            message_zh=f"{name} 的值 {value!r} 不是有效日期（应为 YYYY-MM-DD，如 2026-04-01）。",
            message_en=f"{name} = {value!r} is not a valid date (YYYY-MM-DD, e.g. 2026-04-01).",
            parameter=name,
            value=value,
        )
    return parsed
