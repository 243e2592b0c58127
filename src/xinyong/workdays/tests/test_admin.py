"""The calendar's admin pages: covered years, and importing a year through the load action."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.policy.loader import FileOutcome
from xinyong.policy.tests.samples import settings_text
from xinyong.workdays.models import CalendarYear
from xinyong.workdays.tests.test_queries import CN_2027

ADD = "admin:workdays_calendaryear_add"
LIST = "admin:workdays_calendaryear_changelist"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_years_are_listed(admin_user: User, loaded_policy: list[FileOutcome]) -> None:
    page = _client(admin_user).get(reverse(LIST))
    assert page.status_code == 200
    text = page.content.decode()
    assert "calendar/cn-holiday-arrangement@2026" in text and "国办发明电〔2025〕7号" in text
    year = CalendarYear.objects.get(year=2026)
    detail = _client(admin_user).get(reverse("admin:workdays_calendaryear_change", args=[year.pk]))
    assert detail.status_code == 200 and "春节调休" in detail.content.decode()


def test_import_a_year_from_a_file(admin_user: User, loaded_policy: list[FileOutcome]) -> None:
    upload = SimpleUploadedFile("cn-2027.toml", CN_2027.encode())
    response = _client(admin_user).post(reverse(ADD), {"toml_file": upload})
    assert response.status_code == 302 and response["Location"] == reverse(LIST)
    year = CalendarYear.objects.select_related("edition").get(year=2027)
    assert (year.edition.origin, year.edition.source_path) == ("admin", "admin:cn-2027.toml")
    event = AuditEvent.objects.filter(event_type=EventType.CALENDAR_YEAR_LOADED).last()
    assert event is not None and event.actor_id == admin_user.pk


def test_import_refuses_other_kinds_and_wrong_file_names(admin_user: User, db: None) -> None:
    client = _client(admin_user)
    response = client.post(reverse(ADD), {"toml_text": settings_text()})
    assert response.status_code == 200
    assert "POLICY_KIND_UNEXPECTED" in str(response.context["form"].non_field_errors())
    upload = SimpleUploadedFile("cn-2028.toml", CN_2027.encode())
    response = client.post(reverse(ADD), {"toml_file": upload})
    assert "CALENDAR_YEAR_MISMATCH" in str(response.context["form"].non_field_errors())
    assert not CalendarYear.objects.exists()


def test_staff_without_the_role_cannot_import(make_user: Callable[..., User], db: None) -> None:
    client = _client(make_user(Role.DEPARTMENT_CHECKER))
    upload = SimpleUploadedFile("cn-2027.toml", CN_2027.encode())
    assert client.post(reverse(ADD), {"toml_file": upload}).status_code == 403
    assert client.get(reverse(LIST)).status_code == 403
    assert not CalendarYear.objects.exists()
