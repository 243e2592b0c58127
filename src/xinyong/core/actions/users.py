"""Creating users and granting or revoking their roles in departments."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.choices import Role
from xinyong.core.errors import UserExists
from xinyong.core.models import Department, Membership, User
from xinyong.errors import CodedError


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise CodedError("ROLE_UNKNOWN", f"未知的角色：{role}", f"unknown role {role}")


@transaction.atomic
def do_create_user(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    department: Department | None = None,
    roles: Iterable[str] = (),
    is_staff: bool = True,
    is_superuser: bool = False,
    acting_user: User | None,
    actor_label: str = "",
) -> User:
    if User.objects.filter(username=username).exists():
        raise UserExists(
            message_zh=f"用户名 {username} 已被使用", message_en=f"user name {username} is taken"
        )
    roles = list(roles)
    for role in roles:
        _check_role(role)
    if roles and department is None:
        raise CodedError(
            "ROLE_NEEDS_DEPARTMENT",
            "授予角色时必须指定部门",
            "a role is always held in a department",
        )
    user = User(
        username=username,
        display_name=display_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record_event(
        EventType.USER_CREATED,
        acting_user=acting_user,
        obj=user,
        department=department,
        actor_label=actor_label,
        after={"username": username, "display_name": display_name, "is_staff": is_staff},
    )
    for role in roles:
        assert department is not None
        do_grant_role(user, department, role, acting_user=acting_user, actor_label=actor_label)
    return user


@transaction.atomic
def do_grant_role(
    user: User,
    department: Department,
    role: str,
    *,
    acting_user: User | None,
    actor_label: str = "",
) -> Membership:
    _check_role(role)
    membership, created = Membership.objects.get_or_create(
        user=user, department=department, role=role
    )
    if created:
        record_event(
            EventType.ROLE_GRANTED,
            acting_user=acting_user,
            obj=user,
            department=department,
            actor_label=actor_label,
            after={"role": role, "department": department.code},
        )
    return membership


@transaction.atomic
def do_revoke_role(
    user: User, department: Department, role: str, *, acting_user: User | None
) -> None:
    deleted, _ = Membership.objects.filter(user=user, department=department, role=role).delete()
    if deleted:
        record_event(
            EventType.ROLE_REVOKED,
            acting_user=acting_user,
            obj=user,
            department=department,
            before={"role": role, "department": department.code},
        )
