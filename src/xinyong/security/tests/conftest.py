"""Fixtures of the security tests, built through actions (STYLE.md §13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, User
from xinyong.security.actions.tokens import IssuedToken, do_create_api_token


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counters live in the process's cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(make_department: Callable[..., Department]) -> Department:
    return make_department("市发展和改革委员会", kind=DepartmentKind.CREDIT_OFFICE)


@pytest.fixture
def bureau(make_department: Callable[..., Department]) -> Department:
    return make_department("市市场监督管理局")


@pytest.fixture
def other_bureau(make_department: Callable[..., Department]) -> Department:
    return make_department("市税务局")


@pytest.fixture
def platform_admin(make_user: Callable[..., User], office: Department) -> User:
    return make_user(Role.PLATFORM_ADMIN, department=office)


@pytest.fixture
def reviewer(make_user: Callable[..., User], office: Department) -> User:
    return make_user(Role.CREDIT_OFFICE_REVIEWER, department=office)


@pytest.fixture
def office_auditor(make_user: Callable[..., User], office: Department) -> User:
    return make_user(Role.AUDITOR, department=office)


@pytest.fixture
def issue_token(bureau: Department) -> Callable[..., IssuedToken]:
    def issue(
        *scopes: str, department: Department | None = None, days: int = 30, **kwargs: Any
    ) -> IssuedToken:
        return do_create_api_token(
            name=kwargs.pop("name", "许可系统"),
            department=department or bureau,
            scopes=scopes or ("report",),
            days=days,
            acting_user=None,
            actor_label="test",
            **kwargs,
        )

    return issue
