"""Departments (USCC, GB/T 2260 division, parent) and users with roles in departments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.actions import (
    do_create_department,
    do_create_user,
    do_grant_role,
    do_revoke_role,
    do_update_department,
)
from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.errors import DepartmentExists, DivisionInvalid, UserExists
from xinyong.core.models import Department, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.errors import CodedError

pytestmark = pytest.mark.django_db


def test_create_department_with_parent(make_department: Callable[..., Department]) -> None:
    city = make_department("杭州市市场监督管理局", division="330100")
    district = do_create_department(
        name="杭州市上城区市场监督管理局",
        code=uscc_for("1", "1", "330102"),
        division="330102",
        kind=DepartmentKind.SECTOR_AUTHORITY,
        parent=city,
        acting_user=None,
    )
    assert district.parent == city
    assert list(city.children.all()) == [district]
    event = AuditEvent.objects.filter(event_type=EventType.DEPARTMENT_CREATED).last()
    assert event is not None and event.department_code == district.code


@pytest.mark.parametrize(
    ("division", "code"), [("33010", "DIVISION_INVALID"), ("999999", "DIVISION_UNKNOWN")]
)
def test_department_division_is_checked(division: str, code: str) -> None:
    with pytest.raises(DivisionInvalid) as exc:
        do_create_department(
            name="某局",
            code=uscc_for("1", "1"),
            division=division,
            kind=DepartmentKind.SECTOR_AUTHORITY,
            acting_user=None,
        )
    assert exc.value.code == code
    assert not Department.objects.exists()


def test_department_code_unique_and_kind_known(make_department: Callable[..., Department]) -> None:
    dept = make_department()
    with pytest.raises(DepartmentExists):
        do_create_department(
            name="重复",
            code=dept.code,
            division="330100",
            kind=DepartmentKind.COURT,
            acting_user=None,
        )
    with pytest.raises(CodedError) as exc:
        do_create_department(
            name="某局",
            code=uscc_for("1", "1"),
            division="330100",
            kind="ministry_of_magic",
            acting_user=None,
        )
    assert exc.value.code == "DEPARTMENT_KIND_UNKNOWN"


def test_update_department_is_audited(make_department: Callable[..., Department]) -> None:
    dept = make_department("旧局名")
    do_update_department(dept, name="新局名", acting_user=None)
    event = AuditEvent.objects.filter(event_type=EventType.DEPARTMENT_UPDATED).get()
    assert event.before is not None and event.after is not None
    assert (event.before["name"], event.after["name"]) == ("旧局名", "新局名")
    with pytest.raises(CodedError) as exc:
        do_update_department(dept, code="X", acting_user=None)
    assert exc.value.code == "DEPARTMENT_FIELD_READONLY"


def test_user_roles(make_department: Callable[..., Department]) -> None:
    dept = make_department()
    user = do_create_user(
        username="clerk",
        password="s3cret-pass-9",
        department=dept,
        roles=[Role.DEPARTMENT_REPORTER],
        acting_user=None,
    )
    assert user.check_password("s3cret-pass-9")
    assert user.roles_in(dept) == {Role.DEPARTMENT_REPORTER}
    assert user.primary_department == dept
    do_grant_role(user, dept, Role.DEPARTMENT_CHECKER, acting_user=None)
    do_grant_role(user, dept, Role.DEPARTMENT_CHECKER, acting_user=None)  # idempotent
    assert user.roles_in(dept) == {Role.DEPARTMENT_REPORTER, Role.DEPARTMENT_CHECKER}
    do_revoke_role(user, dept, Role.DEPARTMENT_REPORTER, acting_user=None)
    assert user.has_role(Role.DEPARTMENT_CHECKER) and not user.has_role(Role.DEPARTMENT_REPORTER)
    types = list(
        AuditEvent.objects.filter(object_type="core.user").values_list("event_type", flat=True)
    )
    assert types == [
        EventType.USER_CREATED,
        EventType.ROLE_GRANTED,
        EventType.ROLE_GRANTED,
        EventType.ROLE_REVOKED,
    ]
    with pytest.raises(UserExists):
        do_create_user(username="clerk", password=None, acting_user=None)
    with pytest.raises(CodedError) as exc:
        do_create_user(username="x", password=None, roles=[Role.AUDITOR], acting_user=None)
    assert exc.value.code == "ROLE_NEEDS_DEPARTMENT"
    assert not User.objects.filter(username="x").exists()


def test_actor_snapshot(
    make_user: Callable[..., User], make_department: Callable[..., Department]
) -> None:
    admin = make_user(Role.PLATFORM_ADMIN)
    do_create_department(
        name="新部门",
        code=uscc_for("1", "1"),
        division="330100",
        kind=DepartmentKind.OTHER,
        acting_user=admin,
    )
    event = AuditEvent.objects.filter(event_type=EventType.DEPARTMENT_CREATED).last()
    assert event is not None
    assert (event.actor_id, event.actor_label) == (admin.pk, admin.username)
