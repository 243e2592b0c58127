"""API tokens: issuing, authenticating, expiry, revocation, rotation, scopes, departments.

Through the real API (``/api/v1/security/whoami``, which applies ``require_scope`` when asked)
and the Django test client, so middleware, authentication and problem responses are real.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.actions import do_grant_role
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.errors import CodedError, PermissionDenied
from xinyong.security.actions.tokens import (
    IssuedToken,
    authenticate_token,
    do_create_api_token,
    do_revoke_api_token,
    do_rotate_api_token,
    find_token,
)
from xinyong.security.errors import (
    TokenExpired,
    TokenInvalid,
    TokenLifetimeInvalid,
    TokenNotActive,
    TokenRejected,
    TokenRevoked,
    TokenScopeUnknown,
)
from xinyong.security.models import ApiToken

pytestmark = pytest.mark.django_db

WHOAMI = "/api/v1/security/whoami"


def call(client: Client, value: str, **params: str) -> tuple[int, dict]:
    response = client.get(WHOAMI, params, HTTP_AUTHORIZATION=f"Bearer {value}")
    return response.status_code, response.json()


def test_a_new_token_has_the_format_and_is_shown_only_once(
    issue_token: Callable[..., IssuedToken],
) -> None:
    issued = issue_token("report", "check")
    assert re.fullmatch(r"xy_[a-z2-7]{10}_[a-z2-7]{52}", issued.value)
    assert issued.value.split("_")[1] == issued.token.prefix
    assert issued.token.scopes == ["check", "report"]
    event = AuditEvent.objects.get(event_type=EventType.API_TOKEN_CREATED)
    assert event.object_id == str(issued.token.pk)
    assert issued.value not in str(event.after)
    assert issued.value.split("_")[2] not in str(event.after)


def test_the_secret_is_never_stored_in_clear(issue_token: Callable[..., IssuedToken]) -> None:
    issued = issue_token()
    secret = issued.value.split("_")[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM security_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM audit_auditevent")
        rows += cursor.fetchall()
    dump = repr(rows)
    assert issued.token.prefix in dump  # the row is there…
    assert secret not in dump  # …but not the secret,
    assert secret[:16] not in dump  # nor any sizeable part of it
    assert issued.token.digest != secret and len(issued.token.digest) == 64


def test_a_valid_token_authenticates_as_its_department(
    client: Client, issue_token: Callable[..., IssuedToken], bureau: Department
) -> None:
    issued = issue_token("report", "check")
    status, body = call(client, issued.value)
    assert status == 200
    assert body["kind"] == "token"
    assert body["department"] == {"code": bureau.code, "name": bureau.name}
    assert body["scopes"] == ["check", "report"]
    assert body["token"]["prefix"] == f"xy_{issued.token.prefix}_…"
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_the_raw_lookup_loads_what_the_orm_loads(
    issue_token: Callable[..., IssuedToken],
) -> None:
    """``find_token`` (raw SQL on the hot path) gives the same token and department, field by
    field and with the same Python types, as the ORM — on both databases."""
    issued = issue_token("report", "check")
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=timezone.now())
    found = find_token(issued.token.prefix)
    expected = ApiToken.objects.select_related("department").get(pk=issued.token.pk)
    assert found is not None
    for model, got, want in (
        (ApiToken, found, expected),
        (Department, found.department, expected.department),
    ):
        for field in model._meta.concrete_fields:
            a, b = getattr(got, field.attname), getattr(want, field.attname)
            assert (a, type(a)) == (b, type(b)), field.name
        assert got._state.adding is False
        assert got._state.db == want._state.db
    assert find_token("nosuchpref") is None


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer xy_notatoken",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_missing_or_malformed_credentials_are_refused(client: Client, header: str) -> None:
    response = client.get(WHOAMI, HTTP_AUTHORIZATION=header) if header else client.get(WHOAMI)
    assert response.status_code == 401
    assert response.json()["code"] in {"AUTHENTICATION_REQUIRED", "TOKEN_INVALID"}


def test_a_wrong_secret_with_a_real_prefix_is_refused(
    client: Client, issue_token: Callable[..., IssuedToken]
) -> None:
    issued = issue_token()
    forged = issued.value[:-4] + ("aaaa" if not issued.value.endswith("aaaa") else "bbbb")
    status, body = call(client, forged)
    assert (status, body["code"]) == (401, "TOKEN_INVALID")
    assert body["detail_en"] and body["detail_zh"]


def test_an_expired_token_is_refused(
    client: Client, issue_token: Callable[..., IssuedToken]
) -> None:
    issued = issue_token(days=1, now=timezone.now() - timedelta(days=2))
    status, body = call(client, issued.value)
    assert (status, body["code"]) == (401, "TOKEN_EXPIRED")
    with pytest.raises(TokenExpired):
        authenticate_token(issued.value)


def test_a_revoked_token_is_refused_at_once(
    client: Client, issue_token: Callable[..., IssuedToken], platform_admin: User
) -> None:
    issued = issue_token()
    assert call(client, issued.value)[0] == 200
    do_revoke_api_token(issued.token, reason="泄露于工单", acting_user=platform_admin)
    status, body = call(client, issued.value)
    assert (status, body["code"]) == (401, "TOKEN_REVOKED")
    issued.token.refresh_from_db()
    assert issued.token.revoked_by == platform_admin
    assert issued.token.revoke_reason == "泄露于工单"
    event = AuditEvent.objects.get(event_type=EventType.API_TOKEN_REVOKED)
    assert event.actor_id == platform_admin.pk and (event.after or {})["reason"] == "泄露于工单"
    with pytest.raises(TokenNotActive):
        do_revoke_api_token(issued.token, reason="again", acting_user=platform_admin)


def test_rotation_keeps_the_old_token_for_the_grace_period_only(
    client: Client, issue_token: Callable[..., IssuedToken], settings: object
) -> None:
    now = timezone.now()
    issued = issue_token("check", days=90, now=now - timedelta(days=10))
    rotated = do_rotate_api_token(issued.token, acting_user=None, actor_label="test", now=now)
    new = rotated.token
    assert new.rotated_from == issued.token
    assert (new.name, new.department, new.scopes) == (
        issued.token.name,
        issued.token.department,
        issued.token.scopes,
    )
    assert new.expires_at == now + timedelta(days=90)
    assert rotated.value != issued.value
    # Both work now (the department deploys the new value without an outage) …
    assert call(client, issued.value)[0] == 200
    assert call(client, rotated.value)[0] == 200
    # … the old one stops after the grace period (24 h by default), the new one does not.
    later = now + timedelta(hours=24, seconds=1)
    with pytest.raises(TokenExpired):
        authenticate_token(issued.value, at=later)
    assert authenticate_token(rotated.value, at=later) == new
    assert authenticate_token(issued.value, at=now + timedelta(hours=23)).pk == issued.token.pk
    event = AuditEvent.objects.get(event_type=EventType.API_TOKEN_ROTATED)
    assert (event.after or {})["successor"]["prefix"] == new.prefix
    with pytest.raises(TokenNotActive) as exc:
        do_rotate_api_token(issued.token, acting_user=None, now=now)
    assert exc.value.code == "TOKEN_ALREADY_ROTATED"


def test_a_revoked_token_cannot_be_rotated(issue_token: Callable[..., IssuedToken]) -> None:
    issued = issue_token()
    do_revoke_api_token(issued.token, reason="leak", acting_user=None)
    with pytest.raises(TokenNotActive):
        do_rotate_api_token(issued.token, acting_user=None)
    assert ApiToken.objects.count() == 1


def test_a_token_without_the_scope_is_refused(
    client: Client, issue_token: Callable[..., IssuedToken], bureau: Department
) -> None:
    issued = issue_token("check")
    status, body = call(client, issued.value, scope="report")
    assert (status, body["code"]) == (403, "TOKEN_SCOPE_MISSING")
    assert body["details"]["scope"] == "report"
    status, body = call(client, issued.value, scope="check", department=bureau.code)
    assert status == 200 and body["department"]["code"] == bureau.code


def test_a_token_cannot_act_for_another_department(
    client: Client,
    issue_token: Callable[..., IssuedToken],
    bureau: Department,
    other_bureau: Department,
) -> None:
    issued = issue_token("report")
    status, body = call(client, issued.value, scope="report", department=other_bureau.code)
    assert (status, body["code"]) == (403, "DEPARTMENT_MISMATCH")
    assert body["details"]["allowed"] == [bureau.code]
    assert call(client, issued.value, scope="report", department=bureau.code)[0] == 200


def test_a_token_of_an_inactive_department_is_refused(
    client: Client, issue_token: Callable[..., IssuedToken], bureau: Department
) -> None:
    issued = issue_token()
    Department.objects.filter(pk=bureau.pk).update(active=False)
    status, body = call(client, issued.value)
    assert (status, body["code"]) == (401, "TOKEN_DEPARTMENT_INACTIVE")


def test_staff_sessions_get_scopes_from_their_roles(
    client: Client,
    make_user: Callable[..., User],
    bureau: Department,
    other_bureau: Department,
) -> None:
    clerk = make_user(Role.DEPARTMENT_REPORTER, department=bureau)
    client.force_login(clerk)
    body = client.get(WHOAMI).json()
    assert body["kind"] == "user" and body["scopes"] == ["report"] and body["token"] is None
    assert client.get(WHOAMI, {"scope": "report"}).json()["department"]["code"] == bureau.code
    denied = client.get(WHOAMI, {"scope": "report", "department": other_bureau.code})
    assert (denied.status_code, denied.json()["code"]) == (403, "DEPARTMENT_MISMATCH")
    denied = client.get(WHOAMI, {"scope": "check"})
    assert (denied.status_code, denied.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")


def test_only_platform_administrators_manage_tokens(
    make_user: Callable[..., User], bureau: Department, platform_admin: User
) -> None:
    clerk = make_user(Role.DEPARTMENT_REPORTER, department=bureau)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        do_create_api_token(
            name="x", department=bureau, scopes=["report"], days=30, acting_user=clerk
        )
    assert ApiToken.objects.count() == 0 and AuditEvent.objects.count() == events
    issued = do_create_api_token(
        name="x", department=bureau, scopes=["report"], days=30, acting_user=platform_admin
    )
    assert issued.token.created_by == platform_admin
    with pytest.raises(PermissionDenied):
        do_revoke_api_token(issued.token, reason="r", acting_user=clerk)
    with pytest.raises(PermissionDenied):
        do_rotate_api_token(issued.token, acting_user=clerk)


def test_lifetime_and_scopes_are_checked(bureau: Department, settings: object) -> None:
    with pytest.raises(TokenLifetimeInvalid):
        do_create_api_token(
            name="x", department=bureau, scopes=["report"], days=366, acting_user=None
        )
    with pytest.raises(TokenLifetimeInvalid):
        do_create_api_token(
            name="x", department=bureau, scopes=["report"], days=0, acting_user=None
        )
    with pytest.raises(TokenScopeUnknown):
        do_create_api_token(name="x", department=bureau, scopes=["admin"], days=9, acting_user=None)
    with pytest.raises(TokenScopeUnknown):
        do_create_api_token(name="x", department=bureau, scopes=[], days=9, acting_user=None)
    assert ApiToken.objects.count() == 0


def test_authentication_fails_without_touching_unknown_prefixes() -> None:
    with pytest.raises(TokenInvalid):
        authenticate_token("xy_aaaaaaaaaa_" + "a" * 52)
    with pytest.raises(TokenRejected):
        authenticate_token("not a token")


def test_the_tokens_command_creates_lists_rotates_and_revokes(bureau: Department) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "tokens",
        "create",
        "--department",
        bureau.code,
        "--scope",
        "report",
        "--scope",
        "check",
        "--days",
        "90",
        "--name",
        "许可系统",
        stdout=out,
        stderr=err,
    )
    value = out.getvalue().strip()
    assert re.fullmatch(r"xy_[a-z2-7]{10}_[a-z2-7]{52}", value)
    assert "shown once" in err.getvalue()
    token = authenticate_token(value)
    assert token.scopes == ["check", "report"] and token.department == bureau

    listing = StringIO()
    call_command("tokens", "list", stdout=listing)
    assert f"xy_{token.prefix}_…" in listing.getvalue()
    assert value.split("_")[2] not in listing.getvalue()

    out = StringIO()
    call_command("tokens", "rotate", f"xy_{token.prefix}", stdout=out, stderr=StringIO())
    successor = out.getvalue().strip()
    assert authenticate_token(successor).rotated_from == token

    call_command("tokens", "revoke", token.prefix, "--reason", "decommissioned", stderr=StringIO())
    with pytest.raises(TokenRevoked):
        authenticate_token(value)
    events = AuditEvent.objects.filter(event_type__gte=9301, event_type__lte=9303)
    assert {e.actor_label for e in events} == {"system:tokens-command"}

    with pytest.raises(CommandError, match="TOKEN_NOT_ACTIVE"):
        call_command("tokens", "revoke", token.prefix, "--reason", "again", stderr=StringIO())
    with pytest.raises(CommandError, match="DEPARTMENT_NOT_FOUND"):
        call_command("tokens", "create", "--department", "X", "--scope", "report", "--name", "n")
    with pytest.raises(CommandError, match="TOKEN_LIFETIME_INVALID"):
        call_command(
            "tokens",
            "create",
            "--department",
            bureau.code,
            "--scope",
            "report",
            "--days",
            "400",
            "--name",
            "n",
        )


def test_names_and_reasons_are_required(
    issue_token: Callable[..., IssuedToken], bureau: Department
) -> None:
    with pytest.raises(CodedError) as exc:
        do_create_api_token(
            name=" ", department=bureau, scopes=["report"], days=9, acting_user=None
        )
    assert exc.value.code == "TOKEN_NAME_REQUIRED"
    issued = issue_token()
    with pytest.raises(CodedError) as exc:
        do_revoke_api_token(issued.token, reason="  ", acting_user=None)
    assert exc.value.code == "REASON_REQUIRED"
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_staff_with_a_scope_in_several_departments_must_name_one(
    client: Client,
    make_user: Callable[..., User],
    bureau: Department,
    other_bureau: Department,
) -> None:
    clerk = make_user(Role.DEPARTMENT_CHECKER, department=bureau)
    do_grant_role(clerk, other_bureau, Role.DEPARTMENT_CHECKER, acting_user=None)
    client.force_login(clerk)
    response = client.get(WHOAMI, {"scope": "check"})
    assert (response.status_code, response.json()["code"]) == (403, "DEPARTMENT_REQUIRED")
    assert sorted(response.json()["details"]["allowed"]) == sorted([bureau.code, other_bureau.code])
    chosen = client.get(WHOAMI, {"scope": "check", "department": other_bureau.code}).json()
    assert chosen["department"]["code"] == other_bureau.code
    unknown = client.get(WHOAMI, {"scope": "check", "department": "NOPE"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "DEPARTMENT_NOT_FOUND")
