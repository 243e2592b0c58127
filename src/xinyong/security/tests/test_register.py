"""The query register: written with its audit event in the transaction of the read, covered
by the chain, searched and exported by auditors; ID numbers unmasked only through it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinyong.audit.context import request_context
from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.core.choices import Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.errors import PermissionDenied
from xinyong.security.actions import register
from xinyong.security.actions.register import (
    do_unmask_subject_id,
    record_access,
    verify_register,
)
from xinyong.security.actions.tokens import IssuedToken, authenticate_token
from xinyong.security.choices import LegalBasis
from xinyong.security.errors import NoIdNumber, PurposeRequired
from xinyong.security.exports import csv_cell, export_register
from xinyong.security.models import AccessRecord
from xinyong.security.principals import Principal
from xinyong.security.queries import RegisterQuery, search_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker(make_user: Callable[..., User], bureau: Department) -> User:
    return make_user(Role.DEPARTMENT_CHECKER, department=bureau, username="zhangsan")


@pytest.fixture
def company(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("杭州明远科技有限公司")


def read(
    actor: User | Principal, subject: Subject, purpose: str = "办理行政许可前核查"
) -> AccessRecord:
    with transaction.atomic():
        return record_access(
            actor=actor,
            purpose=purpose,
            legal_basis=LegalBasis.STATUTORY_DUTY,
            basis_reference="《行政许可法》第三十一条",
            subject=subject,
            fields=["penalties", "lists"],
        )


def test_an_access_writes_a_record_and_its_chained_event(
    checker: User, company: Subject, bureau: Department
) -> None:
    with request_context("req-0000000001"):
        record = read(checker, company)
    assert record.actor_label == "zhangsan" and record.actor_user_id == checker.pk
    assert record.department_code == bureau.code and record.department_name == bureau.name
    assert record.subject_id == company.pk and record.subject_name == "杭州明远科技有限公司"
    assert record.subject_code == company.uscc
    assert record.fields == ["lists", "penalties"]
    assert record.request_id == "req-0000000001"
    assert record.audit_seq is not None  # a row of the audit chain, not a register chain
    event = AuditEvent.objects.get(seq=record.audit_seq)
    assert event.event_type == EventType.QUERY_REGISTERED
    assert (event.object_type, event.object_id) == ("core.subject", str(company.pk))
    assert event.subject_id == company.pk and event.actor_id == checker.pk
    assert (event.after or {})["purpose"] == "办理行政许可前核查"
    assert verify_chain().ok
    assert verify_register() == []


def test_a_rolled_back_read_leaves_neither_record_nor_event(
    checker: User, company: Subject
) -> None:
    records, events = AccessRecord.objects.count(), AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="the read failed"), transaction.atomic():
        record_access(
            actor=checker,
            purpose="核查",
            legal_basis=LegalBasis.STATUTORY_DUTY,
            subject=company,
        )
        raise RuntimeError("the read failed after registering")
    assert AccessRecord.objects.count() == records
    assert AuditEvent.objects.count() == events
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_registering_outside_a_transaction_is_refused(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_access(actor=None, purpose="x", legal_basis=LegalBasis.AUDIT, subject=subject)
    assert AccessRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("purpose", "basis", "reference", "code"),
    [
        ("", LegalBasis.STATUTORY_DUTY, "", "ACCESS_PURPOSE_REQUIRED"),
        ("   ", LegalBasis.STATUTORY_DUTY, "", "ACCESS_PURPOSE_REQUIRED"),
        ("核查", "curiosity", "", "ACCESS_BASIS_UNKNOWN"),
        ("核查", LegalBasis.CONSENT, "", "CONSENT_REFERENCE_REQUIRED"),
    ],
)
def test_an_access_needs_a_purpose_and_a_basis(
    checker: User, company: Subject, purpose: str, basis: str, reference: str, code: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(PurposeRequired) as exc, transaction.atomic():
        record_access(
            actor=checker,
            purpose=purpose,
            legal_basis=basis,
            basis_reference=reference,
            subject=company,
        )
    assert exc.value.code == code
    assert AccessRecord.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_token_access_names_the_token_and_its_department(
    issue_token: Callable[..., IssuedToken], company: Subject, bureau: Department
) -> None:
    issued = issue_token("read_shared")
    principal = Principal.for_token(authenticate_token(issued.value))
    record = read(principal, company)
    assert record.actor_kind == "token" and record.token_id == issued.token.pk
    assert record.actor_label == f"token xy_{issued.token.prefix}_… 许可系统"
    assert record.department_code == bureau.code and record.actor_user_id is None
    assert record.audit_seq is not None  # a row of the audit chain, not a register chain
    event = AuditEvent.objects.get(seq=record.audit_seq)
    assert event.actor_id is None and event.actor_label == record.actor_label


def test_verify_register_finds_changed_and_deleted_rows(checker: User, company: Subject) -> None:
    first = read(checker, company)
    second = read(checker, company, "复核")
    assert verify_register() == []
    # queryset updates and deletes bypass the model's append-only guard, as SQL would
    AccessRecord.objects.filter(pk=first.pk).update(purpose="另有目的")
    AccessRecord.objects.filter(pk=second.pk).delete()
    problems = verify_register()
    assert f"access record {first.pk} differs from audit event {first.audit_seq}" in problems
    assert f"audit event {second.audit_seq} registers an access whose record is gone" in problems


def test_a_read_at_a_local_time_verifies(
    checker: User, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest takes the time in UTC, as the database gives it back: a read registered
    with a Shanghai-time "now" verifies like any other."""
    shanghai = timezone.get_fixed_timezone(480)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 23, 9, 30, tzinfo=shanghai))
    row = read(checker, company)
    assert row.accessed_at.utcoffset() == timedelta(hours=8)
    assert verify_register() == []


def test_access_records_are_append_only(checker: User, company: Subject) -> None:
    from xinyong.audit.models import AppendOnlyError

    record = read(checker, company)
    record.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


# -- unmasking ---------------------------------------------------------------------------


@pytest.fixture
def person(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("王小明", kind=SubjectKind.NATURAL_PERSON)


def test_a_reviewer_unmasks_with_a_purpose_and_the_read_is_registered(
    reviewer: User, person: Subject
) -> None:
    number = do_unmask_subject_id(person, purpose="异议核实：确认身份", acting_user=reviewer)
    assert len(number) == 18 and "*" not in number
    assert number[:6] == person.id_number_masked[:6] and number[-4:] == person.id_number_masked[-4:]
    record = AccessRecord.objects.get()
    assert record.fields == ["id_number"] and record.purpose == "异议核实：确认身份"
    assert record.subject_code == person.id_number_masked  # never the number itself
    assert record.audit_seq is not None  # a row of the audit chain, not a register chain
    event = AuditEvent.objects.get(seq=record.audit_seq)
    assert event.event_type == EventType.PERSONAL_ID_UNMASKED
    assert number not in str(event.after)
    assert verify_register() == []


@pytest.mark.parametrize("role", [None, Role.PLATFORM_ADMIN, Role.AUDITOR, Role.DEPARTMENT_CHECKER])
def test_unmasking_is_refused_without_the_reviewer_role(
    make_user: Callable[..., User], person: Subject, role: Role | None
) -> None:
    user = make_user(*([role] if role else []))
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        do_unmask_subject_id(person, purpose="好奇", acting_user=user)
    assert AccessRecord.objects.count() == 0 and AuditEvent.objects.count() == events


def test_unmasking_is_refused_without_a_purpose(reviewer: User, person: Subject) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(PurposeRequired):
        do_unmask_subject_id(person, purpose=" ", acting_user=reviewer)
    assert AccessRecord.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_subject_without_an_id_number_cannot_be_unmasked(
    reviewer: User, company: Subject
) -> None:
    with pytest.raises(NoIdNumber):
        do_unmask_subject_id(company, purpose="核实", acting_user=reviewer)
    assert AccessRecord.objects.count() == 0


# -- search and export -------------------------------------------------------------------


def backdate(record: AccessRecord, when: datetime) -> None:
    """Move a record in time (test set-up only; it breaks the record's digest on purpose)."""
    AccessRecord.objects.filter(pk=record.pk).update(accessed_at=when)


def test_who_looked_at_subject_x_last_month_and_why(
    checker: User,
    reviewer: User,
    company: Subject,
    make_subject: Callable[..., Subject],
    office_auditor: User,
) -> None:
    other = make_subject("另一家公司")
    now = timezone.now()
    old = read(checker, company, "上季度核查")
    backdate(old, now - timedelta(days=100))
    recent = read(checker, company, "招投标资格审查")
    backdate(recent, now - timedelta(days=20))
    by_reviewer = read(reviewer, company, "异议复核")
    read(checker, other, "不相关")
    month = RegisterQuery(
        subject="明远科技",
        date_from=(timezone.localdate() - timedelta(days=31)),
        date_to=timezone.localdate(),
    )
    found = list(search_register(office_auditor, month))
    assert [r.pk for r in found] == [by_reviewer.pk, recent.pk]
    assert [r.purpose for r in found] == ["异议复核", "招投标资格审查"]
    by_code = RegisterQuery(subject=str(company.uscc), user="zhangsan")
    assert [r.pk for r in search_register(office_auditor, by_code)] == [recent.pk, old.pk]


def test_a_renamed_subject_is_found_by_its_current_and_former_name(
    checker: User, company: Subject, office_auditor: User
) -> None:
    from xinyong.core.actions import do_rename_subject

    record = read(checker, company)
    do_rename_subject(
        company,
        "杭州明远智能股份有限公司",
        effective=timezone.localdate(),
        acting_user=None,
        actor_label="test",
    )
    for text in ("明远智能", "明远科技"):
        assert [r.pk for r in search_register(office_auditor, RegisterQuery(subject=text))] == [
            record.pk
        ]


def test_a_person_is_found_by_the_full_id_number(
    checker: User, reviewer: User, person: Subject, office_auditor: User
) -> None:
    number = do_unmask_subject_id(person, purpose="身份核实", acting_user=reviewer)
    found = list(search_register(office_auditor, RegisterQuery(subject=number)))
    assert len(found) == 1 and found[0].subject_id == person.pk


def test_an_auditor_outside_the_credit_office_sees_their_department_only(
    checker: User,
    reviewer: User,
    company: Subject,
    make_user: Callable[..., User],
    bureau: Department,
) -> None:
    mine = read(checker, company)
    read(reviewer, company)  # the credit office's own read
    bureau_auditor = make_user(Role.AUDITOR, department=bureau)
    assert [r.pk for r in search_register(bureau_auditor, RegisterQuery())] == [mine.pk]


def test_the_export_neutralises_formulas_and_is_registered(
    checker: User, company: Subject, office_auditor: User
) -> None:
    read(checker, company, '=HYPERLINK("http://evil.invalid")')
    read(checker, company, "正常核查")
    content, count = export_register(office_auditor, RegisterQuery(subject="明远"))
    assert count == 2 and content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][0] == "查询时间 time"
    purposes = {row[9] for row in rows[1:]}
    assert purposes == {'\'=HYPERLINK("http://evil.invalid")', "正常核查"}
    export = AccessRecord.objects.get(object_id="export")
    assert export.actor_label == office_auditor.username
    assert export.legal_basis == LegalBasis.AUDIT
    assert export.query == {"subject": "明远", "rows": 2}
    assert verify_register() == []
    # A row with an audit event names it; a chained row (a check's) names its chain place.
    assert all(row[13] and not row[14] and not row[15] for row in rows[1:])
    with transaction.atomic():
        chained = register.record_access_chained(
            actor=checker,
            purpose="采购前核查",
            legal_basis=LegalBasis.STATUTORY_DUTY,
            subject=company,
        )
    content, _count = export_register(office_auditor, RegisterQuery(subject="明远"))
    [line] = [r for r in csv.reader(io.StringIO(content.lstrip("\ufeff"))) if "采购前核查" in r]
    assert line[13] == "" and line[14] == f"{chained.chain}:{chained.chain_seq}"
    assert line[15] == chained.row_hash and len(line[15]) == 64


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+86 571", "'+86 571"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("安全", "安全"),
        ("a=b", "a=b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_are_neutralised(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


# -- the console page ------------------------------------------------------------------


def test_the_register_page_is_for_auditors(
    client: Client, checker: User, company: Subject, office_auditor: User
) -> None:
    url = reverse("security:register")
    assert client.get(url).status_code == 302  # anonymous: to the log-in
    client.force_login(checker)
    assert client.get(url).status_code == 403  # staff without the role
    read(checker, company, "信用核查")
    client.force_login(office_auditor)
    response = client.get(url, {"subject": "明远"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "信用核查" in html and "zhangsan" in html and "杭州明远科技有限公司" in html
    assert "<script" not in html and " style=" not in html


def test_the_export_page_downloads_csv_and_registers_it(
    client: Client, checker: User, company: Subject, office_auditor: User
) -> None:
    read(checker, company)
    client.force_login(checker)
    assert client.post(reverse("security:register-export"), {}).status_code == 403
    client.force_login(office_auditor)
    response = client.post(reverse("security:register-export"), {"subject": "明远"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "杭州明远科技有限公司" in response.content.decode("utf-8-sig")
    assert AccessRecord.objects.filter(object_id="export").count() == 1


def test_who_looked_at_subject_x_last_month_and_why_in_one_console_search(
    client: Client,
    checker: User,
    reviewer: User,
    company: Subject,
    person: Subject,
    office_auditor: User,
) -> None:
    """Issue 7 "done when": one search on the auditor's console page — by name or by code,
    with a date range — answers who looked, for which department, when and why; the CSV of
    the same search neutralises formulas; both the search and the export are registered."""
    now = timezone.now()
    backdate(read(checker, company, "上季度核查"), now - timedelta(days=100))
    backdate(read(checker, company, "=HYPERLINK(\"http://evil.invalid\",\"招投标\")"),
             now - timedelta(days=20))  # fmt: skip
    backdate(read(reviewer, company, "@异议复核"), now - timedelta(days=3))
    read(checker, person, "不相关的自然人核查")
    last_month = {
        "date_from": (timezone.localdate() - timedelta(days=31)).isoformat(),
        "date_to": timezone.localdate().isoformat(),
    }
    client.force_login(office_auditor)
    url = reverse("security:register")
    for subject in ("明远科技", str(company.uscc)):
        html = client.get(url, {"subject": subject, **last_month}).content.decode()
        assert "2 records" in html or "2 条" in html, html
        assert "zhangsan" in html and reviewer.username in html  # who
        assert "@异议复核" in html and "HYPERLINK" in html  # why (escaped, not run)
        assert "上季度核查" not in html and "不相关的自然人核查" not in html
        assert "市市场监督管理局" in html  # for which department
    searches = AccessRecord.objects.filter(object_id="search").order_by("pk")
    assert [s.query for s in searches] == [
        {"subject": "明远科技", **last_month, "page": 1, "rows": 2},
        {"subject": str(company.uscc), **last_month, "page": 1, "rows": 2},
    ]
    assert all(s.legal_basis == LegalBasis.AUDIT for s in searches)

    response = client.post(reverse("security:register-export"), {"subject": "明远科技",
                                                                  **last_month})  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row[9] for row in rows[1:]} == {
        '\'=HYPERLINK("http://evil.invalid","招投标")',
        "'@异议复核",
    }
    assert {row[1] for row in rows[1:]} == {"zhangsan", reviewer.username}
    assert AccessRecord.objects.filter(object_id="export").get().query == {
        "subject": "明远科技",
        **last_month,
        "rows": 2,
    }
