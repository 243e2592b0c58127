"""Unusual-access alerts: a day's distinct subjects against the actor's trailing 30-day
median (``xinyong.security.alerts``), on the auditor's register page and over the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinyong.core.choices import Role
from xinyong.core.models import Department, Subject, User
from xinyong.security.actions import record_access
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.alerts import FACTOR, MINIMUM_SUBJECTS, WINDOW_DAYS, unusual_access
from xinyong.security.choices import LegalBasis
from xinyong.security.principals import Principal

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)
USUAL = 8  # subjects a day on the usual days: median 8, alert above max(20, 3 × 8) = 24


def test_the_rule_documented_is_the_rule_coded() -> None:
    assert (FACTOR, MINIMUM_SUBJECTS, WINDOW_DAYS) == (3, 20, 30)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.combine(DAY, time(10), tzinfo=SHANGHAI)

    def on(self, day: date, hour: int = 10) -> None:
        self.now = datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    yield c


@pytest.fixture
def subjects(make_subject: Callable[..., Subject]) -> list[Subject]:
    return [make_subject(f"告警测试{n}号有限公司") for n in range(30)]


@pytest.fixture
def checker(make_user: Callable[..., User], bureau: Department) -> User:
    return make_user(Role.DEPARTMENT_CHECKER, department=bureau, username="usual-checker")


def read(actor: User | Principal, subjects: list[Subject], times: int = 1) -> None:
    for subject in subjects:
        for _ in range(times):
            with transaction.atomic():
                record_access(
                    actor=actor, purpose="行政许可前核查", legal_basis=LegalBasis.STATUTORY_DUTY,
                    subject=subject, fields=["penalties"],
                )  # fmt: skip


def usual_history(clock: Clock, actor: User, subjects: list[Subject]) -> None:
    """USUAL subjects a day on 16 of the 30 days before DAY (median USUAL)."""
    for n in range(1, 17):
        clock.on(DAY - timedelta(days=n))
        read(actor, subjects[:USUAL])


def test_a_day_far_above_the_usual_is_an_alert(
    clock: Clock, checker: User, subjects: list[Subject], office_auditor: User, bureau: Department
) -> None:
    usual_history(clock, checker, subjects)
    clock.on(DAY, hour=9)
    read(checker, subjects[: FACTOR * USUAL])  # 24: not above 3 × the median
    assert unusual_access(office_auditor, day=DAY) == []
    clock.on(DAY, hour=23)  # 23:00 Shanghai is 15:00 UTC: still the same legal day
    read(checker, subjects[FACTOR * USUAL : FACTOR * USUAL + 1], times=2)  # 25 distinct
    [alert] = unusual_access(office_auditor, day=DAY)
    assert (alert.actor_label, alert.actor_kind, alert.day) == ("usual-checker", "user", DAY)
    assert (alert.subjects, alert.median, alert.threshold) == (25, 8.0, 24.0)
    assert alert.ratio == 3.1
    assert alert.departments == (f"{bureau.name} ({bureau.code})",)
    # The day before had nothing unusual; the next day the new reads are history.
    assert unusual_access(office_auditor, day=DAY - timedelta(days=1)) == []
    assert unusual_access(office_auditor, day=DAY + timedelta(days=1)) == []


def test_without_history_the_minimum_applies(
    clock: Clock,
    make_user: Callable[..., User],
    bureau: Department,
    subjects: list[Subject],
    office_auditor: User,
    issue_token: Callable[..., IssuedToken],
) -> None:
    newcomer = make_user(Role.DEPARTMENT_CHECKER, department=bureau, username="newcomer")
    quiet = make_user(Role.DEPARTMENT_CHECKER, department=bureau, username="quiet")
    system = Principal.for_token(issue_token("check").token)
    read(newcomer, subjects[: MINIMUM_SUBJECTS + 1])
    read(quiet, subjects[:MINIMUM_SUBJECTS])  # exactly the minimum: no alert
    read(system, subjects[: MINIMUM_SUBJECTS + 5])
    alerts = unusual_access(office_auditor)
    assert [(a.actor_kind, a.subjects, a.median, a.threshold) for a in alerts] == [
        ("token", 25, 0.0, 20.0),
        ("user", 21, 0.0, 20.0),
    ]
    assert alerts[0].actor_label == system.label and alerts[1].actor_label == "newcomer"
    assert alerts[0].ratio is None


def test_an_auditor_sees_alerts_of_the_rows_they_may_see(
    clock: Clock,
    checker: User,
    subjects: list[Subject],
    office_auditor: User,
    make_user: Callable[..., User],
    make_department: Callable[..., Department],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    read(checker, subjects[:25])
    elsewhere = make_user(Role.AUDITOR, department=make_department("另一局"))
    assert unusual_access(elsewhere) == []
    with django_assert_max_num_queries(5):  # type: ignore[attr-defined]
        assert [a.actor_label for a in unusual_access(office_auditor)] == ["usual-checker"]


def test_the_register_page_lists_the_alerts_with_a_link_to_the_reads(
    clock: Clock, client: Client, checker: User, subjects: list[Subject], office_auditor: User
) -> None:
    usual_history(clock, checker, subjects)
    clock.on(DAY)
    read(checker, subjects[:25])
    url = reverse("security:register")
    client.force_login(checker)
    assert client.get(url).status_code == 403
    client.force_login(office_auditor)
    html = client.get(url).content.decode()
    assert "usual-checker" in html
    assert "?user=usual-checker&amp;date_from=2026-11-20&amp;date_to=2026-11-20" in html
    assert "<script" not in html and " style=" not in html
    # Another day: no alert; the search form is not run by the day's choice.
    html = client.get(url, {"alerts_on": "2026-11-19"}).content.decode()
    assert "usual-checker" not in html and 'id="results-title"' not in html
    # The link shows what was read.
    html = client.get(
        url, {"user": "usual-checker", "date_from": "2026-11-20", "date_to": "2026-11-20"}
    ).content.decode()
    assert 'id="results-title"' in html and "告警测试24号有限公司" in html


def test_the_alerts_api_is_for_auditors(
    clock: Clock,
    client: Client,
    checker: User,
    subjects: list[Subject],
    office_auditor: User,
    issue_token: Callable[..., IssuedToken],
) -> None:
    read(checker, subjects[:22])
    url = "/api/v1/security/alerts"
    assert client.get(url).status_code == 401
    token = issue_token("check", "read_shared").value
    refused = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and refused.json()["code"] == "PERMISSION_DENIED"
    client.force_login(checker)
    assert client.get(url).status_code == 403
    client.force_login(office_auditor)
    body = client.get(url, {"day": DAY.isoformat()}).json()
    assert body["day"] == "2026-11-20"
    assert (body["factor"], body["minimum_subjects"], body["window_days"]) == (3, 20, 30)
    [alert] = body["alerts"]
    assert (alert["actor"], alert["subjects"], alert["median"]) == ("usual-checker", 22, 0.0)
    assert client.get(url, {"day": "2026-11-19"}).json()["alerts"] == []
