"""Date arithmetic for legal periods counted in months (no Django).

Why this exists: publication periods are stated in months and years (RULES §3). The Civil
Code says how such a period ends: 《民法典》第二百零一条 — the day the period starts does not
count; 第二百零二条 — a period in months or years ends on the corresponding day of the last
month, or on that month's last day when it has no corresponding day. So a 3-month period from
a decision of 2023-11-30 ends on 2024-02-29, and a 1-year period from 2024-02-29 ends on
2025-02-28.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months, clamped to the end of the target month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def parse_iso_date(text: str) -> date | None:
    """A strict ``YYYY-MM-DD`` date, or None (``2026-02-30`` and ``20260101`` are None)."""
    if not _ISO_DATE.fullmatch(text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
