"""Recomputing provisional reporting deadlines when a year's holiday arrangement is loaded.

Why this exists: a record's reporting deadline and lag (RULES §1, 7 working days) are
*provisional* when they crossed a year whose arrangement (国务院办公厅节假日安排通知) was not
loaded (docs/decisions/0002-uncovered-calendar-years.md). When that year is loaded — or a
loaded year is retired — ``xinyong.workdays.recompute`` calls
:func:`recompute_provisional_deadlines` inside the calendar action's transaction (the hook is
listed in ``RECOMPUTE_HOOKS``), and every record whose timeliness depends on those years is
computed again, in bulk. Idempotent: a record already right is not written.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from xinyong.catalog.errors import CatalogItemUnknown
from xinyong.catalog.queries import catalog_item
from xinyong.records.models import Record
from xinyong.records.rules import TimelinessCalculator, reporting_working_days
from xinyong.workdays.recompute import RecomputeRequest

#: Records read and written per step.
STEP = 2000


def _touches(years: frozenset[int]) -> Q:
    """Records whose decision, deadline or report falls in one of ``years``."""
    q = Q()
    for year in years:
        start, end = date(year, 1, 1), date(year, 12, 31)
        q |= Q(decision_date__range=(start, end)) | Q(reported_on__range=(start, end))
        q |= Q(reporting_deadline__range=(start, end))
    return q


def recompute_provisional_deadlines(request: RecomputeRequest) -> int:
    """Recompute the timeliness of records it may have changed; returns how many changed.

    ``loaded``: provisional records touching the years are final now. ``retired``: records
    touching the years become provisional again (computed by the weekends-only rule)."""
    records = Record.objects.filter(_touches(request.years), decision_date__isnull=False)
    if request.reason == "loaded":
        records = records.filter(reporting_provisional=True)
    changed = 0
    calculators: dict[tuple[str, date], TimelinessCalculator] = {}
    last = 0
    while True:
        step = list(
            records.filter(pk__gt=last)
            .order_by("pk")
            .only(
                "pk",
                "item_code",
                "decision_date",
                "reported_on",
                "reporting_deadline",
                "reporting_lag_working_days",
                "reporting_provisional",
                "late",
            )[:STEP]
        )
        if not step:
            return changed
        last = step[-1].pk
        dirty = []
        for record in step:
            key = (record.item_code, record.reported_on)
            calculator = calculators.get(key)
            if calculator is None:
                try:
                    item = catalog_item(record.item_code, on=record.reported_on)
                    days = reporting_working_days(item, on=record.reported_on)
                except CatalogItemUnknown:
                    continue
                calculator = TimelinessCalculator(days, record.reported_on)
                calculator.refresh()
                calculators[key] = calculator
            found = calculator.timeliness(record.decision_date)
            new = (found.deadline, found.lag, found.provisional, found.late)
            old = (
                record.reporting_deadline,
                record.reporting_lag_working_days,
                record.reporting_provisional,
                record.late,
            )
            if new != old:
                (
                    record.reporting_deadline,
                    record.reporting_lag_working_days,
                    record.reporting_provisional,
                    record.late,
                ) = new
                dirty.append(record)
        Record.objects.bulk_update(
            dirty,
            ["reporting_deadline", "reporting_lag_working_days", "reporting_provisional", "late"],
        )
        changed += len(dirty)
