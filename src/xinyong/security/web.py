"""HTTP helpers of the security layer: the client's address, and coded errors answered
outside django-ninja (middleware, console pages) as the API would answer them."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from xinyong.errors import CodedError

PROBLEM_JSON = "application/problem+json"


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or the one ``XINYONG_PROXY_COUNT`` trusted
    reverse proxies put in ``X-Forwarded-For`` (never a value the client could choose)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.XINYONG_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    # Each trusted proxy appends the address it received the request from; the client is
    # the entry the outermost trusted proxy appended.
    return hops[-proxies] if len(hops) >= proxies else (hops[0] if hops else remote)


def problem_response(exc: CodedError) -> HttpResponse:
    """An RFC 9457 problem document for ``exc``, with its headers (``Retry-After``)."""
    return HttpResponse(
        json.dumps(exc.as_problem(), ensure_ascii=False, default=str),
        status=exc.status,
        content_type=f"{PROBLEM_JSON}; charset=utf-8",
        headers=exc.headers,
    )
