"""Working-day arithmetic: our calendar against python-holidays' own working-day count.

Deadlines are computed in bulk by periodic jobs (every open case, every record's reporting
lag), so adding working days must stay cheap. Baseline, measured in the same run: the
``holidays`` library's ``get_nth_working_day`` on its China calendar for the same inputs.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

import holidays

from xinyong.workdays.calendar import WorkingCalendar, parse_calendar_file

ROOT = Path(__file__).resolve().parents[1]


def _inputs(n: int) -> list[tuple[date, int]]:
    rng = random.Random(7)
    start = date(2019, 1, 1)
    return [
        (start + timedelta(days=rng.randrange(0, 7 * 365)), rng.randint(1, 20)) for _ in range(n)
    ]


def main() -> None:
    files = [parse_calendar_file(p) for p in sorted((ROOT / "policy" / "calendar").glob("*.toml"))]
    calendar = WorkingCalendar.from_files(files)
    inputs = _inputs(20_000)

    t0 = time.perf_counter()
    ours = [calendar.add_working_days(d, n) for d, n in inputs]
    t_ours = time.perf_counter() - t0

    cn = holidays.country_holidays("CN", years=range(2018, 2028))
    t0 = time.perf_counter()
    base = [cn.get_nth_working_day(d, n) for d, n in inputs]
    t_base = time.perf_counter() - t0

    agree = sum(a == b for a, b in zip(ours, base, strict=True))
    print(
        f"add_working_days: {len(inputs) / t_ours:,.0f} ops/s (ours), "
        f"{len(inputs) / t_base:,.0f} ops/s (python-holidays)"
    )
    print(f"ratio ours/baseline: {t_base / t_ours:.2f}x; results agree on {agree}/{len(inputs)}")
