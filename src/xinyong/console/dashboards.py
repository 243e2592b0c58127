"""The console dashboards: one panel per domain, each a chart and the table of its numbers.

Why this exists: the credit office reads the platform's health at a glance — reporting
timeliness, list and repair volumes over time, joint-action feedback rates. Each domain app
computes its own figures under its own row-level scope; this module lists the panel
providers explicitly, in display order, and the view draws whatever they return.

A provider is ``def panel(user, today) -> Panel | None`` (``None``: nothing to show to this
user). It uses a bounded number of aggregate queries, never one per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from xinyong.console.charts import BarChart
from xinyong.core.models import User


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    chart: BarChart
    columns: Sequence[str | Promise]  # the table: first column is the month
    rows: Sequence[Sequence[object]]
    url: str = ""  # the screen with the details, if any
    url_label: str | Promise = ""


# Panels in the order the dashboard page shows them. Add an app's provider here.
DASHBOARD_PANELS: list[str] = [
    "xinyong.lists.dashboard.panel",
    "xinyong.joint.dashboard.panel",
    "xinyong.repair.dashboard.panel",
]

MONTHS = 12


def panels(user: User, today: date) -> list[Panel]:
    out: list[Panel] = []
    for path in DASHBOARD_PANELS:
        provider: Callable[[User, date], Panel | None] = import_string(path)
        panel = provider(user, today)
        if panel is not None:
            out.append(panel)
    return out
