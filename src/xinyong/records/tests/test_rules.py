"""Publication windows by the regime of the decision date (RULES §3) and reporting
timeliness in working days (RULES §1), as records get them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from xinyong.catalog.queries import catalog_item
from xinyong.records import rules
from xinyong.records.choices import RecordStatus
from xinyong.records.deadlines import recompute_provisional_deadlines
from xinyong.records.models import BatchRow, Record
from xinyong.records.prepare import PreparedRow, RowPreparer
from xinyong.records.rules import TimelinessCalculator, WindowCalculator
from xinyong.records.tests.conftest import SHANGHAI
from xinyong.records.tests.factories import penalty_row
from xinyong.workdays.calendar import DayOverride, WorkingCalendar
from xinyong.workdays.queries import get_calendar
from xinyong.workdays.recompute import RecomputeRequest

pytestmark = pytest.mark.django_db


def send(client: Client, rows: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/records/batches", {"item": "CF", "rows": rows}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(
    ("decided", "severity", "specific", "regime", "min_end", "max_end", "published"),
    [
        # 发改办财金〔2019〕527号: general 3 months – 1 year.
        (
            date(2022, 3, 1),
            "一般",
            "",
            "ndrc-527-2019",
            date(2022, 6, 1),
            date(2023, 3, 1),
            "required",
        ),
        # 527: serious 6 months – 3 years.
        (
            date(2022, 3, 1),
            "严重",
            "",
            "ndrc-527-2019",
            date(2022, 9, 1),
            date(2025, 3, 1),
            "required",
        ),
        # NDRC Order 58: serious 1 – 3 years; 2024-02-29 + 1 year ends on 2025-02-28.
        (
            date(2024, 2, 29),
            "严重",
            "",
            "ndrc-order-58",
            date(2025, 2, 28),
            date(2027, 2, 28),
            "required",
        ),
        # Specific serious (527 list): 3 years, no repair — min = max.
        (
            date(2024, 5, 10),
            "严重",
            "是",
            "ndrc-order-58",
            date(2027, 5, 10),
            date(2027, 5, 10),
            "required",
        ),
    ],
)
def test_publication_window_by_the_regime_of_the_decision_date(
    reporter_client: Client,
    department: Any,
    frozen_now: Any,
    decided: date,
    severity: str,
    specific: str,
    regime: str,
    min_end: date,
    max_end: date,
    published: str,
) -> None:
    row = penalty_row(1, department.code, decided=decided, XY_QZCD=severity, XY_TDYZ=specific)
    row["CF_YXQ"] = "2030-01-01"
    send(reporter_client, [row])
    record = Record.objects.get()
    assert record.regime_code == regime
    assert record.publication_from == decided
    assert (record.publication_min_end, record.publication_max_end) == (min_end, max_end)
    assert record.published == published
    # Reported on 2025-06-16: a period that ended before is never shown.
    expected = RecordStatus.EXPIRED if max_end < date(2025, 6, 16) else RecordStatus.ACTIVE
    assert record.status == expected
    assert record.is_published is (expected == RecordStatus.ACTIVE)


def test_light_acts_publication_under_22_hao(
    reporter_client: Client, department: Any, frozen_now: Callable[[datetime], None]
) -> None:
    frozen_now(datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI))
    row = penalty_row(1, department.code, decided=date(2026, 4, 10), XY_QZCD="轻微")
    send(reporter_client, [row])
    record = Record.objects.get()
    assert record.regime_code == "gbf-22-2025-order-36"
    assert record.published == "optional"
    assert record.publication_max_end == date(2026, 7, 10)


def test_light_before_2026_is_refused(
    reporter_client: Client, department: Any, frozen_now: Any
) -> None:
    body = send(reporter_client, [penalty_row(1, department.code, XY_QZCD="轻微")])
    assert body["counts"]["rejected"] == 1
    (row,) = BatchRow.objects.all()
    assert row.issues is not None
    assert {i["code"] for i in row.issues} == {"SEVERITY_NOT_IN_REGIME"}


def test_decision_before_the_first_regime_is_collected_but_not_published(
    reporter_client: Client, department: Any, frozen_now: Any
) -> None:
    row = penalty_row(1, department.code, decided=date(2019, 3, 4))
    body = send(reporter_client, [row])
    assert body["counts"]["accepted_with_warnings"] == 1
    record = Record.objects.get()
    assert record.published == "never" and not record.is_published
    codes = {i["code"] for i in BatchRow.objects.get().issues or ()}
    assert "PUBLICATION_REGIME_NOT_FOUND" in codes


def test_several_categories_take_the_longest_period(loaded_policy: Any) -> None:
    """RULES §3: several penalty categories in one decision — the longest period applies
    (local rule ⚠). A category may carry its own severity (a jurisdiction that grades by
    penalty type); the window is the longest over all of them."""
    item = catalog_item("CF", on=date(2025, 6, 16))
    windows = WindowCalculator(item, disclosure="public")
    general = windows.window(
        decision_date=date(2024, 5, 10), valid_until=None, severities=("general",),
        specific_serious=False,
    )  # fmt: skip
    both = windows.window(
        decision_date=date(2024, 5, 10),
        valid_until=None,
        severities=("general", "serious"),
        specific_serious=False,
    )
    assert general.max_end == date(2025, 5, 10)
    assert (both.min_end, both.max_end) == (date(2025, 5, 10), date(2027, 5, 10))

    graded = SimpleNamespace(
        entry=lambda code: SimpleNamespace(severity={"08": "serious"}.get(code))
    )
    preparer = RowPreparer(
        item,
        columns=[],
        received_on=date(2025, 6, 16),
        windows=windows,
        timeliness=TimelinessCalculator(7, date(2025, 6, 16)),
        personal=frozenset(),
    )
    preparer._categories = graded
    row = PreparedRow(row_number=1, cells=[], severity="general", categories=["01", "08"])
    assert preparer._severities(row) == ("general", "serious")
    row.categories = ["01", "03"]
    assert preparer._severities(row) == ("general",)


@pytest.mark.parametrize(
    ("received", "deadline", "lag", "late"),
    [
        # Decision Tue 2025-05-27; 端午节 2025-05-31 – 06-02 (Mon 06-02 is a day off), so the
        # 7th working day is Fri 06-06, not Thu 06-05.
        (datetime(2025, 6, 6, 16, 0), date(2025, 6, 6), 7, False),
        (datetime(2025, 6, 9, 9, 0), date(2025, 6, 6), 8, True),
    ],
)
def test_reporting_lag_across_a_holiday(
    reporter_client: Client,
    department: Any,
    frozen_now: Callable[[datetime], None],
    received: datetime,
    deadline: date,
    lag: int,
    late: bool,
) -> None:
    frozen_now(received.replace(tzinfo=SHANGHAI))
    body = send(reporter_client, [penalty_row(1, department.code, decided=date(2025, 5, 27))])
    record = Record.objects.get()
    assert record.reporting_deadline == deadline
    assert record.reporting_lag_working_days == lag
    assert record.late is late
    assert record.reporting_provisional is False
    assert body["counts"]["accepted_with_warnings" if late else "accepted"] == 1
    if late:
        issues = BatchRow.objects.get().issues
        assert issues is not None
        (issue,) = issues
        assert issue["code"] == "REPORTING_LATE" and issue["level"] == "warning"


def test_a_deadline_in_a_year_without_its_holiday_arrangement_is_provisional(
    reporter_client: Client,
    reporter: Any,
    department: Any,
    frozen_now: Callable[[datetime], None],
) -> None:
    # The shipped calendars cover 2019–2026: a report in January 2027 crosses 2027.
    frozen_now(datetime(2027, 1, 6, 10, 0, tzinfo=SHANGHAI))
    reporter_client.force_login(reporter)  # the session of 2025 has expired
    send(reporter_client, [penalty_row(1, department.code, decided=date(2026, 12, 28))])
    record = Record.objects.get()
    assert record.reporting_provisional is True
    assert record.reporting_deadline == date(2027, 1, 6)


def test_a_resend_keeps_the_timeliness_of_the_first_report(
    reporter_client: Client,
    reporter: Any,
    department: Any,
    frozen_now: Callable[[datetime], None],
) -> None:
    row = penalty_row(1, department.code, decided=date(2025, 6, 5))
    send(reporter_client, [row])
    frozen_now(datetime(2025, 7, 30, 10, 0, tzinfo=SHANGHAI))
    reporter_client.force_login(reporter)
    body = send(reporter_client, [dict(row, CF_NR_FK="3")])
    assert body["counts"]["corrected"] == 1
    record = Record.objects.get()
    assert record.late is False and record.reported_on == date(2025, 6, 16)
    assert not [i for i in BatchRow.objects.filter(batch_id=body["id"]).get().issues or ()]


def test_provisional_deadlines_are_recomputed_when_the_year_is_loaded(
    reporter_client: Client,
    reporter: Any,
    department: Any,
    frozen_now: Callable[[datetime], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen_now(datetime(2027, 1, 6, 10, 0, tzinfo=SHANGHAI))
    reporter_client.force_login(reporter)
    send(reporter_client, [penalty_row(1, department.code, decided=date(2026, 12, 28))])
    record = Record.objects.get()
    assert record.reporting_provisional and record.reporting_deadline == date(2027, 1, 6)
    request = RecomputeRequest(
        years=frozenset({2027}), reason="loaded", edition="test", acting_user=None
    )
    # Nothing changes while 2027 is still not covered.
    assert recompute_provisional_deadlines(request) == 0
    # As if the 2027 arrangement were loaded, with 元旦 days off on Fri 1 and Mon 4 January.
    real = get_calendar()
    loaded = WorkingCalendar(
        [*real.covered_years, 2027],
        [DayOverride(date(2027, 1, d), False, "元旦") for d in (1, 4)],
    )
    monkeypatch.setattr(rules, "get_calendar", lambda: loaded)
    assert recompute_provisional_deadlines(request) == 1
    assert recompute_provisional_deadlines(request) == 0  # idempotent
    record.refresh_from_db()
    assert record.reporting_provisional is False
    assert record.reporting_deadline == date(2027, 1, 8)  # two days off in the way
