"""The staff log-in: failed-attempt limits, and the second factor (TOTP) from enrolment to
log-in, with codes computed from the enrolled secret (time injected in the action tests; the
pages use the clock, and the codes are computed for it)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core import crypto
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.errors import CodedError, PermissionDenied
from xinyong.security import totp
from xinyong.security.actions.twofactor import (
    do_confirm_totp_device,
    do_reset_totp_device,
    do_start_totp_enrolment,
    do_verify_totp_code,
)
from xinyong.security.errors import TotpAlreadyEnrolled, TotpCodeInvalid
from xinyong.security.login import PENDING_KEY
from xinyong.security.models import TotpDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"
LOGIN = "/console/login/"


@pytest.fixture
def clerk(make_user: Callable[..., User], make_department: Callable[..., Department]) -> User:
    return make_user(Role.DEPARTMENT_CHECKER, department=make_department(), username="liwei")


def log_in(client: Client, username: str = "liwei", password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_for(secret: str, offset_steps: int = 0) -> str:
    return totp.totp(totp.secret_bytes(secret), time.time() + offset_steps * totp.STEP_SECONDS)


def secret_from_page(html: str) -> str:
    uri = re.search(r"otpauth://totp/[^<\s\"]+", html)
    assert uri, "the enrolment page shows the otpauth URI"
    return parse_qs(urlparse(unquote(uri.group(0)).replace("&amp;", "&")).query)["secret"][0]


def assert_csp_safe(html: str) -> None:
    assert "<script" not in html and " style=" not in html and "<style" not in html


# -- failed-attempt limits --------------------------------------------------------------


def test_five_wrong_passwords_lock_the_user_name_even_for_the_right_one(
    client: Client, clerk: User
) -> None:
    for _ in range(5):
        response = log_in(client, password="wrong")
        assert response.status_code == 200 and not logged_in(client)
    response = log_in(client)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 900
    html = response.content.decode()
    assert "请求过于频繁" in html and "尝试次数过多" in html
    assert_csp_safe(html)
    assert not logged_in(client)
    # another user name from elsewhere is not locked by it
    other = Client(REMOTE_ADDR="192.0.2.50")
    assert log_in(other, username="nobody", password="x").status_code == 200


def test_failures_per_address_are_limited_across_user_names(
    client: Client, clerk: User, settings: Any
) -> None:
    settings.XINYONG_RATE_LIMITS = {**settings.XINYONG_RATE_LIMITS, "login_ip": "3/15m"}
    for name in ("a", "b", "c"):
        assert log_in(client, username=name, password="x").status_code == 200
    assert log_in(client).status_code == 429
    assert log_in(Client(REMOTE_ADDR="192.0.2.51")).status_code == 302


def test_a_successful_log_in_clears_the_user_names_failures(client: Client, clerk: User) -> None:
    for _ in range(4):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 302 and logged_in(client)
    client.logout()
    for _ in range(4):
        assert log_in(client, password="wrong").status_code == 200
    assert log_in(client).status_code == 302


# -- second factor: enrolment and log-in ------------------------------------------------


def test_required_second_factor_enrols_on_first_log_in_then_asks_for_codes(
    client: Client, clerk: User, settings: Any
) -> None:
    settings.XINYONG_REQUIRE_2FA = True
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("security:login-enrol")
    assert not logged_in(client)  # the password alone logs nobody in

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code, drawn on the server
    assert_csp_safe(html)
    secret = secret_from_page(html)
    assert totp.grouped(secret) in html

    device = TotpDevice.objects.get(user=clerk)
    assert device.confirmed_at is None
    assert secret not in device.secret_encrypted  # stored encrypted …
    assert crypto.decrypt(device.secret_encrypted) == secret  # … with core.crypto

    # reloading shows the same secret until it is confirmed
    assert secret_from_page(client.get(reverse("security:login-enrol")).content.decode()) == secret

    wrong = client.post(reverse("security:login-enrol"), {"code": "000000"})
    assert wrong.status_code == 200 and not logged_in(client)
    assert "验证码不正确" in wrong.content.decode()

    first_code = code_for(secret)
    done = client.post(reverse("security:login-enrol"), {"code": first_code})
    assert done.status_code == 302 and done["Location"] == reverse("console:home")
    assert logged_in(client)
    assert PENDING_KEY not in client.session
    device.refresh_from_db()
    assert device.confirmed_at is not None
    login_event = AuditEvent.objects.filter(event_type=EventType.STAFF_LOGGED_IN).get()
    assert login_event.after == {"factors": ["password", "totp"]}
    assert AuditEvent.objects.filter(event_type=EventType.TOTP_DEVICE_CONFIRMED).count() == 1

    # next log-in: password, then the code
    client.logout()
    response = log_in(client)
    assert response["Location"] == reverse("security:login-code")
    assert not logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert_csp_safe(page)

    replayed = client.post(reverse("security:login-code"), {"code": first_code})
    assert replayed.status_code == 200 and not logged_in(client)  # a used code never works again

    fresh = client.post(reverse("security:login-code"), {"code": code_for(secret, +1)})
    assert fresh.status_code == 302 and logged_in(client)
    assert AuditEvent.objects.filter(event_type=EventType.STAFF_LOGGED_IN).count() == 2


def test_an_enrolled_user_is_asked_for_a_code_even_when_not_required(
    client: Client, clerk: User, settings: Any
) -> None:
    settings.XINYONG_REQUIRE_2FA = False
    _device, secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    do_confirm_totp_device(
        clerk, code_for(secret, -1), acting_user=clerk
    )  # an older step, so that the current one is still unused
    response = log_in(client)
    assert response["Location"] == reverse("security:login-code")
    assert not logged_in(client)
    assert client.post(reverse("security:login-code"), {"code": code_for(secret)})[
        "Location"
    ] == reverse("console:home")


def test_without_a_device_and_not_required_the_password_suffices(
    client: Client, clerk: User, settings: Any
) -> None:
    settings.XINYONG_REQUIRE_2FA = False
    response = log_in(client)
    assert response["Location"] == reverse("console:home") and logged_in(client)
    event = AuditEvent.objects.get(event_type=EventType.STAFF_LOGGED_IN)
    assert event.after == {"factors": ["password"]} and event.actor_id == clerk.pk


def test_wrong_codes_count_as_failed_log_ins(client: Client, clerk: User, settings: Any) -> None:
    settings.XINYONG_REQUIRE_2FA = True
    _device, secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    do_confirm_totp_device(clerk, code_for(secret, -1), acting_user=clerk)
    log_in(client)
    right = code_for(secret)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert client.post(reverse("security:login-code"), {"code": wrong}).status_code == 200
    locked = client.post(reverse("security:login-code"), {"code": right})
    assert locked.status_code == 429 and not logged_in(client)
    assert locked["Retry-After"]


def test_the_code_page_needs_a_pending_log_in_that_is_recent(
    client: Client, clerk: User, settings: Any
) -> None:
    assert client.get(reverse("security:login-code"))["Location"] == reverse("console:login")
    assert client.get(reverse("security:login-enrol"))["Location"] == reverse("console:login")
    settings.XINYONG_REQUIRE_2FA = True
    log_in(client)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "since": time.time() - 301}
    session.save()
    assert client.get(reverse("security:login-enrol"))["Location"] == reverse("console:login")


def test_the_admin_log_in_page_sends_staff_to_the_two_step_log_in(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('console:login')}?next=/admin/"


# -- second factor: the actions, with injected time -------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def code_at(secret: str, at: datetime) -> str:
    return totp.totp(totp.secret_bytes(secret), at.timestamp())


def test_a_code_is_accepted_once_and_a_later_one_after_it(clerk: User) -> None:
    _device, secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    do_confirm_totp_device(clerk, code_at(secret, T0), acting_user=clerk, at=T0)
    with pytest.raises(TotpCodeInvalid) as exc:  # same step: replay
        do_verify_totp_code(clerk, code_at(secret, T0), at=T0 + timedelta(seconds=5))
    assert exc.value.code == "TOTP_CODE_REUSED"
    later = T0 + timedelta(seconds=30)
    device = do_verify_totp_code(clerk, code_at(secret, later), at=later)
    assert device.last_used_step == totp.time_step(later.timestamp())
    # the previous step's code is still within drift, but older than the last one accepted
    with pytest.raises(TotpCodeInvalid):
        do_verify_totp_code(clerk, code_at(secret, T0), at=later)
    # a code two steps old is outside the drift window
    much_later = T0 + timedelta(minutes=5)
    with pytest.raises(TotpCodeInvalid) as exc:
        do_verify_totp_code(
            clerk, code_at(secret, much_later - timedelta(seconds=61)), at=much_later
        )
    assert exc.value.code == "TOTP_CODE_INVALID"


def test_enrolment_cannot_be_restarted_once_confirmed_but_can_be_reset(
    clerk: User, platform_admin: User, make_user: Callable[..., User]
) -> None:
    _device, secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    do_confirm_totp_device(clerk, code_at(secret, T0), acting_user=clerk, at=T0)
    with pytest.raises(TotpAlreadyEnrolled):
        do_start_totp_enrolment(clerk, acting_user=clerk)
    with pytest.raises(PermissionDenied):
        do_reset_totp_device(clerk, reason="lost phone", acting_user=make_user())
    assert TotpDevice.objects.filter(user=clerk).exists()
    assert do_reset_totp_device(clerk, reason="lost phone", acting_user=platform_admin)
    assert not TotpDevice.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(event_type=EventType.TOTP_DEVICE_RESET)
    assert event.after == {"reason": "lost phone"} and event.actor_id == platform_admin.pk
    _device, new_secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    assert new_secret != secret


def test_the_twofactor_command_resets(clerk: User) -> None:
    _device, _secret = do_start_totp_enrolment(clerk, acting_user=clerk)
    out = StringIO()
    call_command("twofactor", "reset", "liwei", "--reason", "new phone", stdout=out)
    assert "removed" in out.getvalue()
    assert not TotpDevice.objects.filter(user=clerk).exists()


def test_a_logged_in_user_can_enrol_from_the_console(client: Client, clerk: User) -> None:
    client.force_login(clerk)
    page = client.get(reverse("security:twofactor")).content.decode()
    assert "尚未绑定身份验证器" in page
    enrol = client.get(reverse("security:twofactor") + "?start=1").content.decode()
    assert_csp_safe(enrol)
    secret = secret_from_page(enrol)
    response = client.post(
        reverse("security:twofactor") + "?start=1", {"code": code_for(secret)}, follow=True
    )
    assert "已绑定身份验证器" in response.content.decode()
    assert TotpDevice.objects.get(user=clerk).confirmed


def test_a_reset_needs_a_reason(clerk: User, platform_admin: User) -> None:
    do_start_totp_enrolment(clerk, acting_user=clerk)
    with pytest.raises(CodedError) as exc:
        do_reset_totp_device(clerk, reason=" ", acting_user=platform_admin)
    assert exc.value.code == "REASON_REQUIRED"
    assert TotpDevice.objects.filter(user=clerk).exists()
