"""The permission helpers every surface uses (STYLE.md §7)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from xinyong.core import permissions
from xinyong.core.actions import do_create_user
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_platform_admin(make_user: Callable[..., User]) -> None:
    admin, clerk = make_user(Role.PLATFORM_ADMIN), make_user(Role.DEPARTMENT_REPORTER)
    assert permissions.is_platform_admin(admin)
    assert not permissions.is_platform_admin(clerk)
    assert not permissions.is_platform_admin(AnonymousUser())
    assert permissions.is_platform_admin(clerk, roles=[Role.PLATFORM_ADMIN])
    superuser = do_create_user(username="root", password="x-pass-99", is_superuser=True,
                               acting_user=None)  # fmt: skip
    assert permissions.is_platform_admin(superuser)
    admin.is_active = False
    assert not permissions.is_platform_admin(admin)


def test_require_role_in_department(
    make_user: Callable[..., User], make_department: Callable[..., Department]
) -> None:
    home, other = make_department(), make_department()
    clerk = make_user(Role.DEPARTMENT_REPORTER, department=home)
    permissions.require_role(clerk, Role.DEPARTMENT_REPORTER)
    permissions.require_role(clerk, Role.DEPARTMENT_REPORTER, home)
    with pytest.raises(PermissionDenied) as exc:
        permissions.require_role(clerk, Role.DEPARTMENT_REPORTER, other)
    assert exc.value.status == 403 and "报送" in exc.value.message_zh
    with pytest.raises(PermissionDenied):
        permissions.require_role(AnonymousUser(), Role.AUDITOR)
    assert permissions.departments_with_role(clerk, Role.DEPARTMENT_REPORTER) == [home]
    assert permissions.departments_with_role(AnonymousUser(), Role.DEPARTMENT_REPORTER) == []
