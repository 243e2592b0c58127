"""Publication windows and reporting deadlines of records, computed in bulk.

Why this exists: every accepted row needs (1) the publication window of its decision —
for penalties from the dated regime in force on the decision date, by severity, with the
specific-serious rule and the longest period when a decision carries several categories
(RULES §3, ``xinyong.policy.regimes.publication_window``); for other items the catalog item's
own rule (fixed months, while valid, none) — and (2) its reporting deadline in working days
after the decision (RULES §1: 7 working days for licences and penalties, 国发〔2016〕33号,
发改办财金〔2018〕424号; other items their own number) with the lag and a late flag.

Both depend only on a few inputs that repeat across a file (the decision date, the
severity), while each look-up reads the database; so the calculators here cache per input
for the life of one batch run and read the working calendar once per chunk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from xinyong.errors import CodedError
from xinyong.policy.choices import Publication
from xinyong.policy.dates import add_months
from xinyong.policy.errors import RegimeNotFound
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.regimes import PublicationWindow, publication_window, regime_for
from xinyong.records.choices import PublicationRule
from xinyong.workdays.calendar import WorkingCalendar
from xinyong.workdays.queries import get_calendar


@dataclass(frozen=True)
class Window:
    """A record's publication window (all dates inclusive; None = open or not published)."""

    rule: str
    published: str
    start: date | None
    min_end: date | None
    max_end: date | None
    regime_code: str = ""
    #: No regime governs the decision date (before 2019-07-01): not published, and the row
    #: gets a warning (docs/collection.md).
    no_regime: bool = False


@dataclass(frozen=True)
class Timeliness:
    """A record's reporting deadline, lag in working days and late flag."""

    deadline: date | None
    lag: int | None
    late: bool
    provisional: bool


def rule_of(item: Any) -> tuple[str, int | None]:
    """The item's publication rule as (type, months)."""
    rule = item.publication_rule
    if isinstance(rule, Mapping):
        kind = str(rule.get("type", PublicationRule.NONE))
        months = rule.get("months")
    else:
        kind = str(getattr(rule, "type", rule))
        months = getattr(rule, "months", None)
    return kind, int(months) if months is not None else None


def _longest(windows: Iterable[PublicationWindow]) -> PublicationWindow:
    # RULES §3: several categories in one decision — the longest period applies (local
    # rule ⚠, ``multiple_categories`` in policy/regimes/publication-repair.toml).
    return max(windows, key=lambda w: (w.max_end, w.min_end, w.specific_serious))


class WindowCalculator:
    """Publication windows of one catalog item, cached per (decision date, severities)."""

    def __init__(self, item: Any, *, disclosure: str) -> None:
        self.rule, self.months = rule_of(item)
        self.disclosure = disclosure
        self._regime_cache: dict[tuple[date, tuple[str, ...], bool], Window | CodedError] = {}
        self._has_regime: dict[date, bool] = {}
        # The catalog item remembers the windows it computed for validation (per catalog
        # snapshot, CatalogItemDef.window): the same look-ups are not made twice.
        found = getattr(item, "window", None)
        self._publication_window: Callable[[date, str, bool], PublicationWindow] = (
            found
            if callable(found)
            else lambda d, severity, specific: publication_window(
                d, severity, specific_serious=specific
            )
        )

    def window(
        self,
        *,
        decision_date: date | None,
        valid_until: date | None,
        severities: tuple[str, ...],
        specific_serious: bool,
    ) -> Window:
        """The window; raises the policy's coded error (``REGIME_NOT_FOUND``,
        ``REGIME_RULE_NOT_DEFINED``, ``SEVERITY_UNKNOWN``) for a penalty it cannot place."""
        window = self._window(decision_date, valid_until, severities, specific_serious)
        if self.disclosure != "public" and window.published != Publication.NEVER:
            # Shared-only and not-disclosed items keep their period (sharing and use end
            # with it) but are never shown on the portal (RULES §5).
            window = dataclasses.replace(window, published=Publication.NEVER)
        return window

    def _window(
        self,
        decision_date: date | None,
        valid_until: date | None,
        severities: tuple[str, ...],
        specific_serious: bool,
    ) -> Window:
        if self.rule == PublicationRule.NONE:
            return Window(self.rule, Publication.NEVER, None, None, None)
        if self.rule == PublicationRule.WHILE_VALID:
            return Window(self.rule, Publication.REQUIRED, decision_date, None, valid_until)
        if self.rule == PublicationRule.FIXED:
            if decision_date is None or not self.months:
                return Window(self.rule, Publication.REQUIRED, decision_date, None, None)
            end = add_months(decision_date, self.months)
            return Window(self.rule, Publication.REQUIRED, decision_date, None, end)
        # The regime of the decision date (RULES §3).
        if decision_date is None:
            return Window(self.rule, Publication.NEVER, None, None, None)
        key = (decision_date, severities, specific_serious)
        cached = self._regime_cache.get(key)
        if cached is None:
            try:
                cached = self._regime_window(decision_date, severities, specific_serious)
            except CodedError as exc:
                cached = exc
            self._regime_cache[key] = cached
        if isinstance(cached, CodedError):
            raise cached.with_traceback(None)  # not a traceback per row
        return cached

    def _regime_window(
        self, decision_date: date, severities: tuple[str, ...], specific_serious: bool
    ) -> Window:
        has_regime = self._has_regime.get(decision_date)
        if has_regime is None:
            try:
                regime_for(decision_date)
            except RegimeNotFound:
                has_regime = False
            else:
                has_regime = True
            self._has_regime[decision_date] = has_regime
        if not has_regime:
            return Window(
                PublicationRule.REGIME, Publication.NEVER, decision_date, None, None, "", True
            )
        window = self._publication_window
        if specific_serious:
            found = window(decision_date, "serious", True)
        else:
            found = _longest(window(decision_date, s, False) for s in severities)
        return Window(
            PublicationRule.REGIME,
            found.published,
            decision_date,
            found.min_end,
            found.max_end,
            found.regime_code,
        )


def reporting_working_days(item: Any, *, on: date) -> int:
    """Working days a department has to report a record of ``item``: the item's own
    number, else the jurisdiction setting (RULES §1)."""
    days = getattr(item, "reporting_deadline_working_days", None)
    if days:
        return int(days)
    key = (
        "double_publicity.report_working_days"
        if item.record_kind in ("licence", "penalty")
        else "catalog.other_item_report_working_days"
    )
    return int(policy_setting(key, on=on).value)


class TimelinessCalculator:
    """Reporting deadline, lag and late flag against the official working calendar.

    "Within N working days of the decision" ends on ``add_working_days(decision, N)``; a
    record received after that day is late. The lag is the number of working days in
    (decision date, received date]. Results that cross a year whose holiday arrangement is
    not loaded are *provisional* (docs/decisions/0002) and recomputed when it is.
    """

    def __init__(self, working_days: int, received_on: date) -> None:
        self.working_days = working_days
        self.received_on = received_on
        self._calendar: WorkingCalendar | None = None
        self._cache: dict[date, Timeliness] = {}

    def refresh(self) -> None:
        """Read the working calendar again (once per chunk; it is cached per process)."""
        calendar = get_calendar()
        if calendar is not self._calendar:
            self._calendar = calendar
            self._cache.clear()

    def timeliness(self, decision_date: date | None) -> Timeliness:
        if decision_date is None:
            return Timeliness(None, None, False, False)
        found = self._cache.get(decision_date)
        if found is None:
            if self._calendar is None:
                self.refresh()
            assert self._calendar is not None
            deadline = self._calendar.add_working_days_result(decision_date, self.working_days)
            lag = self._calendar.working_days_between_result(decision_date, self.received_on)
            assert isinstance(deadline.value, date) and isinstance(lag.value, int)
            found = Timeliness(
                deadline=deadline.value,
                lag=lag.value,
                late=self.received_on > deadline.value,
                provisional=deadline.provisional or lag.provisional,
            )
            self._cache[decision_date] = found
        return found
