"""A bar chart of the feedback rate per department, as geometry for an inline SVG (no script:
the console's Content-Security-Policy allows none). The same numbers are in the table next
to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 720
LEFT = 48
RIGHT = 8
TOP = 16
BOTTOM = 56
HEIGHT = 280


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    percent: int
    label: str
    label_x: float
    low: bool  # under half: drawn in the warning colour


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class RateChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)


def rate_chart(rows: Sequence[tuple[str, float]]) -> RateChart:
    """One bar per (label, rate 0–1), on a 0–100 % axis."""
    chart = RateChart()
    plot = HEIGHT - BOTTOM - TOP
    for i in range(5):
        chart.ticks.append(Tick(y=round(HEIGHT - BOTTOM - plot * i / 4, 1), label=f"{25 * i}%"))
    if not rows:
        return chart
    slot = (WIDTH - LEFT - RIGHT) / len(rows)
    width = max(4.0, min(40.0, slot * 0.6))
    for index, (label, rate) in enumerate(rows):
        height = plot * max(0.0, min(1.0, rate))
        x = LEFT + index * slot + (slot - width) / 2
        chart.bars.append(
            Bar(
                x=round(x, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                percent=round(rate * 100),
                label=label[:8],
                label_x=round(LEFT + index * slot + slot / 2, 1),
                low=rate < 0.5,
            )
        )
    return chart
