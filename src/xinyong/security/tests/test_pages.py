"""Token pages for platform administrators (STYLE.md §14: anonymous, staff without the role,
allowed), CSP-safe markup, the token shown once, and the console home's links."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.security.actions.tokens import IssuedToken, authenticate_token
from xinyong.security.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"xy_[a-z2-7]{10}_[a-z2-7]{52}")


def assert_csp_safe(html: str) -> None:
    assert "<script" not in html and " style=" not in html and "<style" not in html


@pytest.mark.parametrize("name", ["security:tokens", "security:token-create", "security:register"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))


def test_staff_without_the_role_get_403_and_nothing_changes(
    client: Client,
    make_user: Callable[..., User],
    bureau: Department,
    issue_token: Callable[..., IssuedToken],
) -> None:
    issued = issue_token()
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=bureau))
    assert client.get(reverse("security:tokens")).status_code == 403
    data = {"name": "x", "department": bureau.pk, "scopes": ["report"], "days": 30}
    assert client.post(reverse("security:token-create"), data).status_code == 403
    revoke = reverse("security:token-revoke", args=[issued.token.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    rotate = reverse("security:token-rotate", args=[issued.token.pk])
    assert client.post(rotate).status_code == 403
    assert ApiToken.objects.count() == 1
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_an_administrator_creates_sees_once_rotates_and_revokes(
    client: Client, platform_admin: User, bureau: Department
) -> None:
    client.force_login(platform_admin)
    form = client.get(reverse("security:token-create")).content.decode()
    assert 'type="checkbox"' in form and bureau.name in form
    assert_csp_safe(form)

    response = client.post(
        reverse("security:token-create"),
        {
            "name": "行政许可系统",
            "department": bureau.pk,
            "scopes": ["report", "check"],
            "days": 90,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert_csp_safe(html)
    value = TOKEN.search(html)
    assert value, "the new token is shown"
    token = authenticate_token(value.group(0))
    assert token.created_by == platform_admin and token.scopes == ["check", "report"]

    listing = client.get(reverse("security:tokens")).content.decode()
    assert f"xy_{token.prefix}_…" in listing
    assert not TOKEN.search(listing)  # never again
    assert_csp_safe(listing)

    rotated = client.post(reverse("security:token-rotate", args=[token.pk]))
    assert rotated.status_code == 200
    successor = TOKEN.search(rotated.content.decode())
    assert successor and successor.group(0) != value.group(0)
    assert authenticate_token(successor.group(0)).rotated_from == token

    page = client.get(reverse("security:token-revoke", args=[token.pk])).content.decode()
    assert 'name="reason"' in page
    empty = client.post(reverse("security:token-revoke", args=[token.pk]), {"reason": ""})
    assert empty.status_code == 200
    done = client.post(
        reverse("security:token-revoke", args=[token.pk]), {"reason": "系统下线"}, follow=True
    )
    assert "已吊销" in done.content.decode()
    token.refresh_from_db()
    assert token.revoked_by == platform_admin and token.revoke_reason == "系统下线"
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {
        EventType.API_TOKEN_CREATED,
        EventType.API_TOKEN_ROTATED,
        EventType.API_TOKEN_REVOKED,
    } <= types


def test_a_lifetime_over_the_maximum_is_refused_by_the_form(
    client: Client, platform_admin: User, bureau: Department
) -> None:
    client.force_login(platform_admin)
    response = client.post(
        reverse("security:token-create"),
        {"name": "x", "department": bureau.pk, "scopes": ["report"], "days": 400},
    )
    assert response.status_code == 200 and ApiToken.objects.count() == 0
    assert 'id="id_days_error"' in response.content.decode()


def test_the_console_home_links_to_the_security_pages(
    client: Client, platform_admin: User, office_auditor: User
) -> None:
    client.force_login(platform_admin)
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("security:tokens") in html and reverse("security:twofactor") in html
    assert reverse("security:register") not in html
    client.force_login(office_auditor)
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("security:register") in html and reverse("security:tokens") not in html
