"""The request id of the work in progress, so that audit events name the request that
caused them. Set by RequestIdMiddleware for HTTP and by commands and tasks for their runs."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("xinyong_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def new_request_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex}"


@contextmanager
def request_context(request_id: str) -> Iterator[str]:
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)
