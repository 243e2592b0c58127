"""Record detail reads and rejected rows are registered in the query register
(docs/decisions/0056-record-detail-reads.md): who, department, purpose, basis, subject and
fields, in the transaction of the answer; a refused read writes nothing; auditors find the rows
and the subject sees them in "who checked me".

The market bureau reports, on one company, a penalty (CF, public and published), an
administrative coercion (QZ, shared with all departments) and a payment (JF, not disclosed),
and a penalty on a natural person (CF, public)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.portal.selfservice_queries import who_checked_me
from xinyong.records.actions import check_item_for_department, do_receive_batch
from xinyong.records.choices import Channel
from xinyong.records.engine import run_batch
from xinyong.records.models import Batch, Record
from xinyong.records.queries import OWN_RECORDS_PURPOSE, OWN_RECORDS_REFERENCE
from xinyong.records.sources import JsonRows
from xinyong.records.tests.conftest import NOW
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.matrix import decision_row, report
from xinyong.security.actions import do_create_api_token
from xinyong.security.actions.consent import do_record_consent
from xinyong.security.actions.register import verify_register
from xinyong.security.models import AccessRecord
from xinyong.security.queries import RegisterQuery, search_register

NAME = "杭州登记示例有限公司"


@dataclass
class World:
    bureau: Department
    office: Department  # credit office
    other: Department  # another sector authority
    company: Subject
    person: Subject
    records: dict[str, Record]  # CF, QZ, JF of the company; PERSON: CF of the person
    reporter: User


@pytest.fixture
def world(
    frozen_now: Callable[..., None],
    department: Department,
    reporter: User,
    make_department: Callable[..., Department],
) -> World:
    # The same instant, in UTC as the real clock gives it (the register's digests are
    # computed before the row goes to the database and back).
    frozen_now(NOW.astimezone(UTC))
    office = make_department("杭州市信用办", kind=DepartmentKind.CREDIT_OFFICE)
    other = make_department("杭州市税务局")
    code = uscc_for()
    decided = NOW.date() - timedelta(days=3)
    report(
        department,
        "CF",
        [
            penalty_row(1, department.code, uscc=code, decided=decided, CF_XDR_MC=NAME),
            penalty_row(2, department.code, decided=decided, person=True),
        ],
        reporter,
    )
    for item in ("QZ", "JF"):
        report(
            department, item, [decision_row(item, 1, department, uscc=code, name=NAME)], reporter
        )
    company = Subject.objects.get(uscc=code)
    records: dict[str, Record] = {r.item_code: r for r in Record.objects.filter(subject=company)}
    records["PERSON"] = Record.objects.exclude(subject=company).get(item_code="CF")
    assert set(records) == {"CF", "QZ", "JF", "PERSON"}
    assert records["CF"].is_published  # public, published: no register row
    return World(department, office, other, company, records["PERSON"].subject, records, reporter)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def added(before: int) -> list[AccessRecord]:
    return list(AccessRecord.objects.order_by("pk")[before:])


def url(record: Record) -> str:
    return f"/api/v1/records/{record.pk}"


# --------------------------------------------------------------------------------------------
# The API's record detail
# --------------------------------------------------------------------------------------------


def test_the_department_reads_its_own_records_registered_for_its_own_work(
    world: World, reporter_client: Client
) -> None:
    before = AccessRecord.objects.count()
    response = reporter_client.get(url(world.records["QZ"]))
    assert response.status_code == 200
    [row] = added(before)
    record = world.records["QZ"]
    assert (row.actor_kind, row.actor_label) == ("user", "reporter")
    assert row.department_code == world.bureau.code
    assert (row.purpose, row.legal_basis, row.basis_reference) == (
        OWN_RECORDS_PURPOSE,
        "statutory_duty",
        OWN_RECORDS_REFERENCE,
    )
    assert (row.subject_id, row.subject_name, row.subject_code) == (
        world.company.pk,
        NAME,
        world.company.uscc,
    )
    assert (row.object_type, row.object_id, row.fields) == (
        "records.record",
        str(record.pk),
        ["QZ"],
    )
    assert row.audit_seq is not None and verify_register([row]) == []
    # Not disclosed and a natural person's record: registered too; a published public
    # record of a company is what the portal shows anyone: not registered.
    for key in ("JF", "PERSON"):
        before = AccessRecord.objects.count()
        assert reporter_client.get(url(world.records[key])).status_code == 200
        assert [r.object_id for r in added(before)] == [str(world.records[key].pk)]
    before = AccessRecord.objects.count()
    assert reporter_client.get(url(world.records["CF"])).status_code == 200
    assert added(before) == []


def test_a_department_system_reads_with_its_token(world: World, client: Client) -> None:
    token = do_create_api_token(
        name="市场监管系统",
        department=world.bureau,
        scopes=["report"],
        days=30,
        acting_user=None,
        actor_label="test",
    )
    before = AccessRecord.objects.count()
    response = client.get(
        url(world.records["JF"]), headers={"Authorization": f"Bearer {token.value}"}
    )
    assert response.status_code == 200
    [row] = added(before)
    assert row.actor_kind == "token" and row.token_id is not None
    assert row.department_code == world.bureau.code and row.purpose == OWN_RECORDS_PURPOSE


def test_oversight_states_its_purpose_or_is_refused_without_trace(
    world: World, make_user: Callable[..., User]
) -> None:
    reviewer = client_of(
        make_user(Role.CREDIT_OFFICE_REVIEWER, department=world.office, username="信用办审核员")
    )
    target = url(world.records["JF"])
    before = AccessRecord.objects.count()
    for params, status, code in [
        ({}, 422, "ACCESS_PURPOSE_REQUIRED"),
        ({"purpose": "   "}, 422, "ACCESS_PURPOSE_REQUIRED"),
        ({"purpose": "异议核查", "basis": "audit"}, 403, "ACCESS_BASIS_MISSING"),  # no auditor
        ({"purpose": "异议核查", "basis": "subject_request"}, 403, "ACCESS_BASIS_MISSING"),
        ({"purpose": "异议核查", "basis": "consent", "reference": "SQ-NONE"}, 403, None),
    ]:
        response = reviewer.get(target, params)
        assert response.status_code == status, (params, response.content)
        assert code is None or response.json()["code"] == code
        assert world.records["JF"].decision_number not in response.content.decode()
    assert added(before) == []
    # A public, published record needs no purpose and is not registered.
    assert reviewer.get(url(world.records["CF"])).status_code == 200
    assert added(before) == []
    response = reviewer.get(target, {"purpose": "异议核查", "reference": "《条例》第十条"})
    assert response.status_code == 200
    [row] = added(before)
    assert (row.actor_label, row.department_code) == ("信用办审核员", world.office.code)
    assert (row.purpose, row.legal_basis, row.basis_reference) == (
        "异议核查",
        "statutory_duty",
        "《条例》第十条",
    )
    assert row.fields == ["JF"] and row.subject_id == world.company.pk


def test_auditors_read_on_audit_and_consent_is_checked(
    world: World, make_user: Callable[..., User]
) -> None:
    auditor = client_of(make_user(Role.AUDITOR, department=world.office, username="审计员"))
    before = AccessRecord.objects.count()
    response = auditor.get(url(world.records["QZ"]), {"purpose": "年度审计", "basis": "audit"})
    assert response.status_code == 200
    [row] = added(before)
    assert (row.legal_basis, row.purpose) == ("audit", "年度审计")
    # A consent of the person, for the credit office, covering the item: read on consent.
    do_record_consent(
        world.person,
        department=world.office,
        reference="SQ-2025-009",
        purpose="信用核查",
        scope=["CF"],
        valid_from=NOW.date() - timedelta(days=1),
        valid_until=NOW.date() + timedelta(days=30),
        acting_user=None,
        actor_label="test",
    )
    reviewer = client_of(make_user(Role.CREDIT_OFFICE_REVIEWER, department=world.office))
    params = {"purpose": "信用核查", "basis": "consent", "reference": "SQ-2025-009"}
    before = AccessRecord.objects.count()
    got = reviewer.get(url(world.records["PERSON"]), params)
    assert got.status_code == 200, got.content.decode()
    [row] = added(before)
    assert (row.legal_basis, row.basis_reference, row.subject_id) == (
        "consent",
        "SQ-2025-009",
        world.person.pk,
    )
    # The consent is the person's: it does not cover the company's records.
    refused = reviewer.get(url(world.records["QZ"]), params)
    assert (refused.status_code, refused.json()["code"]) == (403, "ACCESS_BASIS_MISSING")
    assert AccessRecord.objects.count() == before + 1


def test_other_departments_get_not_found_and_leave_no_trace(
    world: World, make_user: Callable[..., User]
) -> None:
    stranger = client_of(make_user(Role.DEPARTMENT_REPORTER, department=world.other))
    before = AccessRecord.objects.count()
    for key in ("QZ", "JF", "PERSON"):
        response = stranger.get(url(world.records[key]), {"purpose": "好奇"})
        assert (response.status_code, response.json()["code"]) == (404, "RECORD_NOT_FOUND")
    assert Client().get(url(world.records["JF"])).status_code == 401
    assert added(before) == []


def test_a_withdrawal_answer_is_a_registered_read(world: World, reporter_client: Client) -> None:
    record = world.records["CF"]
    before = AccessRecord.objects.count()
    response = reporter_client.post(
        f"{url(record)}/withdraw",
        {"reason": "处罚决定被撤销", "decision_changed_on": NOW.date().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    [row] = added(before)  # withdrawn: no longer public
    assert (row.object_id, row.purpose) == (str(record.pk), OWN_RECORDS_PURPOSE)


# --------------------------------------------------------------------------------------------
# Auditors find the reads; the subject sees them
# --------------------------------------------------------------------------------------------


def test_auditors_find_record_reads_and_the_subject_sees_them(
    world: World, reporter_client: Client, make_user: Callable[..., User]
) -> None:
    reviewer = client_of(make_user(Role.CREDIT_OFFICE_REVIEWER, department=world.office))
    assert reporter_client.get(url(world.records["QZ"])).status_code == 200
    assert reviewer.get(url(world.records["JF"]), {"purpose": "异议核查"}).status_code == 200
    auditor = make_user(Role.AUDITOR, department=world.office)
    found = search_register(auditor, RegisterQuery(subject=world.company.uscc or ""))
    reads = {(r.object_id, r.purpose) for r in found if r.object_type == "records.record"}
    assert reads == {
        (str(world.records["QZ"].pk), OWN_RECORDS_PURPOSE),
        (str(world.records["JF"].pk), "异议核查"),
    }
    entries = who_checked_me(world.company)
    assert sorted((e.kind, e.purpose, e.department_code) for e in entries) == sorted(
        [
            ("record", OWN_RECORDS_PURPOSE, world.bureau.code),
            ("record", "异议核查", world.office.code),
        ]
    )


# --------------------------------------------------------------------------------------------
# The console's record page
# --------------------------------------------------------------------------------------------


def page(record: Record) -> str:
    return f"/console/records/{record.pk}/"


def test_the_console_record_page_registers_its_read(
    world: World, reporter_client: Client, make_user: Callable[..., User]
) -> None:
    record = world.records["JF"]
    before = AccessRecord.objects.count()
    response = reporter_client.get(page(record))
    assert response.status_code == 200
    assert record.decision_number in response.content.decode()
    [row] = added(before)
    assert (row.object_id, row.purpose, row.department_code) == (
        str(record.pk),
        OWN_RECORDS_PURPOSE,
        world.bureau.code,
    )
    # Oversight: a purpose form first (nothing of the record shown, nothing registered).
    reviewer = client_of(make_user(Role.CREDIT_OFFICE_REVIEWER, department=world.office))
    before = AccessRecord.objects.count()
    asked = reviewer.get(page(record))
    text = asked.content.decode()
    assert asked.status_code == 200 and 'name="purpose"' in text
    assert record.decision_number not in text and NAME not in text
    refused = reviewer.get(page(record), {"purpose": "抽查", "basis": "audit"})
    assert refused.status_code == 403 and record.decision_number not in refused.content.decode()
    assert added(before) == []
    shown = reviewer.get(page(record), {"purpose": "抽查", "basis": "statutory_duty"})
    assert shown.status_code == 200 and record.decision_number in shown.content.decode()
    [row] = added(before)
    assert (row.purpose, row.department_code, row.subject_id) == (
        "抽查",
        world.office.code,
        world.company.pk,
    )
    # A public, published record: shown to oversight without a purpose, not registered.
    assert reviewer.get(page(world.records["CF"])).status_code == 200
    assert added(before) == [row]


# --------------------------------------------------------------------------------------------
# Rejected rows: the rows page with values, and the spreadsheet
# --------------------------------------------------------------------------------------------


@pytest.fixture
def rejected_batch(world: World) -> Batch:
    item = check_item_for_department("CF", world.bureau, on=timezone.localdate())
    received = do_receive_batch(
        department=world.bureau,
        item=item,
        channel=Channel.API,
        acting_user=world.reporter,
        rows_total=2,
    )
    good = penalty_row(7, world.bureau.code, decided=NOW.date() - timedelta(days=2))
    bad = penalty_row(8, world.bureau.code, person=True, CF_JDRQ="not a date")
    batch = run_batch(
        received.batch,
        JsonRows([good, bad], item),
        item=item,
        acting_user=world.reporter,
        workers=0,
    )
    assert batch.rejected == 1
    return batch


def test_rejected_rows_shown_with_their_values_are_registered(
    world: World, rejected_batch: Batch, reporter_client: Client, make_user: Callable[..., User]
) -> None:
    base = f"/api/v1/records/batches/{rejected_batch.pk}"
    before = AccessRecord.objects.count()
    response = reporter_client.get(f"{base}/rows")
    assert response.status_code == 200
    [row] = added(before)
    assert (row.object_type, row.object_id, row.fields) == (
        "records.batch",
        str(rejected_batch.pk),
        ["CF"],
    )
    assert row.query == {"rows": [2], "outcome": "", "page": 1}
    assert row.subject_id is None and row.purpose == OWN_RECORDS_PURPOSE
    # A page without values (the accepted rows) is not registered.
    before = AccessRecord.objects.count()
    assert reporter_client.get(f"{base}/rows", {"outcome": "accepted"}).status_code == 200
    assert added(before) == []
    # The spreadsheet gives the reporter the numbers back in clear: registered as such.
    download = reporter_client.get(f"{base}/rejected.xlsx")
    assert download.status_code == 200
    b"".join(download.streaming_content)  # type: ignore[attr-defined]
    [row] = added(before)
    assert row.fields == ["CF", "id_number"]
    assert row.query == {"rows": "rejected", "count": 1, "unmasked": True}
    # Oversight states a purpose, on the API and in the console.
    reviewer = client_of(make_user(Role.CREDIT_OFFICE_REVIEWER, department=world.office))
    before = AccessRecord.objects.count()
    refused = reviewer.get(f"{base}/rows")
    assert (refused.status_code, refused.json()["code"]) == (422, "ACCESS_PURPOSE_REQUIRED")
    assert reviewer.get(f"{base}/rejected.xlsx").status_code == 422
    console = f"/console/records/batches/{rejected_batch.pk}/rejected.xlsx"
    asked = reviewer.get(console)
    assert asked.status_code == 200 and 'name="purpose"' in asked.content.decode()
    assert added(before) == []
    got = reviewer.get(console, {"purpose": "报送质量检查"})
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd")
    [row] = added(before)
    assert (row.purpose, row.fields, row.department_code) == (
        "报送质量检查",
        ["CF"],  # masked for anyone but the department's reporters
        world.office.code,
    )
