"""The permission matrix, generated from the URL resolver and the OpenAPI document.

For every page (console, portal, admin) and every API operation, the declared access class
(``xinyong.security.matrix``) is proven for four callers (STYLE.md §14; issue 7 "Build 2"):
anonymous, another department, the same department without the role, and the allowed
caller (API: also department systems' tokens where the operation accepts them). A denied
caller gets 302-to-log-in, 401, 403, 404 or 405; the database does not change (row counts
of every model and the audit chain head); the response carries none of the fixture world's
names, codes or ID numbers. Object URLs point at department A's objects, so "another
department" is the IDOR check of every object URL.

A new endpoint without a declaration fails ``test_every_endpoint_is_declared`` with the line
to add.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from xinyong.api import api
from xinyong.audit.models import AuditChainHead, AuditEvent
from xinyong.core.choices import Role
from xinyong.security.matrix import (
    ALL_ROLES,
    API,
    GLOBAL_ROLES,
    PAGES,
    WORLD_KINDS,
    Access,
    AccessClass,
    ScopeOf,
    api_access,
    declaration_hint,
    page_access,
)

World = Any  # tests/security/conftest.py: World (conftest modules are not importable)

DENIED_PAGE = {302, 403, 404, 405}
DENIED_API = {401, 403, 404, 405}
LOGIN_PATHS = ("/console/login/", "/admin/login/")


# ----------------------------------------------------------------------------------------
# Enumerating the endpoints
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    kind: str  # "page" or "api"
    key: str  # URL name, or "METHOD /api/v1/path"
    route: str  # the resolver's route, or the OpenAPI path
    access: Access | None

    @property
    def id(self) -> str:
        return self.key


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = ns + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def pages() -> list[Endpoint]:
    found: dict[str, Endpoint] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if name.startswith("api-v1:") and name != "api-v1:api-root":
            continue  # API operations: enumerated from the OpenAPI document
        if name == "admin:" and route.endswith("<path:object_id>/"):
            app, model = route.split("/")[1:3]
            name = f"admin:{app}_{model}_redirect"
        key = name if not name.endswith(":") else f"{name}<{route}>"
        found.setdefault(key, Endpoint("page", key, route, page_access(name)))
    return list(found.values())


def operations() -> list[Endpoint]:
    schema = api.get_openapi_schema()
    result = []
    for path, methods in schema["paths"].items():
        for method in methods:
            key = f"{method.upper()} {path}"
            result.append(Endpoint("api", key, path, api_access(method, path)))
    return result


ENDPOINTS = pages() + operations()


def test_every_endpoint_is_declared() -> None:
    missing = [declaration_hint(e.kind, e.key) for e in ENDPOINTS if e.access is None]
    assert not missing, "\n\n".join(missing)


def test_no_stale_declarations() -> None:
    """A declaration whose endpoint is gone would prove nothing: remove it."""
    keys = {e.key for e in ENDPOINTS}
    stale = sorted(k for k in [*PAGES, *API] if k not in keys)
    assert not stale, f"declared in xinyong.security.matrix but not routed: {stale}"


# ----------------------------------------------------------------------------------------
# Callers
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    name: str
    denied: bool  # False: allowed; None-like "must not leak" is ``leak_only``
    leak_only: bool = False  # allowed to reach the page, must not see department A's data


def callers(access: Access, kind: str) -> list[Caller]:
    c = access.access
    if c == AccessClass.PUBLIC:
        return [Caller("anonymous", denied=False)]
    if c == AccessClass.LOGIN_STEP:
        return [Caller("anonymous", denied=True)]
    result = [Caller("anonymous", denied=True)]
    if c == AccessClass.STAFF:
        result.append(Caller("allowed", denied=False))
        if kind == "api" and access.token_scope:
            result.append(Caller("token_allowed", denied=False))
        return result
    if c == AccessClass.ADMIN:
        return [*result, Caller("every_role", denied=True), Caller("allowed", denied=False)]
    if c == AccessClass.NOBODY:
        return [*result, Caller("every_role", denied=True), Caller("superuser", denied=True)]
    # ROLE
    if access.roles and set(access.roles) <= GLOBAL_ROLES:
        pass  # a platform-wide role: there is no "other department"
    elif access.scope_of == ScopeOf.OBJECT:
        result.append(Caller("other_department", denied=True))
    else:
        result.append(Caller("other_department", denied=False, leak_only=True))
    if access.roles:
        result.append(Caller("same_department_without_role", denied=True))
    result.append(Caller("allowed", denied=False))
    if kind == "api" and access.token_scope:
        result += [
            Caller("token_other_department", denied=access.scope_of == ScopeOf.OBJECT),
            Caller("token_without_scope", denied=True),
            Caller("token_allowed", denied=False),
        ]
    return result


def _marks(access: Access, caller: Caller) -> list[Any]:
    """A known, reported defect runs as a strict expected failure (see ``known_issues``)."""
    reason = access.known_issues.get(caller.name)
    return [pytest.mark.xfail(reason=f"known issue: {reason}", strict=True)] if reason else []


CASES = [
    pytest.param(e, caller, id=f"{e.key}|{caller.name}", marks=_marks(e.access, caller))
    for e in ENDPOINTS
    if e.access is not None
    for caller in callers(e.access, e.kind)
]


def test_known_issues_name_real_callers() -> None:
    """A ``known_issues`` entry must name a caller the matrix generates for its endpoint."""
    wrong = [
        (e.key, name)
        for e in ENDPOINTS
        if e.access is not None
        for name in e.access.known_issues
        if name not in {c.name for c in callers(e.access, e.kind)}
    ]
    assert not wrong, wrong


def _client_for(world: World, access: Access, caller: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    headers: dict[str, str] = {}
    a, b = world.department_a, world.department_b
    allowing = tuple(access.roles)
    non_oversight = tuple(r for r in ALL_ROLES if r not in access.oversight)
    if caller == "anonymous":
        return client, headers
    if caller.startswith("token_"):
        value = {
            "token_allowed": "a_all",
            # a token of department A with a single scope that is not the one required
            "token_without_scope": "a_report" if access.token_scope == "check" else "a_check",
            "token_other_department": "b_all",
        }[caller]
        headers["Authorization"] = f"Bearer {world.token_values[value]}"
        return client, headers
    if caller == "every_role":
        user = world.make_user(a, ALL_ROLES)
    elif caller == "superuser" or (access.access == AccessClass.ADMIN and caller == "allowed"):
        user = world.make_user(None, (), superuser=True)
    elif access.access == AccessClass.STAFF:
        user = world.make_user(a, (Role.DEPARTMENT_CHECKER,))
    elif caller == "allowed":
        user = world.make_user(a, allowing[:1] or (Role.DEPARTMENT_CHECKER,))
    elif caller == "other_department":
        user = world.make_user(
            b, tuple(r for r in (allowing or non_oversight) if r in non_oversight) or allowing
        )
    elif caller == "same_department_without_role":
        user = world.make_user(
            a, tuple(r for r in ALL_ROLES if r not in allowing and r not in access.oversight)
        )
    else:  # pragma: no cover
        raise AssertionError(caller)
    client.force_login(user)
    return client, headers


#: Objects made by test factories during the current case (one per factory: a factory named
#: by a path parameter and by the body gives one object).
_made: dict[str, Any] = {}


def _object_value(world: World, spec: str) -> str:
    if spec.startswith("="):
        return spec[1:]
    if spec in WORLD_KINDS:
        return str(getattr(world, spec).pk)
    if ":" in spec:
        if spec not in _made:
            module, _, func = spec.partition(":")
            _made[spec] = getattr(importlib.import_module(module), func)(world)
        # A model instance by its pk, or the value itself (a code, a receipt's UUID) when
        # the URL names the object by something else.
        made = _made[spec]
        return str(getattr(made, "pk", made))
    raise AssertionError(f"unknown object kind {spec!r} in xinyong.security.matrix")


_PLACEHOLDER = re.compile(r"\{(?P<name>[\w.]+(?::\w+)?)\}")


def _fill(world: World, template: str) -> str:
    """``body`` and ``query`` with their placeholders (``matrix.TEMPLATE_HELP``) filled."""
    fixed = {
        "department_a": world.department_a.code,
        "today": timezone.localdate().isoformat(),
        "company_uscc": world.company.uscc,
    }

    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        return fixed[name] if name in fixed else _object_value(world, name)

    return _PLACEHOLDER.sub(value, template)


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\{(?P<api>\w+)\}")


def _admin_object(world: World, route: str) -> str:
    """The pk of an existing object of the admin page's model (skipped when there is none:
    the admin answers a missing object with a redirect to its index, before any check)."""
    for model, _model_admin in admin.site._registry.items():
        if f"/{model._meta.app_label}/{model._meta.model_name}/" in f"/{route}":
            first = model._default_manager.order_by("pk").first()
            if first is None:
                pytest.skip(f"the world has no {model._meta.label} to address")
            return str(first.pk)
    raise AssertionError(f"no admin model for {route}")


def _url(world: World, endpoint: Endpoint) -> str | None:
    access = endpoint.access
    assert access is not None
    route = endpoint.route
    if "(?P<" in route:
        return None  # regex catch-alls (admin app index, admin catch-all): not addressable
    route = route.replace("^", "").replace("$", "")

    def value(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("api")
        spec = access.params.get(name)
        if spec == "*":
            return _admin_object(world, endpoint.route)
        if spec is None:
            raise AssertionError(
                f"{endpoint.key}: path parameter {name!r} has no object kind; add "
                f"params={{{name!r}: ...}} to its line in xinyong.security.matrix"
            )
        return _object_value(world, spec)

    path = _PARAM.sub(value, route)
    path = path if path.startswith("/") else f"/{path}"
    return f"{path}?{_fill(world, access.query)}" if access.query else path


# ----------------------------------------------------------------------------------------
# What "nothing changed" and "nothing leaked" mean
# ----------------------------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    tables = set(connection.introspection.table_names())
    counts = {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m is not Session and not m._meta.proxy and m._meta.db_table in tables
    }
    head = AuditChainHead.objects.values_list("last_seq", "last_hash").first()
    return {"counts": counts, "head": head, "last_event": AuditEvent.objects.count()}


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode("utf-8", "replace")
    return text + " " + str(response.get("Location", ""))


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and str(response.get("Location", "")).startswith(LOGIN_PATHS)


def _request(
    client: Client, method: str, url: str, endpoint: Endpoint, body: str, headers: dict[str, str]
) -> Any:
    if endpoint.kind == "api" and method in {"POST", "PUT", "PATCH"}:
        return client.generic(
            method, url, body.encode(), content_type="application/json", headers=headers
        )
    return client.generic(method, url, headers=headers)


# ----------------------------------------------------------------------------------------
# The matrix
# ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "caller"), CASES)
def test_matrix(world: World, endpoint: Endpoint, caller: Caller) -> None:
    access = endpoint.access
    assert access is not None
    _made.clear()
    url = _url(world, endpoint)
    if url is None:
        pytest.skip("regex route: covered by the concrete admin pages")
    # Filled before the first snapshot: the objects its factories make are the world's.
    body = _fill(world, access.body or "{}")
    client, headers = _client_for(world, access, caller.name)
    if endpoint.kind == "api":
        methods: tuple[str, ...] = (endpoint.key.split(" ", 1)[0],)
    elif caller.denied:
        # A denied caller is tried with every method the page serves, and GET and POST.
        methods = tuple(dict.fromkeys(("GET", "POST", *access.methods)))
    else:
        methods = access.methods[:1]
    denied_statuses = DENIED_API if endpoint.kind == "api" else DENIED_PAGE
    for method in methods:
        before = snapshot()
        response = _request(client, method, url, endpoint, body, headers)
        status = response.status_code
        where = f"{method} {url} as {caller.name}: {status}"
        assert status < 500, where
        if caller.denied:
            assert status in denied_statuses, f"{where} — expected a refusal"
            if status == 302:
                assert _is_login_redirect(response), f"{where} → {response.get('Location')}"
        elif not caller.leak_only:
            assert status not in {401, 403}, f"{where} — expected to be allowed"
            assert status != 405, f"{where} — the allowed caller did not reach the operation"
            assert not _is_login_redirect(response), f"{where} — sent to log in"
            if any(not v.startswith("=") for v in access.params.values()):
                assert status != 404, f"{where} — the allowed caller did not find the object"
        if caller.denied:
            assert snapshot() == before, f"{where} — the database changed"
        if caller.denied or caller.leak_only:
            body = _body(response)
            leaked = [s for s in world.secrets if s in body]
            assert not leaked, f"{where} — the response shows {leaked}"
