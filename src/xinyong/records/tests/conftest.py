"""Fixtures of the collection tests: a fixed "now", a reporting department and its reporter,
the policy (calendars, regimes, catalog) loaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from xinyong.core.choices import Role
from xinyong.core.models import Department, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The fixed "now" of the tests: Monday 16 June 2025, 10:00 in Hangzhou.
NOW = datetime(2025, 6, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files go to a temporary folder, not the checkout's ``var/uploads``."""
    settings.VAR_DIR = tmp_path_factory.mktemp("var")


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Fix ``timezone.now()`` (and so ``localdate()``) at :data:`NOW`; call the fixture's
    value to move it."""
    current = {"now": NOW}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])

    def move(to: datetime) -> None:
        current["now"] = to

    return move


@pytest.fixture
def department(make_department: Callable[..., Department], loaded_policy: Any) -> Department:
    """A sector authority (may report penalties and licences) with the policy loaded."""
    return make_department("杭州市市场监督管理局")


@pytest.fixture
def reporter(make_user: Callable[..., User], department: Department) -> User:
    return make_user(Role.DEPARTMENT_REPORTER, department=department, username="reporter")


@pytest.fixture
def reporter_client(client: Client, reporter: User) -> Client:
    client.force_login(reporter)
    return client
