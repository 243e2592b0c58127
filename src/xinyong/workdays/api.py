"""API of the working-day calendar (``/api/v1/calendar/``): working-day arithmetic on the
loaded official calendar, and which years are covered. Public, read-only.

Thin layer: parameters are parsed (``DATE_INVALID`` for ``2026-02-30``), the computation is
``xinyong.workdays.queries``; a result crossing an uncovered year is returned with
``provisional: true`` and the years, or refused with ``CALENDAR_YEAR_NOT_COVERED`` when the
caller asks ``strict=true``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from xinyong.workdays.calendar import WorkdayResult, YearNotCovered
from xinyong.workdays.errors import (
    CalendarYearNotCovered,
    ParametersInvalid,
    WorkingDaysRangeTooLarge,
    parse_date_param,
)
from xinyong.workdays.models import CalendarYear, active_years_q
from xinyong.workdays.queries import add_working_days_result, working_days_between_result

router = Router()

#: Bounds that keep one request cheap (a computation walks day by day).
MAX_ADD = 2_000
MAX_SPAN_DAYS = 366 * 20


class WorkingDaysQuery(Schema):
    start: str = Field(..., description="start date, YYYY-MM-DD")
    add: int | None = Field(None, description="working days to add (may be 0 or negative)")
    end: str | None = Field(
        None, description="end date, YYYY-MM-DD: count working days in (start, end]"
    )
    strict: bool = Field(
        False, description="refuse a provisional result (CALENDAR_YEAR_NOT_COVERED)"
    )


class WorkingDaysOut(Schema):
    start: date
    add: int | None = None
    end: date | None = None
    result: date | None = Field(None, description="start + add working days")
    working_days: int | None = Field(None, description="working days in (start, end]")
    provisional: bool
    uncovered_years: list[int]


class CoveredYearOut(Schema):
    year: int
    edition: str
    jurisdiction: str
    legal_source: str
    digest: str


class YearsOut(Schema):
    covered_years: list[CoveredYearOut]


def _checked(result: WorkdayResult, strict: bool) -> WorkdayResult:
    if strict and result.provisional:
        raise CalendarYearNotCovered.from_pure(YearNotCovered(result.uncovered_years))
    return result


@router.get("/working-days", response=WorkingDaysOut, summary="Working-day arithmetic (工作日计算)")
def working_days(request: HttpRequest, q: Query[WorkingDaysQuery]) -> dict[str, Any]:
    """``?start=D&add=N``: the N-th working day after D (D itself never counts).
    ``?start=A&end=B``: the number of working days in (A, B].

    The result is ``provisional`` when the computation crossed a year whose holiday
    arrangement is not loaded (listed in ``uncovered_years``); it must then be recomputed once
    that year is loaded. ``strict=true`` refuses such a result instead.
    """
    start = parse_date_param(q.start, name="start")
    if (q.add is None) == (q.end is None):
        raise ParametersInvalid(
            message_zh="请给出 add（加工作日）或 end（计算区间工作日数）中的一个。",
            message_en="give exactly one of add (add working days) or end (count working days).",
        )
    if q.add is not None:
        if abs(q.add) > MAX_ADD:
            raise WorkingDaysRangeTooLarge(
                message_zh=f"add 的绝对值不能超过 {MAX_ADD}。",
                message_en=f"add must be between -{MAX_ADD} and {MAX_ADD}.",
            )
        result = _checked(add_working_days_result(start, q.add), q.strict)
        return {
            "start": start,
            "add": q.add,
            "result": result.value,
            "provisional": result.provisional,
            "uncovered_years": list(result.uncovered_years),
        }
    assert q.end is not None
    end = parse_date_param(q.end, name="end")
    if abs((end - start).days) > MAX_SPAN_DAYS:
        raise WorkingDaysRangeTooLarge(
            message_zh="start 与 end 相距不能超过20年。",
            message_en="start and end must be at most 20 years apart.",
        )
    result = _checked(working_days_between_result(start, end), q.strict)
    return {
        "start": start,
        "end": end,
        "working_days": result.value,
        "provisional": result.provisional,
        "uncovered_years": list(result.uncovered_years),
    }


@router.get("/years", response=YearsOut, summary="Covered years (已载入的节假日安排)")
def covered_years(request: HttpRequest) -> dict[str, Any]:
    """The years whose official holiday arrangement is loaded, with their edition."""
    rows = CalendarYear.objects.filter(active_years_q()).select_related("edition").order_by("year")
    return {
        "covered_years": [
            {
                "year": r.year,
                "edition": r.edition.label,
                "jurisdiction": r.edition.jurisdiction,
                "legal_source": r.edition.legal_source,
                "digest": r.edition.digest,
            }
            for r in rows
        ]
    }
