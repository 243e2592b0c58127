"""Subject self-service (``/me/…``): log-in (success, failure, rate limit), the subject's own
full record and nothing of another subject, "who checked me" equal to the auditor's register
search, the own credit report, and the account action (docs/portal.md, "Self-service")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.checks.actions import do_check_subject
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.portal.models import CreditReport
from xinyong.portal.selfservice_actions import do_create_subject_account
from xinyong.portal.selfservice_auth import SESSION_KEY
from xinyong.portal.selfservice_errors import SubjectAccountExists, SubjectPasswordTooShort
from xinyong.portal.selfservice_models import SubjectAccount
from xinyong.portal.selfservice_queries import checks_of
from xinyong.portal.tests.conftest import PUBLIC_FACT, SECRET_MARKERS, World
from xinyong.security.models import AccessRecord
from xinyong.security.queries import RegisterQuery, search_register

pytestmark = pytest.mark.django_db

PASSWORD = "xinyong-test-subject-1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def account(subject: Subject, password: str = PASSWORD) -> SubjectAccount:
    return do_create_subject_account(subject, password=password, acting_user=None)


def log_in(client: Client, code: str, password: str = PASSWORD) -> Any:
    return client.post("/me/login/", {"code": code, "password": password})


def page(client: Client) -> str:
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Account and log-in
# ---------------------------------------------------------------------------------------------


def test_account_is_created_hashed_and_audited(world: World) -> None:
    created = account(world.company)
    assert created.password != PASSWORD and created.password.startswith(("pbkdf2", "argon2", "md5"))
    event = AuditEvent.objects.get(event_type=EventType.SUBJECT_ACCOUNT_CREATED)
    assert event.subject_id == world.company.pk
    assert PASSWORD not in str(event.after)
    with pytest.raises(SubjectAccountExists):
        account(world.company)
    with pytest.raises(SubjectPasswordTooShort):
        account(world.person, password="short")
    assert SubjectAccount.objects.count() == 1


def test_login_success_shows_own_full_record(world: World, client: Client) -> None:
    account(world.company)
    assert world.company.uscc
    response = log_in(client, world.company.uscc.lower())
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.session[SESSION_KEY]["id"] == world.company.pk
    # A subject is never a staff user: no Django log-in, no console.
    assert "_auth_user_id" not in client.session
    assert client.get("/console/").status_code == 302
    html = page(client)
    assert world.company.name in html
    # All its records: published and not (withdrawn, expired, shared-only, not disclosed).
    for record in world.records.values():
        if record.subject_id == world.company.pk:
            assert record.decision_number in html, record.decision_number
    assert PUBLIC_FACT in html
    assert "Published now" in html or "正在公示" in html
    # Its own records' non-public fields are not shown either (the representative's number).
    assert world.representative_id not in html
    # Its own shared-only and not-disclosed records are its own information: shown to it.
    assert SECRET_MARKERS["shared"] in html and SECRET_MARKERS["not_disclosed"] in html
    assert AuditEvent.objects.filter(
        event_type=EventType.SUBJECT_LOGGED_IN, subject_id=world.company.pk
    ).exists()


def test_person_logs_in_with_id_number(world: World, client: Client) -> None:
    account(world.person)
    response = log_in(client, world.person_id)
    assert response.status_code == 302
    html = page(client)
    assert world.person.name in html
    assert world.person_id not in html  # masked even for the person itself
    assert world.person.id_number_masked in html


@pytest.mark.parametrize("wrong", ["password", "code", "no_account"])
def test_login_failure(world: World, client: Client, wrong: str) -> None:
    account(world.company)
    code = str(world.company.uscc)
    password = PASSWORD
    if wrong == "password":
        password = "not-the-password"
    elif wrong == "code":
        code = "91330100MA0000000X"
    else:
        code = str(world.listed.subject.uscc)
    response = log_in(client, code, password)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert client.get("/me/").status_code == 302
    assert not AuditEvent.objects.filter(event_type=EventType.SUBJECT_LOGGED_IN).exists()


def test_login_rate_limited(world: World, client: Client, settings: Any) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "login_user": "3/15m"}
    account(world.company)
    code = str(world.company.uscc)
    for _ in range(3):
        assert log_in(client, code, "wrong-password-x").status_code == 200
    response = log_in(client, code)  # the right password, too late
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert SESSION_KEY not in client.session
    # Another subject's code is not paused by these failures.
    account(world.person)
    assert log_in(client, world.person_id).status_code == 302


def test_anonymous_is_sent_to_the_subject_login(client: Client, world: World) -> None:
    for url in ("/me/", "/me/report.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/me/login/")
    assert client.get("/me/login/").status_code == 200


def test_staff_session_is_not_a_subject(world: World, client: Client) -> None:
    client.force_login(world.reporter)
    assert client.get("/me/").status_code == 302


def test_logout_forgets_only_the_subject(world: World, client: Client) -> None:
    account(world.company)
    log_in(client, str(world.company.uscc))
    assert client.post("/me/logout/").status_code == 302
    assert client.get("/me/").status_code == 302


def test_next_is_never_an_open_redirect(world: World, client: Client) -> None:
    account(world.company)
    response = client.post(
        "/me/login/?next=https://evil.example/", {"code": world.company.uscc, "password": PASSWORD}
    )
    assert response["Location"] == "/me/"


# ---------------------------------------------------------------------------------------------
# Another subject's data never shows
# ---------------------------------------------------------------------------------------------


def test_other_subjects_data_never_shown(world: World, client: Client) -> None:
    listed = world.listed.subject
    account(listed)
    log_in(client, str(listed.uscc))
    html = page(client)
    assert listed.name in html
    # Its listing (current), and nothing of the company or the person of the world.
    assert world.listed.list_type.name_zh in html
    for text in (
        world.company.name,
        str(world.company.uscc),
        world.person.name,
        world.person_id,
        world.representative_id,
        world.person.id_number_masked,
        PUBLIC_FACT,
        *SECRET_MARKERS.values(),
        *(r.decision_number for r in world.records.values()),
    ):
        assert text not in html, text
    # A session cannot be pointed at another subject through the URL: there is none.
    report = client.get("/me/report.pdf")
    assert report.status_code == 200
    assert CreditReport.objects.get().subject_id == listed.pk


# ---------------------------------------------------------------------------------------------
# Who checked me
# ---------------------------------------------------------------------------------------------


def test_who_checked_me_equals_the_auditors_search(
    world: World,
    client: Client,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> None:
    listed = world.listed.subject
    centre = make_department("示范市公共资源交易中心", kind=DepartmentKind.PUBLIC_SERVICE)
    checker = make_user(Role.DEPARTMENT_CHECKER, department=centre, username="checker-ss")
    purpose = "政府采购供应商资格审查（自助测试）"
    for code in (listed.uscc, world.company.uscc):
        do_check_subject(
            str(code),
            matter="government_procurement",
            purpose=purpose,
            department=centre,
            acting_user=checker,
        )
    auditor = make_user(
        Role.AUDITOR,
        department=make_department("示范市信用办（审计）", kind=DepartmentKind.CREDIT_OFFICE),
        username="auditor-ss",
    )
    found = search_register(auditor, RegisterQuery(subject=str(listed.uscc)))
    auditor_ids = set(found.values_list("pk", flat=True))
    assert auditor_ids, "the check must have been registered"
    assert set(checks_of(listed).values_list("pk", flat=True)) == auditor_ids

    account(listed)
    log_in(client, str(listed.uscc))
    before = AccessRecord.objects.count()
    html = page(client)
    assert AccessRecord.objects.count() == before, "the subject's own look is no third-party use"
    assert purpose in html and centre.name in html
    assert "checker-ss" not in html  # the department, not the staff member
    assert html.count(purpose) == len(auditor_ids)
    client.get("/me/")
    assert set(checks_of(listed).values_list("pk", flat=True)) == auditor_ids


def test_own_report_is_issued_for_the_logged_in_subject(world: World, client: Client) -> None:
    account(world.company)
    log_in(client, str(world.company.uscc))
    response = client.get("/me/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    report = CreditReport.objects.get()
    assert report.subject_id == world.company.pk
    assert response["X-Content-SHA256"] == report.sha256
