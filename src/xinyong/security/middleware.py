"""Request guards that run before any view.

``RefuseNulBytesMiddleware``: a NUL character in the path or the query string is refused
with 400 ``REQUEST_NUL_BYTE`` (found by schemathesis: PostgreSQL text cannot hold one, so a
filter parameter with a NUL reached the database as a 500). One guard here instead of a check
in every view that reads a parameter.

``ApiRateLimitMiddleware``: per-address rate limit on the API (``/api/``), before authentication.

It runs before django-ninja authenticates, so it also limits requests with bad or guessed
tokens, which never reach the per-token limit (``auth.TokenAuth``) or ninja's own throttles
(those run after authentication). Pages are not limited here; the log-in has its own
limits on failures (``xinyong.security.login``). docs/decisions/0009-rate-limits.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xinyong.security import ratelimit
from xinyong.security.errors import RateLimited, RequestHasNulByte
from xinyong.security.web import client_ip, problem_response

API_PREFIX = "/api/"


class RefuseNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return problem_response(RequestHasNulByte())
        return self.get_response(request)


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            try:
                ratelimit.hit("api_ip", client_ip(request))
            except RateLimited as exc:
                return problem_response(exc)
        return self.get_response(request)
