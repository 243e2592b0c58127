"""Who may reach each endpoint: the declared access class of every page and API operation.

Why this exists: seed 000 §3(1) requires "明确信息查询使用权限和程序" — query permissions
that are explicit. This registry states them, one line per URL name (console pages, portal,
admin) or API operation (``"METHOD /api/v1/path"`` as in the OpenAPI document), and the
generated matrix test (``tests/security/test_matrix.py``) proves each line for four callers:
anonymous, another department, the same department without the role, and the allowed
caller. A denied caller must get 302-to-log-in, 401, 403 or 404, change nothing and see no
data of the fixture world.

**Adding an endpoint?** Add its line to :data:`PAGES` or :data:`API` below (or a pattern
rule to :data:`PAGE_RULES`). An endpoint that is not declared fails the matrix test with a
message naming it. Path parameters that point at objects are mapped to object kinds in
``params``: a kind the test world builds (:data:`WORLD_KINDS`), a literal (``"=value"``),
or the dotted path of a test factory ``"xinyong.checks.tests.matrix:make_check"`` — a
function ``(world) -> model instance`` creating the object in ``world.department_a`` (see
``tests/security/world.py`` for what ``world`` holds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fnmatch import fnmatchcase

from xinyong.core.choices import Role
from xinyong.security.choices import TokenScope


class AccessClass(StrEnum):
    #: Anyone, without credentials (portal, public API, log-in page).
    PUBLIC = "public"
    #: A step of the staff log-in (needs a pending log-in in the session, else back to log-in).
    LOGIN_STEP = "login_step"
    #: Any active staff member (or, on the API, any valid token).
    STAFF = "staff"
    #: Staff holding one of ``roles`` (API: or a token with ``scope``), limited by ``scope_of``.
    ROLE = "role"
    #: Superusers (the Django admin's pages of core data and of the audit trail).
    ADMIN = "admin"
    #: Nobody, not even a superuser (adding or deleting read-only data through the admin).
    NOBODY = "nobody"


class ScopeOf(StrEnum):
    """Where the role must be held."""

    #: In any department (the page works on the caller's own departments; other
    #: departments' data must not appear in it).
    ANY = "any"
    #: In the department that owns the object named in the URL (other departments get 404).
    OBJECT = "object"


#: Object kinds the matrix test world builds (all owned by department A).
WORLD_KINDS = frozenset(
    {"batch", "record", "listing_case", "listing_document", "token", "subject", "auditevent"}
)

ALL_ROLES: tuple[Role, ...] = tuple(Role)
#: Roles that are platform-wide whatever department they are held in (no "other
#: department" caller exists for an endpoint allowed only to them).
GLOBAL_ROLES = frozenset({Role.PLATFORM_ADMIN})


@dataclass(frozen=True)
class Access:
    access: AccessClass
    #: Roles that allow (in the department given by ``scope_of``). Empty with ROLE: any
    #: role held in that department (membership).
    roles: tuple[Role, ...] = ()
    scope_of: ScopeOf = ScopeOf.ANY
    #: Roles that allow in every department (oversight: reviewers, auditors, administrators).
    oversight: tuple[Role, ...] = ()
    #: API only: the token scope that allows (None: the operation does not accept tokens).
    token_scope: TokenScope | None = None
    #: Path parameter -> object kind (see the module docstring).
    params: Mapping[str, str] = field(default_factory=dict)
    #: Methods the endpoint serves (pages; API operations have exactly one).
    methods: tuple[str, ...] = ("GET",)
    #: API operations taking a body: a JSON template that would succeed for the allowed
    #: caller, so that a refusal is proven for a valid request (``{department_a}`` is the
    #: code of department A, ``{today}`` today's date).
    body: str = ""
    note: str = ""


def public(**kwargs: object) -> Access:
    return Access(AccessClass.PUBLIC, **kwargs)  # type: ignore[arg-type]


def staff(**kwargs: object) -> Access:
    return Access(AccessClass.STAFF, **kwargs)  # type: ignore[arg-type]


def nobody(**kwargs: object) -> Access:
    return Access(AccessClass.NOBODY, **kwargs)  # type: ignore[arg-type]


def role(*roles: Role, **kwargs: object) -> Access:
    return Access(AccessClass.ROLE, roles=roles, **kwargs)  # type: ignore[arg-type]


def member_of_object(*, oversight: tuple[Role, ...], **kwargs: object) -> Access:
    """Any role in the object's department, or an oversight role anywhere."""
    return Access(
        AccessClass.ROLE,
        roles=(),
        scope_of=ScopeOf.OBJECT,
        oversight=oversight,
        **kwargs,  # type: ignore[arg-type]
    )


RECORDS_OVERSIGHT = (Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER, Role.AUDITOR)
LISTS_OVERSIGHT = (Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER)

#: Console, portal and admin pages by URL name.
PAGES: dict[str, Access] = {
    # portal and platform
    "portal:home": public(),
    "portal:search": public(),
    "portal:favicon": public(),
    "set_language": public(methods=("POST",)),
    "openapi-json": public(),
    "api-v1:api-root": public(),
    "admin-login-redirect": Access(AccessClass.LOGIN_STEP, note="to the console log-in"),
    # console
    "console:login": public(methods=("GET", "POST")),
    "console:logout": public(methods=("POST",)),
    "console:home": staff(),
    "console:lists": role(oversight=LISTS_OVERSIGHT, note="cases of their departments only"),
    "console:lists-new": role(Role.DEPARTMENT_REPORTER, methods=("GET", "POST")),
    "console:lists-case": member_of_object(
        oversight=LISTS_OVERSIGHT, params={"pk": "listing_case"}
    ),
    "console:lists-action": member_of_object(
        oversight=LISTS_OVERSIGHT,
        params={"pk": "listing_case", "operation": "=issue_notice"},
        methods=("POST",),
        note="the action itself then checks the actor (initiator / credit office)",
    ),
    "console:lists-document": member_of_object(
        oversight=LISTS_OVERSIGHT,
        params={"pk": "listing_case", "document_id": "listing_document"},
    ),
    "console:records-upload": role(Role.DEPARTMENT_REPORTER, methods=("GET", "POST")),
    "console:records-batches": role(oversight=RECORDS_OVERSIGHT, note="own departments only"),
    "console:records-batch": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "console:records-batch-resume": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}, methods=("POST",)
    ),
    "console:records-batch-rejected": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "console:records-timeliness": role(oversight=RECORDS_OVERSIGHT, note="own departments"),
    "console:records-record": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"record_id": "record"}
    ),
    # security
    "security:login-code": Access(AccessClass.LOGIN_STEP, methods=("GET", "POST")),
    "security:login-enrol": Access(AccessClass.LOGIN_STEP, methods=("GET", "POST")),
    "security:twofactor": staff(methods=("GET", "POST")),
    "security:tokens": role(Role.PLATFORM_ADMIN),
    "security:token-create": role(Role.PLATFORM_ADMIN, methods=("GET", "POST")),
    "security:token-rotate": role(
        Role.PLATFORM_ADMIN, params={"pk": "token"}, methods=("GET", "POST")
    ),
    "security:token-revoke": role(
        Role.PLATFORM_ADMIN, params={"pk": "token"}, methods=("GET", "POST")
    ),
    "security:register": role(Role.AUDITOR, note="credit office auditors: all; others: own"),
    "security:register-export": role(Role.AUDITOR, methods=("POST",)),
}

_ADMIN_OBJECT = {"object_id": "*"}  # an existing object of the page's model

#: Pattern rules for generated URL families (first match wins), after :data:`PAGES`. Django
#: admin pages are named ``admin:<app>_<model>_<view>`` (the unnamed redirect from
#: ``<pk>/`` to ``<pk>/change/`` as ``admin:<app>_<model>_redirect``).
PAGE_RULES: list[tuple[str, Access]] = [
    # The admin's own log-in redirects to the console's (second factor).
    ("admin:login", Access(AccessClass.LOGIN_STEP)),
    ("admin:logout", public(methods=("POST",))),
    ("admin:index", staff()),
    ("admin:password_change*", staff()),
    ("admin:jsi18n", staff()),
    # Without a valid field reference everyone is refused; the admin's widgets call it.
    ("admin:autocomplete", nobody()),
    # ``<pk>/`` redirects to ``<pk>/change/`` without reading anything.
    ("admin:*_redirect", staff(params=_ADMIN_OBJECT)),
    ("admin:view_on_site", staff(params={"content_type_id": "=1", "object_id": "=1"})),
    # Policy editions may be pasted or uploaded by platform administrators.
    ("admin:policy_policyedition_add", role(Role.PLATFORM_ADMIN, methods=("GET", "POST"))),
    ("admin:workdays_calendaryear_add", role(Role.PLATFORM_ADMIN, methods=("GET", "POST"))),
    ("admin:auth_group_add", Access(AccessClass.ADMIN, methods=("GET", "POST"))),
    # Every other admin page is read-only: no one adds or deletes there.
    ("admin:*_add", nobody(methods=("GET", "POST"))),
    ("admin:*_delete", nobody(params=_ADMIN_OBJECT, methods=("GET", "POST"))),
    # The catalog is public information: any staff member may read it in the admin.
    ("admin:catalog_*", staff(params=_ADMIN_OBJECT, methods=("GET", "POST"))),
    # Policy data and listing cases (core.adminbase.PolicyDataAdmin): platform administrators.
    *[
        (f"admin:{app}_*", role(Role.PLATFORM_ADMIN, params=_ADMIN_OBJECT, methods=("GET", "POST")))
        for app in ("policy", "workdays", "measures", "lists")
    ],
    # Core data, the audit trail, groups and task results: superusers only.
    ("admin:*", Access(AccessClass.ADMIN, params=_ADMIN_OBJECT, methods=("GET", "POST"))),
]

#: API operations by ``"METHOD /api/v1/path"`` (the OpenAPI document's path and method).
API: dict[str, Access] = {
    "POST /api/v1/identifiers/validate": public(methods=("POST",)),
    "GET /api/v1/calendar/working-days": public(),
    "GET /api/v1/calendar/years": public(),
    "GET /api/v1/policy/editions": public(),
    "GET /api/v1/policy/regime": public(),
    "GET /api/v1/policy/publication-window": public(),
    "GET /api/v1/policy/settings/{key}": public(
        params={"key": "=double_publicity.report_working_days"}
    ),
    "GET /api/v1/catalog/items": public(),
    "GET /api/v1/catalog/items/{code}": public(params={"code": "=CF"}),
    "GET /api/v1/lists/types": public(),
    "GET /api/v1/lists/entries": public(),
    "POST /api/v1/records/batches": role(
        Role.DEPARTMENT_REPORTER,
        methods=("POST",),
        body='{"item": "CF", "department": "{department_a}", "rows": [{"CF_WSH": "1"}]}',
    ),
    "GET /api/v1/records/batches": role(oversight=RECORDS_OVERSIGHT, note="own departments"),
    "GET /api/v1/records/batches/{batch_id}": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/batches/{batch_id}/rows": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/batches/{batch_id}/rejected.xlsx": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/stats": role(oversight=RECORDS_OVERSIGHT, note="own departments"),
    "GET /api/v1/records/{record_id}": member_of_object(
        oversight=RECORDS_OVERSIGHT, params={"record_id": "record"}
    ),
    "POST /api/v1/records/{record_id}/withdraw": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        params={"record_id": "record"},
        methods=("POST",),
        body='{"reason": "处罚决定被撤销", "decision_changed_on": "{today}"}',
    ),
    "GET /api/v1/security/whoami": staff(token_scope=TokenScope.REPORT),
}


def page_access(name: str) -> Access | None:
    """The declared access of the page named ``name`` (``namespace:name``), or None."""
    if name in PAGES:
        return PAGES[name]
    for pattern, access in PAGE_RULES:
        if fnmatchcase(name, pattern):
            return access
    return None


def api_access(method: str, path: str) -> Access | None:
    return API.get(f"{method.upper()} {path}")


def declaration_hint(kind: str, key: str) -> str:
    """What the author of an undeclared endpoint must add."""
    where = "PAGES" if kind == "page" else "API"
    return (
        f"{kind} {key!r} has no declared access class. Add a line to {where} in "
        f"src/xinyong/security/matrix.py, e.g.\n"
        f"    {key!r}: role(Role.DEPARTMENT_CHECKER, scope_of=ScopeOf.OBJECT, "
        f"params={{'pk': 'xinyong.<app>.tests.matrix:make_<thing>'}}),\n"
        f"or public() / staff() / member_of_object(oversight=…); see the module docstring."
    )
