"""Template filters of the listing pages and documents."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def cn_date(value: date | None) -> str:
    """``2026-03-10`` → ``2026年3月10日`` (the form of dates in official documents)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def months_zh(months: int | None) -> str:
    """``24`` → ``2年``, ``18`` → ``18个月``."""
    if not months:
        return ""
    if months % 12 == 0:
        return f"{months // 12}年"
    return f"{months}个月"
