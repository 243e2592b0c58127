"""A bar chart of on-time and late records per month, as geometry for an inline SVG.

Why this exists: the timeliness page shows a chart without JavaScript (the console's
Content-Security-Policy allows no inline script, and none is needed): the bars are computed
here and drawn by the template as an ``<svg>`` with presentation attributes only. The same
numbers are in a table next to it for screen readers and printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH = 720
HEIGHT = 260
LEFT = 48
BOTTOM = 40
TOP = 16
RIGHT = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    kind: str  # "on_time" | "late"


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthLabel:
    x: float
    label: str


@dataclass
class BarChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[MonthLabel] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT
    maximum: int = 0


def _nice(maximum: int) -> int:
    """A round upper bound for the axis (1, 2, 5 × 10ⁿ)."""
    if maximum <= 5:
        return 5
    magnitude = 10 ** (len(str(maximum)) - 1)
    for step in (1, 2, 5, 10):
        if maximum <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def timeliness_chart(months: Sequence[tuple[date, int, int]]) -> BarChart:
    """Grouped bars per month: on time and late. ``months`` is (month, on_time, late)."""
    chart = BarChart()
    if not months:
        return chart
    top = _nice(max(max(on, late) for _m, on, late in months))
    chart.maximum = top
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    bar = max(2.0, min(24.0, slot * 0.35))
    for index, (month, on_time, late) in enumerate(months):
        x0 = LEFT + index * slot + (slot - 2 * bar) / 2
        for offset, value, kind in ((0.0, on_time, "on_time"), (bar, late, "late")):
            height = plot_height * value / top
            chart.bars.append(
                Bar(
                    x=round(x0 + offset, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(bar, 1),
                    height=round(height, 1),
                    value=value,
                    kind=kind,
                )
            )
        chart.labels.append(
            MonthLabel(x=round(LEFT + index * slot + slot / 2, 1), label=month.strftime("%Y-%m"))
        )
    for i in range(5):
        value = top * i // 4
        chart.ticks.append(
            Tick(y=round(HEIGHT - BOTTOM - plot_height * i / 4, 1), label=str(value))
        )
    return chart
