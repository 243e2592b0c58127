"""The single check keeps its token in memory and confirms it in its own read
(docs/decisions/0074-check-one-statement.md): no look-up of the token on every check, and
still, a revoked or expired token, or one of a department no longer active, is refused at
once — by every server process, not only by the one that revoked it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinyong.checks.models import Check
from xinyong.checks.tests.conftest import Checkers
from xinyong.checks.tests.test_one_statement import sent_messages
from xinyong.core.actions.departments import do_update_department
from xinyong.core.models import Subject
from xinyong.security.actions import tokens
from xinyong.security.actions.tokens import (
    IssuedToken,
    authenticate_kept_token,
    confirm_token,
    do_revoke_api_token,
)
from xinyong.security.errors import TokenExpired, TokenInvalid
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/checks"


@pytest.fixture(autouse=True)
def _nothing_kept() -> Any:
    tokens._KEPT.clear()
    yield
    tokens._KEPT.clear()


def check(client: Client, issued: IssuedToken, subject: str | None) -> Any:
    return client.get(
        URL,
        {"subject": subject or "", "matter": "government_procurement", "purpose": "资格审查"},
        headers={"Authorization": f"Bearer {issued.value}"},
    )


def recorded() -> tuple[int, int]:
    return Check.objects.count(), AccessRecord.objects.count()


def test_a_kept_token_is_not_looked_up_again(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = token("check")
    assert check(client, issued, company.uscc).status_code == 200
    monkeypatch.setenv("XINYONG_CHECK_CATALOGUE_TTL", "60")
    assert check(client, issued, company.uscc).status_code == 200  # the catalogue kept too
    lookup = tokens._lookup_sql()[:80]
    with CaptureQueriesContext(connection) as seen:
        assert check(client, issued, company.uscc).status_code == 200
    assert not [q for q in seen.captured_queries if lookup in q["sql"]]
    if connection.vendor != "postgresql":
        return
    sent = sent_messages(lambda: check(client, issued, company.uscc))
    statements = [line for line in sent.splitlines() if "\tParse\t" in line or "\tQuery\t" in line]
    assert len(statements) == 2, statements  # the read (which confirms the token), the write
    # Kept no longer: looked up again (three statements).
    monkeypatch.setenv("XINYONG_TOKEN_KEEP_SECONDS", "0")
    sent = sent_messages(lambda: check(client, issued, company.uscc))
    assert len([line for line in sent.splitlines() if "\tParse\t" in line]) == 3


def test_revocation_takes_effect_at_once_for_a_kept_token(
    client: Client, token: Callable[..., IssuedToken], company: Subject
) -> None:
    issued = token("check")
    assert check(client, issued, company.uscc).status_code == 200
    before = recorded()
    # Revoked as another process would: this process's memory still holds the token.
    do_revoke_api_token(issued.token, reason="泄露", acting_user=None, actor_label="test")
    assert tokens._KEPT
    response = check(client, issued, company.uscc)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "TOKEN_REVOKED"
    assert recorded() == before  # nothing checked, nothing registered
    assert not tokens._KEPT  # forgotten
    assert check(client, issued, company.uscc).json()["code"] == "TOKEN_REVOKED"


def test_a_deactivated_department_stops_a_kept_token_at_once(
    client: Client, token: Callable[..., IssuedToken], company: Subject, checkers: Checkers
) -> None:
    issued = token("check")
    assert check(client, issued, company.uscc).status_code == 200
    before = recorded()
    do_update_department(checkers.centre, acting_user=None, active=False)
    response = check(client, issued, company.uscc)
    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_DEPARTMENT_INACTIVE"
    assert recorded() == before


def test_a_refused_request_with_a_revoked_kept_token_says_the_token(
    client: Client, token: Callable[..., IssuedToken], company: Subject
) -> None:
    issued = token("check")
    assert check(client, issued, company.uscc).status_code == 200
    assert check(client, issued, "not-a-code").status_code == 422  # usable: the request's fault
    do_revoke_api_token(issued.token, reason="泄露", acting_user=None, actor_label="test")
    response = check(client, issued, "not-a-code")
    assert response.status_code == 401 and response.json()["code"] == "TOKEN_REVOKED"


def test_only_the_exact_secret_finds_a_kept_token(token: Callable[..., IssuedToken]) -> None:
    issued = token("check")
    assert authenticate_kept_token(issued.value) == (issued.token, True)
    kept, fresh = authenticate_kept_token(issued.value)
    assert kept.pk == issued.token.pk and fresh is False
    forged = issued.value[:-2] + ("aa" if not issued.value.endswith("aa") else "bb")
    with pytest.raises(TokenInvalid):
        authenticate_kept_token(forged)


def test_expiry_is_confirmed_at_the_time_of_the_read(token: Callable[..., IssuedToken]) -> None:
    issued = token("check")
    confirm_token(issued.token)  # usable now
    later = timezone.now() + timedelta(days=400)  # past any token's lifetime
    with pytest.raises(TokenExpired):
        confirm_token(issued.token, at=later)
