"""The apps' row-level rules as data on ``core.permissions.restrict`` (docs/security.md
"Row-level scope"): the two switches the records, lists and repair rules need
(``superusers``, ``inactive_departments``), proven on the rules themselves."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from xinyong.core.actions import do_create_user, do_grant_role, do_update_department
from xinyong.core.choices import Role
from xinyong.core.models import Department, User
from xinyong.core.permissions import ScopeRule, department_scope
from xinyong.lists.querysets import CASE_SCOPE_RULES
from xinyong.records.permissions import SCOPE_RULES as RECORD_RULES
from xinyong.records.permissions import department_ids
from xinyong.repair.permissions import SCOPE_RULES as REPAIR_RULES

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return do_create_user(
        username="root", password="root-pass-9", is_superuser=True, acting_user=None
    )


def test_superusers_reach_everything_only_where_the_rule_says_so(
    root: User, make_department: Callable[..., Department], make_user: Callable[..., User]
) -> None:
    assert department_scope(root, ScopeRule()) is None
    assert department_scope(root, ScopeRule(superusers=False)) == set()
    # Records: a superuser sees every department's batches but reports for none.
    assert department_ids(root, "view") is None
    assert department_ids(root, "report") == set()
    # Repair: a superuser decides nothing and sees no objection without a role.
    assert department_scope(root, REPAIR_RULES["view"]) == set()
    # Lists: a superuser sees every case (read only).
    assert department_scope(root, CASE_SCOPE_RULES["view"]) is None
    bureau = make_department()
    do_grant_role(root, bureau, Role.DEPARTMENT_REPORTER, acting_user=None)
    assert department_ids(root, "report") == {bureau.pk}
    assert department_scope(root, REPAIR_RULES["view"]) == {bureau.pk}


def test_inactive_departments_count_only_where_the_rule_says_so(
    make_department: Callable[..., Department], make_user: Callable[..., User]
) -> None:
    old = make_department("已撤并局")
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=old)
    reviewer = make_user(Role.CREDIT_OFFICE_REVIEWER, department=old)
    do_update_department(old, active=False, acting_user=None)
    # Records: only active departments' roles count.
    assert department_ids(reporter, "view") == set()
    assert department_ids(reporter, "report") == set()
    assert department_scope(reviewer, RECORD_RULES["view"]) == set()
    # Lists and repair: the deactivated department's staff still see its files, and a
    # reviewer's role held there still oversees.
    assert department_scope(reporter, CASE_SCOPE_RULES["view"]) == {old.pk}
    assert department_scope(reporter, REPAIR_RULES["view"]) == {old.pk}
    assert department_scope(reviewer, CASE_SCOPE_RULES["view"]) is None
    assert department_scope(reviewer, REPAIR_RULES["view"]) is None


def test_unknown_actions_raise(make_user: Callable[..., User]) -> None:
    from xinyong.lists.models import ListingCase

    with pytest.raises(ValueError, match="unknown action"):
        ListingCase.objects.restrict(make_user(Role.AUDITOR), "edit")
