"""Who may fire which transition of the listing procedure.

Why this exists: the procedure table (``xinyong.lists.procedure``) says which *actor* may fire
each transition; this module says which actors a user is for a case, from the roles held in
departments (through ``xinyong.core.permissions`` only):

- *initiator*: holds the department-reporter role in the case's initiating department (the
  认定部门: "谁决定、谁负责", seed 004 二(三)2); for a new case, in a department whose kind
  may initiate the list type;
- *credit office*: holds the credit-office-reviewer role (in any department);
- *system*: no user (the periodic job).

Platform administrators and superusers may look at every case but fire nothing: a listing is
a decision of the initiating department, not of the platform's operators.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from xinyong.core.choices import Role
from xinyong.core.models import Department
from xinyong.core.permissions import departments_with_role, is_staff_user
from xinyong.errors import PermissionDenied
from xinyong.lists.models import ListingCase, ListType
from xinyong.lists.procedure import Actor, Transition


def actors_for(user: Any, case: ListingCase) -> set[Actor]:
    """The actors ``user`` is for ``case`` (``None`` is the system)."""
    if user is None:
        return {Actor.SYSTEM}
    if not is_staff_user(user):
        return set()
    actors: set[Actor] = set()
    if any(
        d.pk == case.initiating_department_id
        for d in departments_with_role(user, Role.DEPARTMENT_REPORTER)
    ):
        actors.add(Actor.INITIATOR)
    if departments_with_role(user, Role.CREDIT_OFFICE_REVIEWER):
        actors.add(Actor.CREDIT_OFFICE)
    return actors


def may_fire(user: Any, case: ListingCase, t: Transition) -> bool:
    return bool(actors_for(user, case) & t.actors)


def check_may_fire(user: Any, case: ListingCase, t: Transition) -> None:
    """``PERMISSION_DENIED`` unless ``user`` is one of the transition's actors for ``case``."""
    if may_fire(user, case, t):
        return
    with translation.override("zh-hans"):
        who_zh = "、".join(str(a.label) for a in sorted(t.actors))
    with translation.override("en"):
        who_en = ", ".join(str(a.label) for a in sorted(t.actors))
    raise PermissionDenied(
        message_zh=f"只有{who_zh}可以执行 {t.action}（{t.zh}）。",
        message_en=f"only {who_en} may {t.action} ({t.en}).",
        action=t.action,
        actors=sorted(a.value for a in t.actors),
    )


def initiating_departments(
    user: Any, list_type: ListType, *, reporting: list[Department] | None = None
) -> list[Department]:
    """Departments in which ``user`` may open a case of ``list_type``: reporter role held in
    a department whose kind the list type names as initiating. ``reporting`` (the user's
    reporter departments, from :func:`departments_with_role`) saves the query when the
    caller asks about several list types."""
    if reporting is None:
        reporting = departments_with_role(user, Role.DEPARTMENT_REPORTER)
    return [d for d in reporting if d.kind in list_type.initiating_department_kinds and d.active]


def initiable_list_types(user: Any, list_types: list[ListType]) -> dict[str, list[Department]]:
    """For each list type ``user`` may initiate: the departments they may initiate it in (one
    query)."""
    reporting = departments_with_role(user, Role.DEPARTMENT_REPORTER)
    result = {}
    for t in list_types:
        departments = initiating_departments(user, t, reporting=reporting)
        if departments:
            result[t.code] = departments
    return result


def check_may_initiate(user: Any, department: Department, list_type: ListType) -> None:
    if any(d.pk == department.pk for d in initiating_departments(user, list_type)):
        return
    kinds = ", ".join(list_type.initiating_department_kinds)
    raise PermissionDenied(
        message_zh=(
            f"{department.name} 不能发起“{list_type.name_zh}”的认定：需要在发起部门（类型："
            f"{kinds}）持有“部门报送员”角色。"
        ),
        message_en=(
            f"{department.code} cannot initiate {list_type.code}: the department-reporter role "
            f"in an initiating department (kinds: {kinds}) is needed."
        ),
        list_type=list_type.code,
        department=department.code,
    )
