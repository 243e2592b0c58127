"""Chinese first: the platform speaks zh-Hans unless the visitor chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header; a government
credit portal answers in Chinese by default and switches only on the visitor's explicit
choice (the language switch sets the ``django_language`` cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
