"""``core.permissions.restrict``: one row-level scope helper (STYLE.md §7), proven on the
query register (department codes) and on plain department foreign keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Membership, Subject, User
from xinyong.core.permissions import ScopeRule, department_scope, restrict
from xinyong.security.actions import record_access
from xinyong.security.choices import LegalBasis
from xinyong.security.models import AccessRecord
from xinyong.security.principals import Principal
from xinyong.security.queries import register_visible_to

pytestmark = pytest.mark.django_db

VIEW = {
    "view": ScopeRule(roles=frozenset({Role.DEPARTMENT_CHECKER}), token_scopes=frozenset({"check"}))
}


def _register(actor: User, department: Department, subject: Subject) -> AccessRecord:
    with transaction.atomic():
        return record_access(
            actor=actor, purpose="核查", legal_basis=LegalBasis.STATUTORY_DUTY,
            subject=subject, department=department,
        )  # fmt: skip


def test_register_scope_own_department_and_below_or_all_for_the_credit_office(
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    make_subject: Callable[..., Subject],
) -> None:
    city = make_department("市局")
    district = make_department("区分局", parent=city)
    other = make_department("他局")
    office = make_department("信用办", kind=DepartmentKind.CREDIT_OFFICE)
    clerk = make_user(Role.DEPARTMENT_CHECKER, department=district)
    subject = make_subject()
    rows = {d.code: _register(clerk, d, subject) for d in (city, district, other)}
    city_auditor = make_user(Role.AUDITOR, department=city)
    office_auditor = make_user(Role.AUDITOR, department=office)
    district_checker = make_user(Role.DEPARTMENT_CHECKER, department=district)
    assert set(register_visible_to(city_auditor)) == {rows[city.code], rows[district.code]}
    assert set(register_visible_to(office_auditor)) == set(rows.values())
    assert list(register_visible_to(district_checker)) == []


def test_restrict_by_role_token_scope_and_unknown_action(
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    issue_token: Callable[..., object],
) -> None:
    a, b = make_department(), make_department()
    checker = make_user(Role.DEPARTMENT_CHECKER, department=a)
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=a)
    qs = Membership.objects.all()
    assert set(restrict(qs, checker, "view", rules=VIEW, field="department")) == set(
        Membership.objects.filter(department=a)
    )
    assert not restrict(qs, reporter, "view", rules=VIEW, field="department").exists()
    assert not restrict(qs, None, "view", rules=VIEW, field="department").exists()
    token = issue_token("check", department=b).token  # type: ignore[attr-defined]
    assert department_scope(Principal.for_token(token), VIEW["view"]) == {b.pk}
    report_only = issue_token("report", department=b).token  # type: ignore[attr-defined]
    assert department_scope(Principal.for_token(report_only), VIEW["view"]) == set()
    with pytest.raises(ValueError, match="unknown action"):
        restrict(qs, checker, "veiw", rules=VIEW, field="department")
