"""Working-day arithmetic on the loaded official calendar: the functions other apps call.

Why this exists: deadlines in working days are everywhere (RULES §1, §3, §4). This module is
the one door to them: it builds a :class:`~xinyong.workdays.calendar.WorkingCalendar` from the
loaded arrangements (:func:`get_calendar`, cached per process and rebuilt when the loaded
editions change) and offers the plain functions, which raise
:class:`~xinyong.workdays.errors.CalendarYearNotCovered` (``CALENDAR_YEAR_NOT_COVERED``) when a
computation reaches a year that is not loaded, and the ``*_result`` variants, which return a
:class:`~xinyong.workdays.calendar.WorkdayResult` flagged ``provisional`` instead (see
``docs/decisions/0002-uncovered-calendar-years.md``).
"""

from __future__ import annotations

import threading
from datetime import date

from xinyong.workdays.calendar import DayOverride, WorkdayResult, WorkingCalendar, YearNotCovered
from xinyong.workdays.errors import CalendarYearNotCovered
from xinyong.workdays.models import CalendarDay, CalendarYear, active_years_q

# (stamp, calendar): the stamp lists (pk, year, digest) of the active calendar years, so a
# load, a retirement or a rolled-back transaction in any process is noticed by the next call.
_Stamp = tuple[tuple[int, int, str], ...]
_cache: tuple[_Stamp, WorkingCalendar] | None = None
_lock = threading.Lock()


def _stamp() -> _Stamp:
    rows = (
        CalendarYear.objects.filter(active_years_q())
        .order_by("year", "pk")
        .values_list("pk", "year", "edition__digest")
    )
    return tuple((pk, year, digest) for pk, year, digest in rows)


def invalidate_calendar_cache() -> None:
    """Forget the cached calendar (the calendar handler calls this on load and retire)."""
    global _cache
    with _lock:
        _cache = None


def get_calendar() -> WorkingCalendar:
    """The working calendar of the active loaded arrangements.

    One small query checks that the cache is current; the days are read only when the set of
    loaded editions changed.
    """
    global _cache
    stamp = _stamp()
    cached = _cache
    if cached is not None and cached[0] == stamp:
        return cached[1]
    days = CalendarDay.objects.filter(calendar_year_id__in=[pk for pk, _, _ in stamp]).values_list(
        "date", "working", "name"
    )
    calendar = WorkingCalendar(
        [year for _, year, _ in stamp], (DayOverride(d, w, n) for d, w, n in days)
    )
    with _lock:
        _cache = (stamp, calendar)
    return calendar


def covered_years() -> tuple[int, ...]:
    """The years whose official arrangement is loaded, ascending."""
    return get_calendar().covered_years


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day; ``CALENDAR_YEAR_NOT_COVERED`` if its year is not
    loaded."""
    try:
        return get_calendar().is_working_day(d)
    except YearNotCovered as exc:
        raise CalendarYearNotCovered.from_pure(exc) from exc


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself never counts; ``n`` may be 0 or
    negative, see :meth:`WorkingCalendar.add_working_days`). "Within 7 working days of a
    decision of ``d``" ends on ``add_working_days(d, 7)``."""
    try:
        return get_calendar().add_working_days(d, n)
    except YearNotCovered as exc:
        raise CalendarYearNotCovered.from_pure(exc) from exc


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]`` (negative if ``b < a``)."""
    try:
        return get_calendar().working_days_between(a, b)
    except YearNotCovered as exc:
        raise CalendarYearNotCovered.from_pure(exc) from exc


def add_working_days_result(d: date, n: int) -> WorkdayResult:
    """:func:`add_working_days` that never raises for coverage: the result says whether it is
    ``provisional`` and which ``uncovered_years`` it crossed. A caller that stores a
    provisional deadline must store the flag and the years with it."""
    return get_calendar().add_working_days_result(d, n)


def working_days_between_result(a: date, b: date) -> WorkdayResult:
    """:func:`working_days_between` that reports missing coverage instead of raising."""
    return get_calendar().working_days_between_result(a, b)
