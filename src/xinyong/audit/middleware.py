"""Gives every HTTP request an id (the caller's ``X-Request-ID`` when it is well formed),
echoed in the response and written into every audit event the request causes."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xinyong.audit.context import new_request_id, request_context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE_ID.match(given) else new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        with request_context(rid):
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response
