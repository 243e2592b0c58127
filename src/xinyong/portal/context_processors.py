"""Template context shared by every page: the deploying platform's name.

Registered in ``TEMPLATES[0]["OPTIONS"]["context_processors"]`` as
``xinyong.portal.context_processors.platform``. The name comes from
``settings.XINYONG["PLATFORM_NAME"]``; an optional ``PLATFORM_NAME_EN`` is shown instead
when the page is in English (the Chinese name is used when there is none).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def platform_name(language: str | None = None) -> str:
    """The platform's name in ``language`` (the active language by default)."""
    config = settings.XINYONG
    language = language or get_language() or settings.LANGUAGE_CODE
    if not language.startswith("zh"):
        name_en = config.get("PLATFORM_NAME_EN")
        if name_en:
            return str(name_en)
    return str(config["PLATFORM_NAME"])


def platform(request: HttpRequest) -> dict[str, str]:
    """``platform_name`` for the header, the title and the footer of every page."""
    return {"platform_name": platform_name()}
