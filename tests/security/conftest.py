"""The fixture world of the cross-cutting security tests, built once per module through the
real channels and actions (STYLE.md §13), and rolled back at the end of the module.

Department A (a sector authority) owns everything: a penalty record on a company and one on
a natural person (reported through the records API), their batch, a wage-arrears listing
case with its prior notice (a PDF), an API token and a query-register entry. Department B
(another sector authority) and a credit office own nothing. ``world.secrets`` are strings
that no denied response may contain (names, codes, ID numbers of the subjects).

Factories of other apps (``params`` in ``xinyong.security.matrix``) receive this ``World``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from xinyong.audit.models import AuditEvent
from xinyong.core.actions import do_create_department, do_create_user
from xinyong.core.choices import DepartmentKind, Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.lists import actions as list_actions
from xinyong.lists.models import ListingCase, ListingDocument
from xinyong.policy.loader import load_policy_paths
from xinyong.records.models import Batch, Record
from xinyong.records.tests.factories import penalty_row
from xinyong.security.actions import do_create_api_token, record_access
from xinyong.security.choices import LegalBasis, TokenScope
from xinyong.security.models import ApiToken

_names = itertools.count(1)


@dataclass
class World:
    department_a: Department
    department_b: Department
    credit_office: Department
    company: Subject
    person: Subject
    person_id_number: str
    batch: Batch
    record: Record
    person_record: Record
    listing_case: ListingCase
    listing_document: ListingDocument
    token: ApiToken
    #: Token values: department A with every scope (``a_all``), A with only ``check``
    #: (``a_check``) or only ``report`` (``a_report``), B with every scope (``b_all``).
    token_values: dict[str, str]
    auditevent: AuditEvent
    secrets: list[str] = field(default_factory=list)

    def make_user(
        self, department: Department | None, roles: tuple[str, ...], *, superuser: bool = False
    ) -> User:
        return do_create_user(
            username=f"matrix{next(_names)}",
            password="matrix-pass-9",
            department=department if roles else None,
            roles=roles,
            is_superuser=superuser,
            acting_user=None,
            actor_label="test",
        )


def _department(name: str, kind: str = DepartmentKind.SECTOR_AUTHORITY) -> Department:
    return do_create_department(
        name=name,
        code=uscc_for("1", "1", "330100"),
        division="330100",
        kind=kind,
        acting_user=None,
        actor_label="test",
    )


def build_world() -> World:
    outcomes = load_policy_paths(actor_label="test:security-world")
    assert all(o.status == "loaded" for o in outcomes), [o.line() for o in outcomes]
    a = _department("矩阵测试甲局")
    b = _department("矩阵测试乙局")
    office = _department("矩阵测试信用办", kind=DepartmentKind.CREDIT_OFFICE)
    reporter = do_create_user(
        username="matrix-reporter-a",
        password="matrix-pass-9",
        department=a,
        roles=[Role.DEPARTMENT_REPORTER],
        acting_user=None,
        actor_label="test",
    )
    reviewer = do_create_user(
        username="matrix-reviewer",
        password="matrix-pass-9",
        department=office,
        roles=[Role.CREDIT_OFFICE_REVIEWER],
        acting_user=None,
        actor_label="test",
    )
    decided = timezone.localdate() - timedelta(days=2)
    company_uscc = uscc_for()
    person_id = resident_id_for()
    rows = [
        penalty_row(
            1, a.code, uscc=company_uscc, decided=decided, CF_XDR_MC="矩阵泄漏检查有限公司"
        ),
        penalty_row(
            2, a.code, decided=decided, person=True, CF_XDR_MC="矩阵泄露张", CF_XDR_ZJHM=person_id
        ),
    ]
    client = Client()
    client.force_login(reporter)
    response = client.post(
        "/api/v1/records/batches",
        {"item": "CF", "department": a.code, "rows": rows},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    batch = Batch.objects.get(department=a)
    records = list(Record.objects.filter(batch=batch).select_related("subject").order_by("pk"))
    assert len(records) == 2, [r.status for r in records]
    company = Subject.objects.get(uscc=company_uscc)
    person = next(r.subject for r in records if r.subject.kind == SubjectKind.NATURAL_PERSON)
    case = list_actions.do_create_listing_case(
        list_type_code="wage-arrears",
        subject=company,
        department=a,
        basis_document_type="order_to_pay",
        basis_document_number="矩阵人社监令〔2026〕12号",
        basis_document_date=date(2026, 1, 5),
        basis_document_issuer="矩阵测试甲局",
        facts="拖欠农民工工资 86 万元，经责令限期支付逾期仍未支付。",
        acting_user=reporter,
        today=date(2026, 3, 2),
    )
    case = list_actions.do_issue_prior_notice(
        case, notice_date=date(2026, 3, 2), acting_user=reporter, today=date(2026, 3, 2)
    )
    document = ListingDocument.objects.filter(case=case).first()
    assert document is not None
    issued = {
        "a_all": do_create_api_token(
            name="矩阵甲系统",
            department=a,
            scopes=list(TokenScope.values),
            days=30,
            acting_user=None,
            actor_label="test",
        ),
        "a_check": do_create_api_token(
            name="矩阵甲核查",
            department=a,
            scopes=["check"],
            days=30,
            acting_user=None,
            actor_label="test",
        ),
        "a_report": do_create_api_token(
            name="矩阵甲报送",
            department=a,
            scopes=["report"],
            days=30,
            acting_user=None,
            actor_label="test",
        ),
        "b_all": do_create_api_token(
            name="矩阵乙系统",
            department=b,
            scopes=list(TokenScope.values),
            days=30,
            acting_user=None,
            actor_label="test",
        ),
    }
    with transaction.atomic():
        record_access(
            actor=reviewer,
            purpose="矩阵测试：核查自然人处罚",
            legal_basis=LegalBasis.STATUTORY_DUTY,
            subject=person,
            department=a,
            fields=["penalties"],
        )
    return World(
        department_a=a,
        department_b=b,
        credit_office=office,
        company=company,
        person=person,
        person_id_number=person_id,
        batch=batch,
        record=records[0],
        person_record=records[1],
        listing_case=ListingCase.objects.get(pk=case.pk),
        listing_document=document,
        token=issued["a_all"].token,
        token_values={k: v.value for k, v in issued.items()},
        auditevent=AuditEvent.objects.order_by("-seq").first(),  # type: ignore[arg-type]
        secrets=[
            "矩阵泄漏检查有限公司",
            company_uscc,
            "矩阵泄露张",
            person_id,
            "矩阵人社监令",
            "矩阵测试：核查自然人处罚",
        ],
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per module inside a transaction rolled back after the module;
    each test runs in its own savepoint inside it (pytest-django's ``db``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Files that test factories write (repair materials, uploads) go to a temporary
    ``VAR_DIR``, not to the checkout's ``var/``."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
