"""The lists panel of the console dashboards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from xinyong.console.charts import last_months, monthly_bar_chart, nice_maximum
from xinyong.lists.choices import CaseState
from xinyong.lists.dashboard import panel
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People

pytestmark = pytest.mark.django_db


def test_last_months_crosses_the_year() -> None:
    assert last_months(date(2026, 2, 17), 4) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_bar_heights_follow_the_values() -> None:
    chart = monthly_bar_chart(
        title="t",
        description="d",
        series=[("a", "A"), ("b", "B")],
        values=[(date(2026, 1, 1), (10, 0)), (date(2026, 2, 1), (5, 20))],
    )
    assert chart.maximum == 20
    heights = {(b.series.key, b.value): b.height for b in chart.bars}
    assert heights[("b", 20)] == 2 * heights[("a", 10)] == 4 * heights[("a", 5)]
    assert heights[("b", 0)] == 0
    assert [label.label for label in chart.labels] == ["2026-01", "2026-02"]


def test_the_panel_counts_entered_and_removed_by_month(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)  # listed 2026-03-12

    figures = panel(people.reviewer, date(2026, 11, 23))
    assert figures is not None
    rows = {row[0]: tuple(row[1:]) for row in figures.rows}
    assert rows["2026-03"] == (1, 0)
    assert [month for month, counts in rows.items() if counts != (0, 0)] == ["2026-03"]
    assert len(rows) == 12

    other = panel(people.outsider, date(2026, 11, 23))
    assert other is not None and all(e == r == 0 for _m, e, r in other.rows)


def test_the_dashboard_page_draws_a_chart_with_its_table(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    client.force_login(people.reviewer)
    response = client.get(reverse("console:dashboards"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-panel="lists.volumes"' in html
    assert "<svg" in html and "<rect" in html and "<table>" in html
    assert "style=" not in html.split("<main", 1)[-1]  # the CSP allows no inline style

    client.logout()
    assert client.get(reverse("console:dashboards")).status_code == 302


@pytest.mark.parametrize(
    ("maximum", "top"), [(0, 4), (1, 4), (4, 4), (5, 8), (9, 20), (21, 40), (41, 80), (81, 200)]
)
def test_the_axis_has_four_equal_whole_steps(maximum: int, top: int) -> None:
    assert nice_maximum(maximum) == top
    chart = monthly_bar_chart(
        title="t", description="d", series=[("a", "A")], values=[(date(2026, 1, 1), (maximum,))]
    )
    labels = [int(t.label) for t in chart.ticks]
    assert labels == [top * i // 4 for i in range(5)] and top % 4 == 0
