"""Who may reach each endpoint: the declared access class of every page and API operation.

Why this exists: seed 000 §3(1) requires "明确信息查询使用权限和程序" — query permissions
that are explicit. This registry states them, one line per URL name (console pages, portal,
admin) or API operation (``"METHOD /api/v1/path"`` as in the OpenAPI document), and the
generated matrix test (``tests/security/test_security_matrix.py``) proves each line for four
callers: anonymous, another department, the same department without the role, and the
allowed caller. A denied caller must get 302-to-log-in, 401, 403, 404 or 405, change nothing
and see no data of the fixture world; an allowed caller must get none of 401, 403, 405 (nor
404 on an object URL). ``body``/``query`` templates and ``known_issues``: docs/decisions/0047.

**Adding an endpoint?** Add its line to :data:`PAGES` or :data:`API` below (or a pattern
rule to :data:`PAGE_RULES`). An endpoint that is not declared fails the matrix test with a
message naming it. Path parameters that point at objects are mapped to object kinds in
``params``: a kind the test world builds (:data:`WORLD_KINDS`), a literal (``"=value"``),
or the dotted path of a test factory ``"xinyong.checks.tests.matrix:make_check"`` — a
function ``(world) -> model instance`` creating the object in ``world.department_a`` (see
``tests/security/conftest.py`` for what ``world`` holds).
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

#: Placeholders of ``body`` and ``query``: ``{department_a}`` (code of department A),
#: ``{today}`` (today's date), ``{company_uscc}`` (the world company's USCC), ``{<kind>}``
#: (the pk of a world kind, e.g. ``{record}``) and ``{<module>:<factory>}`` (the pk of the
#: object a test factory makes; the same object as a path parameter naming that factory).
TEMPLATE_HELP = "department_a, today, company_uscc, <world kind>, <module>:<factory>"

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
    #: caller, so that a refusal is proven for a valid request (placeholders: see
    #: :data:`TEMPLATE_HELP`).
    body: str = ""
    #: A query string added to the URL (same placeholders), for operations that need one.
    query: str = ""
    #: Callers (``callers()`` names in the matrix test) whose case is a known defect of the
    #: endpoint, reported and awaiting its app's owners: caller name -> what is wrong. The
    #: case then runs as a strict expected failure (it fails the run once fixed, so that the
    #: line is removed).
    known_issues: Mapping[str, str] = field(default_factory=dict)
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
#: Roles that read a department's joint-action inbox (xinyong.joint.permissions.INBOX_ROLES).
JOINT_INBOX_ROLES = (
    Role.DEPARTMENT_REPORTER,
    Role.DEPARTMENT_CHECKER,
    Role.CREDIT_OFFICE_REVIEWER,
)
#: Roles that read shared data for their department (security.choices.SCOPE_ROLES).
SHARED_READ_ROLES = (Role.DEPARTMENT_CHECKER, Role.CREDIT_OFFICE_REVIEWER)
#: Roles that may object in a department's name (xinyong.repair.permissions.FILING_ROLES).
REPAIR_FILING_ROLES = JOINT_INBOX_ROLES

_JOINT_ITEM = {"pk": "xinyong.joint.tests.matrix:make_inbox_item"}
_JOINT_ENDPOINT = {"pk": "xinyong.joint.tests.matrix:make_webhook_endpoint"}
_JOINT_WATCH = {"pk": "xinyong.joint.tests.matrix:make_watch"}
_REPAIR_OBJECTION = {"pk": "xinyong.repair.tests.matrix:make_objection"}
_REPAIR_APPLICATION = {"pk": "xinyong.repair.tests.matrix:make_application"}

#: Console, portal and admin pages by URL name.
#: A valid USCC of no subject of the test world.
OUTSIDE_USCC = "91330102MA2H3X4Y6J"
#: A check made by department A, named by its receipt id.
_CHECK = {"receipt_id": "xinyong.checks.tests.matrix:make_check"}

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
    # dashboards (xinyong.console.dashboards): every panel counts under its app's scope
    "console:dashboards": role(
        note="any staff member; each panel counts only the rows the user may see"
    ),
    # joint action (xinyong.joint.permissions; docs/decisions/0039-joint-scopes.md)
    "console:joint-inbox": role(
        note="any staff member; items of departments where they are reporter, checker or "
        "credit-office reviewer"
    ),
    "console:joint-item": role(*JOINT_INBOX_ROLES, scope_of=ScopeOf.OBJECT, params=_JOINT_ITEM),
    "console:joint-feedback": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        params=_JOINT_ITEM,
        methods=("POST",),
    ),
    "console:joint-rates": role(
        Role.CREDIT_OFFICE_REVIEWER,
        oversight=(Role.PLATFORM_ADMIN,),
        note="the credit office's figures of every department",
    ),
    "console:joint-webhooks": role(
        methods=("GET", "POST"),
        note="any staff member; endpoints of departments where they are reporter; "
        "registering needs the reporter role in the chosen department",
    ),
    "console:joint-webhook-rotate": role(
        Role.DEPARTMENT_REPORTER, scope_of=ScopeOf.OBJECT, params=_JOINT_ENDPOINT, methods=("POST",)
    ),
    "console:joint-webhook-disable": role(
        Role.DEPARTMENT_REPORTER, scope_of=ScopeOf.OBJECT, params=_JOINT_ENDPOINT, methods=("POST",)
    ),
    "console:joint-redeliver": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        params={"pk": "xinyong.joint.tests.matrix:make_dead_delivery"},
        methods=("POST",),
    ),
    "console:joint-watches": role(
        methods=("GET", "POST"),
        note="any staff member; watches of departments where they are checker; "
        "registering needs the checker role in the chosen department",
    ),
    "console:joint-watch-end": role(
        Role.DEPARTMENT_CHECKER, scope_of=ScopeOf.OBJECT, params=_JOINT_WATCH, methods=("POST",)
    ),
    # objections and repair (xinyong.repair.permissions): the owning department's reporters,
    # the credit office's reviewers everywhere; the public files and follows without log-in
    "console:repair-worklist": role(
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        note="any staff member; objections and applications of their reporter departments",
    ),
    "console:repair-objection": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        params=_REPAIR_OBJECTION,
        methods=("GET", "POST"),
    ),
    "console:repair-application": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        params=_REPAIR_APPLICATION,
        methods=("GET", "POST"),
    ),
    "console:repair-material": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        params={**_REPAIR_APPLICATION, "material_id": "xinyong.repair.tests.matrix:make_material"},
    ),
    # portal (docs/portal.md): public pages; the object is named by a code in the URL
    "portal:subject": public(params={"ref": "xinyong.portal.tests.matrix:company_code"}),
    "portal:subject-report": public(params={"ref": "xinyong.portal.tests.matrix:company_code"}),
    "portal:lists-serious": public(),
    "portal:lists-red": public(),
    "portal:report-verify-lookup": public(),
    "portal:report-verify": public(
        params={"code": "xinyong.portal.tests.matrix:make_report_code"}, methods=("GET", "POST")
    ),
    # subject self-service (docs/portal.md, "Self-service"): no staff access class fits a
    # logged-in subject (it is no user); declared public — anonymous callers are sent to the
    # subject log-in (/me/login/), never shown a subject's data; the subject's own access is
    # tested in xinyong/portal/tests/test_selfservice.py.
    "portal:me-home": public(note="anonymous: 302 to /me/login/"),
    "portal:me-login": public(methods=("GET", "POST")),
    "portal:me-logout": public(methods=("POST",)),
    "portal:me-report": public(note="anonymous: 302 to /me/login/"),
    # checks (docs/checks.md): department checkers; a check is its department's
    "console:checks-home": role(Role.DEPARTMENT_CHECKER, methods=("GET", "POST")),
    "console:checks-batch": role(Role.DEPARTMENT_CHECKER, methods=("POST",)),
    "console:checks-detail": role(Role.DEPARTMENT_CHECKER, scope_of=ScopeOf.OBJECT, params=_CHECK),
    "console:checks-results": role(Role.DEPARTMENT_CHECKER, scope_of=ScopeOf.OBJECT, params=_CHECK),
    "console:checks-receipt": role(Role.DEPARTMENT_CHECKER, scope_of=ScopeOf.OBJECT, params=_CHECK),
    "portal:repair-index": public(),
    "portal:repair-object": public(
        methods=("GET", "POST"), note="identifier must be the subject's"
    ),
    "portal:repair-apply": public(methods=("GET", "POST"), note="identifier must be the subject's"),
    "portal:repair-progress": public(note="query code and the subject's identifier"),
    # security
    "security:login-code": Access(AccessClass.LOGIN_STEP, methods=("GET", "POST")),
    "security:login-enrol": Access(AccessClass.LOGIN_STEP, methods=("GET", "POST")),
    "security:twofactor": staff(methods=("GET", "POST")),
    "security:tokens": role(Role.PLATFORM_ADMIN),
    "security:token-create": role(Role.PLATFORM_ADMIN, methods=("GET", "POST")),
    "security:token-rotate": role(Role.PLATFORM_ADMIN, params={"pk": "token"}, methods=("POST",)),
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

_REPAIR_SYNC_EVENT = (
    '{"schema": "xinyong.repair.completed", "version": 1, '
    '"event_id": "0d5c7a52-6a2e-4a59-9d0b-3f1f0e6a1c99", '
    '"occurred_at": "2026-11-20T09:30:00+08:00", '
    '"origin": {"division": "320800", "platform": "矩阵上级平台"}, '
    '"record": {"department_code": "{department_a}", "item_code": "CF", '
    '"decision_number": "矩阵罚〔2024〕0号", "decision_date": "2024-03-01"}, '
    '"subject": {"uscc": null, "name": "矩阵"}, '
    '"repair": {"reference": "RA-000001", "decided_on": "2026-11-20", '
    '"regime": "ndrc-order-58", "effects": ["stop-publication"]}}'
)

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
        token_scope=TokenScope.REPORT,
        scope_of=ScopeOf.OBJECT,
        note="for the department named in the body",
        methods=("POST",),
        body='{"item": "CF", "department": "{department_a}", "rows": [{"CF_WSH": "1"}]}',
    ),
    "GET /api/v1/records/batches": role(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, note="own departments"
    ),
    "GET /api/v1/records/batches/{batch_id}": member_of_object(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/batches/{batch_id}/rows": member_of_object(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/batches/{batch_id}/rejected.xlsx": member_of_object(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, params={"batch_id": "batch"}
    ),
    "GET /api/v1/records/stats": role(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, note="own departments"
    ),
    # shared reads (docs/security.md "Shared data"): any department in the item's sharing
    # scope reads; the world's records are department A's penalties, so the query names a
    # company of a shared (all departments) record made for the case.
    "GET /api/v1/records/shared": role(
        *SHARED_READ_ROLES,
        token_scope=TokenScope.READ_SHARED,
        query="subject={xinyong.records.tests.matrix:make_shared_subject}&purpose=矩阵测试"
        "&basis=statutory_duty&reference=《行政强制法》第十八条",
        note="checkers and credit-office reviewers; items outside the sharing scope never appear",
    ),
    "GET /api/v1/records/shared/{record_id}": role(
        *SHARED_READ_ROLES,
        token_scope=TokenScope.READ_SHARED,
        params={"record_id": "xinyong.records.tests.matrix:make_shared_record"},
        query="purpose=矩阵测试&basis=statutory_duty&reference=《行政强制法》第十八条",
        note="a record outside the department's sharing scope is 404",
    ),
    "GET /api/v1/records/{record_id}": member_of_object(
        token_scope=TokenScope.REPORT, oversight=RECORDS_OVERSIGHT, params={"record_id": "record"}
    ),
    "POST /api/v1/records/{record_id}/withdraw": role(
        Role.DEPARTMENT_REPORTER,
        token_scope=TokenScope.REPORT,
        scope_of=ScopeOf.OBJECT,
        params={"record_id": "record"},
        methods=("POST",),
        body='{"reason": "处罚决定被撤销", "decision_changed_on": "{today}"}',
    ),
    # joint action (docs/joint-action.md "API"; docs/decisions/0039-joint-scopes.md)
    "GET /api/v1/joint/inbox": role(
        note="staff: items of departments where they hold an inbox role; a token (any "
        "scope): its department's items"
    ),
    "GET /api/v1/joint/inbox/{item_id}": role(
        *JOINT_INBOX_ROLES,
        scope_of=ScopeOf.OBJECT,
        params={"item_id": "xinyong.joint.tests.matrix:make_inbox_item"},
        note="a token of the item's department with any scope also reads it",
    ),
    "POST /api/v1/joint/feedback": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.REPORT,
        methods=("POST",),
        body='{"item": {xinyong.joint.tests.matrix:make_inbox_item}, "outcome": "applied"}',
    ),
    "GET /api/v1/joint/feedback-rates": role(
        Role.CREDIT_OFFICE_REVIEWER,
        oversight=(Role.PLATFORM_ADMIN,),
        note="also a token with read_shared held by a credit office (not proven here: the "
        "world's tokens are of sector authorities)",
    ),
    "GET /api/v1/joint/feedback/overdue": role(
        Role.CREDIT_OFFICE_REVIEWER,
        oversight=(Role.PLATFORM_ADMIN,),
        note="as feedback-rates",
    ),
    "GET /api/v1/joint/webhooks": role(note="endpoints of the caller's report departments"),
    "POST /api/v1/joint/webhooks": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.REPORT,
        methods=("POST",),
        body='{"url": "https://matrix-a.example/hook", "department": "{department_a}"}',
        note="the department named in the body",
    ),
    "POST /api/v1/joint/webhooks/{endpoint_id}/rotate-secret": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.REPORT,
        params={"endpoint_id": _JOINT_ENDPOINT["pk"]},
        methods=("POST",),
    ),
    "DELETE /api/v1/joint/webhooks/{endpoint_id}": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.REPORT,
        params={"endpoint_id": _JOINT_ENDPOINT["pk"]},
        methods=("DELETE",),
    ),
    "GET /api/v1/joint/webhooks/deliveries": role(
        note="deliveries of the caller's report departments",
    ),
    "POST /api/v1/joint/webhooks/deliveries/{delivery_id}/redeliver": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.REPORT,
        params={"delivery_id": "xinyong.joint.tests.matrix:make_dead_delivery"},
        methods=("POST",),
    ),
    "POST /api/v1/joint/watches": role(
        Role.DEPARTMENT_CHECKER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.CHECK,
        methods=("POST",),
        body='{"subject": "{company_uscc}", "matter": "fiscal_funds", '
        '"grant_reference": "矩阵财补〔2026〕7号", "department": "{department_a}"}',
        note="the department named in the body",
    ),
    "GET /api/v1/joint/watches": role(note="watches of the caller's check departments"),
    "DELETE /api/v1/joint/watches/{watch_id}": role(
        Role.DEPARTMENT_CHECKER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.CHECK,
        params={"watch_id": _JOINT_WATCH["pk"]},
        methods=("DELETE",),
    ),
    # checks (docs/checks.md): a token with the check scope or a department checker. Any
    # department may check any subject, so the request names a subject outside the world
    # (the world's company and person are department A's data for the leak check).
    "GET /api/v1/checks/ping": public(),
    "GET /api/v1/checks": role(
        Role.DEPARTMENT_CHECKER,
        token_scope=TokenScope.CHECK,
        query=f"subject={OUTSIDE_USCC}&matter=government_procurement&purpose=矩阵测试",
    ),
    "POST /api/v1/checks/batch": role(
        Role.DEPARTMENT_CHECKER,
        token_scope=TokenScope.CHECK,
        methods=("POST",),
        body='{"subjects": ["' + OUTSIDE_USCC + '"], "matter": "government_procurement",'
        ' "purpose": "矩阵测试"}',
    ),
    "GET /api/v1/checks/as-of": role(
        Role.DEPARTMENT_CHECKER,
        token_scope=TokenScope.CHECK,
        query="subject=" + OUTSIDE_USCC + "&matter=government_procurement&date={today}"
        "&purpose=矩阵测试",
    ),
    "GET /api/v1/checks/receipts/public-key": public(),
    "GET /api/v1/checks/receipts/{receipt_id}": role(
        Role.DEPARTMENT_CHECKER,
        scope_of=ScopeOf.OBJECT,
        token_scope=TokenScope.CHECK,
        params={"receipt_id": _CHECK["receipt_id"]},
        note="the checking department only",
    ),
    "GET /api/v1/checks/receipts/{receipt_id}/verify": public(
        params={"receipt_id": _CHECK["receipt_id"]}
    ),
    "POST /api/v1/checks/receipts/{receipt_id}/verify": public(
        params={"receipt_id": _CHECK["receipt_id"]}, methods=("POST",), body="{}"
    ),
    # objections and repair (docs/repair.md; xinyong.repair.permissions). Decisions are
    # taken by people: tokens are refused (403) on the department operations.
    "POST /api/v1/repair/objections": public(
        methods=("POST",),
        body='{"target": "record", "id": {record}, "ground": "wrong", "statement": "金额有误",'
        ' "filer_name": "矩阵异议人", "subject_identifier": "{company_uscc}"}',
        note="the subject; its identifier must match (REPAIR_NOT_YOUR_RECORD)",
    ),
    "POST /api/v1/repair/department-objections": role(
        *REPAIR_FILING_ROLES,
        scope_of=ScopeOf.OBJECT,
        methods=("POST",),
        body='{"target": "record", "id": {record}, "ground": "wrong", "statement": "金额有误",'
        ' "filer_name": "矩阵甲局", "department": "{department_a}"}',
        note="in the name of the department in the body, where the caller holds a filing role",
    ),
    "GET /api/v1/repair/progress/{code}": public(
        params={"code": "=OB-000000"},
        query="identifier={company_uscc}",
        note="query code and the subject's identifier; 404 unless both match",
    ),
    "POST /api/v1/repair/objections/{pk}/decision": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        params=_REPAIR_OBJECTION,
        methods=("POST",),
        body='{"outcome": "upheld", "reasons": "经核实，信息准确。"}',
    ),
    "GET /api/v1/repair/records/{record_id}/eligibility": public(
        params={"record_id": "record"},
        query="identifier={company_uscc}",
        note="the subject's identifier must match",
    ),
    "POST /api/v1/repair/applications": public(
        methods=("POST",), note="multipart; the subject's identifier must match"
    ),
    "POST /api/v1/repair/applications/{pk}/review": role(
        Role.CREDIT_OFFICE_REVIEWER,
        params=_REPAIR_APPLICATION,
        methods=("POST",),
        body='{"passed": true, "note": "材料齐全"}',
        note="credit-office reviewers of any department (initial review)",
    ),
    "POST /api/v1/repair/applications/{pk}/decision": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        params={"pk": "xinyong.repair.tests.matrix:make_reviewed_application"},
        methods=("POST",),
        body='{"approve": false, "reasons": "矩阵测试：不予修复"}',
    ),
    "POST /api/v1/repair/sync-events": role(
        Role.CREDIT_OFFICE_REVIEWER,
        methods=("POST",),
        body=_REPAIR_SYNC_EVENT,
        note="credit-office reviewers until the exchange transport has credentials",
    ),
    "GET /api/v1/repair/objections/{pk}": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        params=_REPAIR_OBJECTION,
        note="staff only; the read is registered",
    ),
    "GET /api/v1/repair/applications/{pk}": role(
        Role.DEPARTMENT_REPORTER,
        scope_of=ScopeOf.OBJECT,
        oversight=(Role.CREDIT_OFFICE_REVIEWER,),
        params=_REPAIR_APPLICATION,
        note="staff only; the read is registered",
    ),
    "POST /api/v1/repair/applications/{pk}/higher-review": role(
        Role.CREDIT_OFFICE_REVIEWER,
        params=_REPAIR_APPLICATION,
        methods=("POST",),
        body='{"approve": true, "note": "矩阵测试：上级平台复核"}',
        note="credit-office reviewers, where a higher review is configured",
    ),
    "GET /api/v1/security/alerts": role(
        Role.AUDITOR, note="staff only; credit-office auditors: all; others: own departments"
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
