"""Creating and updating departments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core import identifiers
from xinyong.core.actions.subjects import check_identifier
from xinyong.core.choices import DepartmentKind
from xinyong.core.errors import DepartmentExists, DivisionInvalid
from xinyong.core.models import Department, User
from xinyong.errors import CodedError


def check_division(code: str) -> str:
    """A GB/T 2260 division: six digits naming a known province, city or county."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise DivisionInvalid(
            message_zh=f"行政区划代码应为6位数字：{code}",
            message_en=f"an administrative division code has six digits: {code}",
        )
    if not identifiers.division_info(code)["known"]:
        raise DivisionInvalid(
            code="DIVISION_UNKNOWN",
            message_zh=f"行政区划代码 {code} 不在 GB/T 2260 代码表中",
            message_en=f"division {code} is not in the GB/T 2260 code list",
        )
    return code


@transaction.atomic
def do_create_department(
    *,
    name: str,
    code: str,
    division: str,
    kind: str,
    parent: Department | None = None,
    short_name: str = "",
    acting_user: User | None,
    actor_label: str = "",
) -> Department:
    uscc = check_identifier(code, identifiers.IdentifierScheme.USCC).normalized
    division = check_division(division)
    if kind not in DepartmentKind.values:
        raise CodedError(
            "DEPARTMENT_KIND_UNKNOWN", f"未知的部门类型：{kind}", f"unknown department kind {kind}"
        )
    if Department.objects.filter(code=uscc).exists():
        raise DepartmentExists(
            message_zh=f"统一社会信用代码 {uscc} 的部门已存在",
            message_en=f"a department with code {uscc} already exists",
        )
    department = Department.objects.create(
        name=name.strip(),
        short_name=short_name,
        code=uscc,
        division=division,
        kind=kind,
        parent=parent,
    )
    record_event(
        EventType.DEPARTMENT_CREATED,
        acting_user=acting_user,
        obj=department,
        department=department,
        actor_label=actor_label,
        after=_snapshot(department),
    )
    return department


def _snapshot(department: Department) -> dict[str, Any]:
    return {
        "name": department.name,
        "short_name": department.short_name,
        "code": department.code,
        "division": department.division,
        "kind": department.kind,
        "parent": department.parent.code if department.parent else None,
        "active": department.active,
    }


@transaction.atomic
def do_update_department(
    department: Department, *, acting_user: User | None, **changes: Any
) -> Department:
    """Change a department's name, short name, division, kind, parent or active flag."""
    allowed = {"name", "short_name", "division", "kind", "parent", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise CodedError(
            "DEPARTMENT_FIELD_READONLY",
            f"这些字段不能修改：{', '.join(sorted(unknown))}",
            f"these fields cannot be changed: {', '.join(sorted(unknown))}",
        )
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = _snapshot(department)
    if "division" in changes:
        changes["division"] = check_division(changes["division"])
    for field, value in changes.items():
        setattr(department, field, value)
    department.save()
    record_event(
        EventType.DEPARTMENT_UPDATED,
        acting_user=acting_user,
        obj=department,
        department=department,
        before=before,
        after=_snapshot(department),
    )
    return department
