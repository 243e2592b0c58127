"""schemathesis against ``/api/v1/openapi.json``, in process (WSGI), as part of ``make test``.

Every operation of the OpenAPI document is called with generated data — anonymously and as a
staff member holding every role (so that handlers behind authentication are reached too) —
and must never answer with a server error; responses with a documented status must conform to
their schema and content type. Examples per operation stay small (``SCHEMATHESIS_EXAMPLES``,
default 15) so the whole run stays well under a minute; ``make fuzz`` can raise it.
Derandomised by the root conftest's Hypothesis profile, so a red run is reproducible.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from xinyong.core.choices import Role
from xinyong.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def staff_cookie(world: Any, django_db_blocker: Any) -> dict[str, str]:
    """A session of a staff member of department A holding every role (created in the
    world's transaction, rolled back with it)."""
    with django_db_blocker.unblock():
        user = world.make_user(world.department_a, tuple(Role))
        client = Client()
        client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: str(client.cookies[name].value)}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Django closes the database connection when a WSGI request finishes; the test client
    disconnects that handler, and so must an in-process WSGI run (else the test's transaction
    is closed under it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails(case: Any, world: Any, staff_cookie: dict[str, str]) -> None:
    cache.clear()  # rate limits must not turn the run into 429s
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(checks=CHECKS, cookies=staff_cookie)
