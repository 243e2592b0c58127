"""Who may do what with objections and repair applications (through
``xinyong.core.permissions`` only).

- The department that owns the information answers an objection and decides a repair
  application: the department-reporter role in the record's department ("谁决定、谁负责",
  seed 004 二(三)2; 国办发〔2025〕22号: the sector authority decides).
- The credit office does the initial review of an application (seed 000 二(三)) and sees
  every objection and application; a department reporter sees its own department's.
- A department may file an objection in its own name: any staff member holding a reporter,
  checker or credit-office role in that department.
- Platform administrators run the system; they decide nothing here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xinyong.core import permissions
from xinyong.core.choices import Role
from xinyong.core.models import Department
from xinyong.core.permissions import ScopeRule, departments_with_role
from xinyong.errors import PermissionDenied

FILING_ROLES = (Role.DEPARTMENT_REPORTER, Role.DEPARTMENT_CHECKER, Role.CREDIT_OFFICE_REVIEWER)

#: Who sees which objections and applications (``core.permissions.restrict``): a department
#: reporter its departments' (the deciding department), a credit-office reviewer every one.
#: Superusers and platform administrators decide nothing here, so they get no oversight; roles
#: held in deactivated departments still count (their files stay visible to their staff).
SCOPE_RULES: dict[str, ScopeRule] = {
    "view": ScopeRule(
        roles=frozenset({Role.DEPARTMENT_REPORTER}),
        oversight=frozenset({Role.CREDIT_OFFICE_REVIEWER}),
        superusers=False,
        inactive_departments=True,
    ),
}


def is_reviewer(user: Any) -> bool:
    return bool(departments_with_role(user, Role.CREDIT_OFFICE_REVIEWER))


def owns(user: Any, department_id: int) -> bool:
    return any(d.pk == department_id for d in departments_with_role(user, Role.DEPARTMENT_REPORTER))


def filing_departments(user: Any) -> list[Department]:
    found: dict[int, Department] = {}
    for role in FILING_ROLES:
        for d in departments_with_role(user, role):
            found.setdefault(d.pk, d)
    return list(found.values())


def restrict(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The rows of ``queryset`` (objections or applications, with a ``department`` field)
    ``user`` may see: all for a credit-office reviewer, its departments' for a reporter."""
    return permissions.restrict(queryset, user, "view", rules=SCOPE_RULES, field="department")


def deny(zh: str, en: str, **details: Any) -> PermissionDenied:
    return PermissionDenied(message_zh=zh, message_en=en, **details)


def check_owner(user: Any, department: Department, what_zh: str, what_en: str) -> None:
    if not owns(user, department.pk):
        raise deny(
            f"只有{department.name}的部门报送员可以{what_zh}（谁决定、谁负责）。",
            f"only a department reporter of {department.code} may {what_en}.",
            department=department.code,
        )


def check_reviewer(user: Any, what_zh: str, what_en: str) -> None:
    if not is_reviewer(user):
        raise deny(
            f"只有信用办审核员可以{what_zh}。",
            f"only a credit office reviewer may {what_en}.",
        )
