"""Local supplements through the Django admin: the same load action, validated, versioned and
audited; refusals as form errors with their code; editions read-only; retirement audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.actions import do_create_user
from xinyong.core.choices import Role
from xinyong.core.models import User
from xinyong.policy.actions import LoadOutcome
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.loader import FileOutcome
from xinyong.policy.models import PolicyEdition, PublicationRegime
from xinyong.policy.tests.fixtures import after
from xinyong.policy.tests.samples import SETTINGS_LOCAL, settings_text

ADD = "admin:policy_policyedition_add"
LIST = "admin:policy_policyedition_changelist"


@pytest.fixture
def superuser(db: None) -> User:
    return do_create_user(username="root", password="correct-horse-9", is_superuser=True,
                          acting_user=None, actor_label="test")  # fmt: skip


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_is_sent_to_the_login_page(db: None) -> None:
    client = _client(None)
    response = client.get(reverse(ADD))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse(ADD), {"toml_text": SETTINGS_LOCAL})
    assert response.status_code == 302
    assert not PolicyEdition.objects.exists()


@pytest.mark.parametrize("roles", [(), (Role.DEPARTMENT_REPORTER,), (Role.AUDITOR,)])
def test_staff_without_the_platform_admin_role_is_refused(
    make_user: Callable[..., User], roles: tuple[str, ...]
) -> None:
    client = _client(make_user(*roles))
    assert client.get(reverse(ADD)).status_code == 403
    assert client.get(reverse(LIST)).status_code == 403
    assert client.post(reverse(ADD), {"toml_text": SETTINGS_LOCAL}).status_code == 403
    assert not PolicyEdition.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.POLICY_SUPPLEMENT_SAVED).exists()


def test_platform_admin_pastes_a_local_supplement(admin_user: User) -> None:
    client = _client(admin_user)
    page = client.get(reverse(ADD))
    assert page.status_code == 200 and b'name="toml_text"' in page.content
    response = client.post(reverse(ADD), {"toml_text": SETTINGS_LOCAL.replace("\n", "\r\n")})
    assert response.status_code == 302 and response["Location"] == reverse(LIST)
    edition = PolicyEdition.objects.get()
    assert (edition.label, edition.origin, edition.jurisdiction) == (
        "settings/local-demo@2026.1", "admin", "local",
    )  # fmt: skip
    assert edition.source_path == "admin:pasted.toml"
    assert edition.loaded_by == admin_user.username
    assert edition.source_text == SETTINGS_LOCAL
    event = AuditEvent.objects.get(event_type=EventType.POLICY_SUPPLEMENT_SAVED)
    assert (event.actor_id, event.object_id) == (admin_user.pk, str(edition.pk))
    assert after(event)["origin"] == "admin" and after(event)["digest"] == edition.digest
    assert event.request_id  # the admin request's id
    assert policy_setting("listing.objection_answer_working_days").value == 3
    # the same text again changes nothing
    response = client.post(reverse(ADD), {"toml_text": SETTINGS_LOCAL})
    assert response.status_code == 302
    assert PolicyEdition.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.POLICY_SUPPLEMENT_SAVED).count() == 1


def test_superuser_uploads_a_toml_file(superuser: User) -> None:
    upload = SimpleUploadedFile("kashgar.toml", SETTINGS_LOCAL.encode(), "application/toml")
    response = _client(superuser).post(reverse(ADD), {"toml_file": upload})
    assert response.status_code == 302
    edition = PolicyEdition.objects.get()
    assert edition.source_path == "admin:kashgar.toml" and edition.loaded_by == "root"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('kind = "settings\n', "POLICY_TOML_SYNTAX"),
        (settings_text(jurisdiction="city"), "POLICY_JURISDICTION_UNKNOWN"),
        (settings_text(key="no.such.key"), "SETTING_UNKNOWN"),
        (settings_text(edition="2", effective_from="2024-01-01"), "POLICY_EDITION_OVERLAP"),
        (settings_text(edition="1", value=11), "POLICY_EDITION_CONFLICT"),
        ("", "required"),
    ],
)
def test_refusals_show_as_form_errors_with_their_code(
    admin_user: User, load_policy_text: Callable[..., LoadOutcome], text: str, code: str
) -> None:
    load_policy_text(settings_text(edition="1"))
    response = _client(admin_user).post(reverse(ADD), {"toml_text": text})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(code in str(e) for e in errors) or (code == "required" and errors)
    assert PolicyEdition.objects.count() == 1


def test_editions_are_read_only(
    admin_user: User, load_policy_text: Callable[..., LoadOutcome]
) -> None:
    edition = load_policy_text(SETTINGS_LOCAL).edition
    client = _client(admin_user)
    change = reverse("admin:policy_policyedition_change", args=[edition.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "示范市社会信用条例实施细则" in page.content.decode()
    assert "listing.objection_answer_working_days" in page.content.decode()  # typed rows inline
    assert b'name="_save"' not in page.content
    assert client.post(change, {"note": "edited"}).status_code == 403
    delete = reverse("admin:policy_policyedition_delete", args=[edition.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    edition.refresh_from_db()
    assert edition.note == "" and PolicyEdition.objects.count() == 1
    listing = client.get(reverse(LIST))
    assert listing.status_code == 200 and "settings/local-demo@2026.1" in listing.content.decode()


def test_retire_action_asks_for_a_reason_and_is_audited(
    admin_user: User, load_policy_text: Callable[..., LoadOutcome]
) -> None:
    edition = load_policy_text(SETTINGS_LOCAL).edition
    client = _client(admin_user)
    data = {"action": "retire_editions", "_selected_action": [str(edition.pk)]}
    confirm = client.post(reverse(LIST), data)
    assert confirm.status_code == 200 and b'name="reason"' in confirm.content
    edition.refresh_from_db()
    assert edition.retired_at is None
    done = client.post(reverse(LIST), {**data, "confirm": "yes", "reason": "本地细则已废止"})
    assert done.status_code == 302
    edition.refresh_from_db()
    assert edition.status == "retired" and edition.retired_reason == "本地细则已废止"
    assert edition.retired_by == admin_user.username
    event = AuditEvent.objects.get(event_type=EventType.POLICY_EDITION_RETIRED)
    assert event.actor_id == admin_user.pk


def test_staff_cannot_retire(
    make_user: Callable[..., User], load_policy_text: Callable[..., LoadOutcome]
) -> None:
    edition = load_policy_text(SETTINGS_LOCAL).edition
    client = _client(make_user(Role.DEPARTMENT_REPORTER))
    data = {"action": "retire_editions", "_selected_action": [str(edition.pk)], "confirm": "yes",
            "reason": "x"}  # fmt: skip
    assert client.post(reverse(LIST), data).status_code == 403
    edition.refresh_from_db()
    assert edition.retired_at is None


def test_regimes_are_shown_read_only(admin_user: User, loaded_policy: list[FileOutcome]) -> None:
    client = _client(admin_user)
    regime = PublicationRegime.objects.get(code="ndrc-order-58")
    page = client.get(reverse("admin:policy_publicationregime_change", args=[regime.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert "国家发展改革委令第58号" in page.content.decode()
    assert client.get(reverse("admin:policy_publicationregime_add")).status_code == 403


def test_uploads_must_be_utf8_toml(admin_user: User) -> None:
    upload = SimpleUploadedFile("gbk.toml", SETTINGS_LOCAL.encode("gbk"))
    response = _client(admin_user).post(reverse(ADD), {"toml_file": upload})
    assert response.status_code == 200
    assert "POLICY_FILE_UNREADABLE" in str(response.context["form"].non_field_errors())
    big = SimpleUploadedFile("big.toml", b"#" * 1_000_001)
    response = _client(admin_user).post(reverse(ADD), {"toml_file": big})
    assert response.context["form"].non_field_errors().as_data()[0].code == (
        "POLICY_FILE_TOO_LARGE"
    )
    assert not PolicyEdition.objects.exists()
