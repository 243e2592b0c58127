"""Per-address rate limit on the API (``/api/``), before authentication.

It runs before django-ninja authenticates, so it also limits requests with bad or guessed
tokens, which never reach the per-token limit (``auth.TokenAuth``) or ninja's own throttles
(those run after authentication). Pages are not limited here; the log-in has its own
limits on failures (``xinyong.security.login``). docs/decisions/0009-rate-limits.md.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xinyong.security import ratelimit
from xinyong.security.errors import RateLimited
from xinyong.security.web import client_ip, problem_response

API_PREFIX = "/api/"


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
