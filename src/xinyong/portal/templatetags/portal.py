"""Template filters of the portal: legal dates in the page's language."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.filter
def ldate(value: date | None) -> str:
    """A legal date: ``2026年3月12日`` in Chinese, ``2026-03-12`` in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat() if _english() else f"{value.year}年{value.month}月{value.day}日"


@register.filter
def ltime(value: datetime | None) -> str:
    """A moment in Beijing time: ``2026年11月23日 15:53`` / ``2026-11-23 15:53``."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    clock = local.strftime("%H:%M")
    return f"{local.date().isoformat()} {clock}" if _english() else f"{ldate(local.date())} {clock}"
