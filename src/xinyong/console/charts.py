"""Grouped bar charts by month, as geometry for an inline SVG drawn without JavaScript.

Why this exists: the console's dashboards show pictures people read at a glance, and its
Content-Security-Policy allows no inline script (none is needed). The geometry is computed
here; ``console/_bar_chart.html`` draws it as an ``<svg>`` with a title, a description, a
legend, and each bar's value as its tooltip. Every chart is shown next to a table of the same
numbers, for screen readers and printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

WIDTH = 720
HEIGHT = 260
LEFT = 48
BOTTOM = 40
TOP = 16
RIGHT = 8

# Colours with at least 4.5:1 contrast on white (WCAG 2.1 AA for graphics needs 3:1).
PALETTE = ("#0b57a4", "#b3261e", "#2e7d32", "#6a3d9a", "#8a5300")


@dataclass(frozen=True)
class Series:
    key: str
    label: str | Promise
    colour: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: Series


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    label: str


@dataclass
class BarChart:
    title: str | Promise
    description: str | Promise
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT
    maximum: int = 0

    @property
    def empty(self) -> bool:
        return not self.bars


def nice_maximum(maximum: int) -> int:
    """A round upper bound for the axis, divisible into four equal whole steps of 1, 2 or
    5 × 10ⁿ (4, 8, 20, 40, 80, 200, …)."""
    needed = max(1, -(-maximum // 4))  # the smallest step that reaches maximum in four
    magnitude = 10 ** (len(str(needed)) - 1)
    for step in (1, 2, 5, 10):
        if needed <= step * magnitude:
            return 4 * step * magnitude
    raise AssertionError("unreachable")


def last_months(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    months: list[date] = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_bar_chart(
    *,
    title: str | Promise,
    description: str | Promise,
    series: Sequence[tuple[str, str | Promise]],
    values: Sequence[tuple[date, Sequence[int]]],
) -> BarChart:
    """Bars grouped by month: one bar per series in each month. ``values`` holds (month,
    one value per series), in the order to draw."""
    chart = BarChart(
        title=title,
        description=description,
        series=[
            Series(key, label, PALETTE[i % len(PALETTE)]) for i, (key, label) in enumerate(series)
        ],
    )
    if not values:
        return chart
    top = nice_maximum(max((max(v) if v else 0) for _m, v in values))
    chart.maximum = top
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / len(values)
    count = max(1, len(chart.series))
    bar = max(2.0, min(24.0, slot * 0.7 / count))
    for index, (month, numbers) in enumerate(values):
        x0 = LEFT + index * slot + (slot - count * bar) / 2
        for position, (value, s) in enumerate(zip(numbers, chart.series, strict=True)):
            height = plot_height * value / top
            chart.bars.append(
                Bar(
                    x=round(x0 + position * bar, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(bar, 1),
                    height=round(height, 1),
                    value=value,
                    series=s,
                )
            )
        chart.labels.append(
            Label(x=round(LEFT + index * slot + slot / 2, 1), label=month.strftime("%Y-%m"))
        )
    for i in range(5):
        chart.ticks.append(
            Tick(y=round(HEIGHT - BOTTOM - plot_height * i / 4, 1), label=str(top * i // 4))
        )
    return chart
