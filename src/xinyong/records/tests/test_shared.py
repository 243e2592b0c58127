"""Shared reads (``GET /api/v1/records/shared``): each catalog item's sharing scope decides
which department reads which records of a subject; every read is registered with its basis.

The subject (a company) has four records: a penalty (CF, public) and an administrative
coercion (QZ, shared with all departments) of the market bureau, a utility arrears record
(ZJ_GYQF, shared with credit offices and sector authorities only) of the water company, and
an administrative payment (JF, not disclosed) of the market bureau."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.records.actions import do_withdraw_record
from xinyong.records.models import Record
from xinyong.records.tests.conftest import NOW
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.matrix import decision_row, report
from xinyong.security.actions import do_create_api_token
from xinyong.security.actions.consent import do_record_consent, do_revoke_consent
from xinyong.security.models import AccessRecord

URL = "/api/v1/records/shared"
STATUTE = "《中华人民共和国行政强制法》第十八条"
BASIS = {"purpose": "行政许可审查", "basis": "statutory_duty", "reference": STATUTE}


@dataclass
class Shared:
    bureau: Department  # sector authority: reports CF, QZ, JF
    water: Department  # public service: reports ZJ_GYQF
    court: Department
    office: Department  # credit office
    company: Subject
    records: dict[str, Record]
    reporter: User


def arrears_row(department: Department, *, uscc: str, name: str) -> dict[str, Any]:
    return {
        "ZJQF_XDR_MC": name,
        "ZJQF_XDR_LB": "01",
        "ZJQF_XDR_SHXYM": uscc,
        "ZJQF_FRDB": "王五",
        "ZJQF_ZDH": "SF-2025-0001",
        "ZJQF_QFLX": "水费",
        "ZJQF_QFJE": "1.2",
        "ZJQF_QFRQ": "2025-03-01",
        "ZJQF_TGDW": department.name,
    }


@pytest.fixture
def shared(
    frozen_now: Callable[..., None],
    department: Department,
    reporter: User,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> Shared:
    water = make_department("杭州市水务集团", kind=DepartmentKind.PUBLIC_SERVICE)
    court = make_department("杭州市中级人民法院", kind=DepartmentKind.COURT)
    office = make_department("杭州市信用办", kind=DepartmentKind.CREDIT_OFFICE)
    code, name = uscc_for(), "杭州共享示例有限公司"
    decided = NOW.date() - timedelta(days=3)
    report(
        department,
        "CF",
        [penalty_row(1, department.code, uscc=code, decided=decided, CF_XDR_MC=name)],
        reporter,
    )
    for item in ("QZ", "JF"):
        report(
            department, item, [decision_row(item, 1, department, uscc=code, name=name)], reporter
        )
    water_reporter = make_user(Role.DEPARTMENT_REPORTER, department=water)
    report(water, "ZJ_GYQF", [arrears_row(water, uscc=code, name=name)], water_reporter)
    company = Subject.objects.get(uscc=code)
    records = {r.item_code: r for r in Record.objects.filter(subject=company)}
    assert set(records) == {"CF", "QZ", "JF", "ZJ_GYQF"}
    return Shared(department, water, court, office, company, records, reporter)


def reader(make_user: Callable[..., User], department: Department, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role, department=department))
    return client


def read(client: Client, subject: str, **params: str) -> Any:
    return client.get(URL, {"subject": subject, **BASIS, **params})


def items_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(r["item"] for r in response.json()["results"])


def test_a_department_reads_the_items_its_kind_is_in_scope_of(
    shared: Shared, make_department: Callable[..., Department], make_user: Callable[..., User]
) -> None:
    tax = make_department("杭州市税务局")  # another sector authority
    response = read(reader(make_user, tax, Role.DEPARTMENT_CHECKER), shared.company.uscc or "")
    assert items_of(response) == ["CF", "QZ", "ZJ_GYQF"]
    body = response.json()
    assert body["count"] == 3
    assert body["department"]["code"] == tax.code
    assert body["subject"]["name"] == "杭州共享示例有限公司"
    arrears = next(r for r in body["results"] if r["item"] == "ZJ_GYQF")
    assert arrears["disclosure"] == "shared"
    assert arrears["department"]["code"] == shared.water.code
    assert arrears["values"]["ZJQF_QFLX"] == "水费"
    # The credit office is in the scope of ZJ_GYQF too (a reviewer reads for it).
    office = reader(make_user, shared.office, Role.CREDIT_OFFICE_REVIEWER)
    assert items_of(read(office, shared.company.uscc or "")) == ["CF", "QZ", "ZJ_GYQF"]


def test_a_kind_out_of_scope_gets_nothing_of_the_item(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    court = reader(make_user, shared.court, Role.DEPARTMENT_CHECKER)
    response = read(court, shared.company.uscc or "")
    assert items_of(response) == ["CF", "QZ"]
    assert response.json()["count"] == 2
    assert "ZJQF" not in response.content.decode() and "水费" not in response.content.decode()
    # Asking for the item answers as for an item the subject has no record of.
    only = read(court, shared.company.uscc or "", item="ZJ_GYQF")
    none = read(court, shared.company.uscc or "", item="QR")
    assert only.status_code == none.status_code == 200
    assert only.json()["results"] == none.json()["results"] == []
    assert only.json()["count"] == none.json()["count"] == 0
    # The record itself is "not found", like a record that does not exist.
    arrears = shared.records["ZJ_GYQF"].pk
    hidden = court.get(f"{URL}/{arrears}", BASIS)
    missing = court.get(f"{URL}/{arrears + 1000}", BASIS)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "RECORD_NOT_FOUND"
    # The register names only what was read.
    rows = AccessRecord.objects.filter(department_code=shared.court.code)
    assert sorted(f for r in rows for f in r.fields) == ["CF", "QZ"]
    assert str(arrears) not in {r.object_id for r in rows}


def test_items_shared_with_all_departments_reach_every_kind(
    shared: Shared, make_department: Callable[..., Department], make_user: Callable[..., User]
) -> None:
    for kind in (DepartmentKind.COURT, DepartmentKind.PUBLIC_SERVICE, DepartmentKind.OTHER):
        department = make_department(kind=kind)
        client = reader(make_user, department, Role.DEPARTMENT_CHECKER)
        assert "QZ" in items_of(read(client, shared.company.uscc or "", item="QZ"))
        detail = client.get(f"{URL}/{shared.records['QZ'].pk}", BASIS)
        assert detail.status_code == 200 and detail.json()["item_name_zh"] == "行政强制信息"


def test_not_disclosed_items_are_never_shared(
    shared: Shared, make_department: Callable[..., Department], make_user: Callable[..., User]
) -> None:
    # The office and sector authorities are in JF's listed scope: not disclosed wins.
    readers = [
        reader(make_user, shared.office, Role.CREDIT_OFFICE_REVIEWER),
        reader(make_user, make_department("杭州市税务局"), Role.DEPARTMENT_CHECKER),
        reader(make_user, shared.court, Role.DEPARTMENT_CHECKER),
    ]
    payment = shared.records["JF"].pk
    for client in readers:
        assert "JF" not in items_of(read(client, shared.company.uscc or ""))
        assert read(client, shared.company.uscc or "", item="JF").json()["count"] == 0
        assert client.get(f"{URL}/{payment}", BASIS).status_code == 404
    # The reporting department reads its own (and, a sector authority, the arrears).
    own = reader(make_user, shared.bureau, Role.DEPARTMENT_CHECKER)
    assert items_of(read(own, shared.company.uscc or "")) == ["CF", "JF", "QZ", "ZJ_GYQF"]
    assert own.get(f"{URL}/{payment}", BASIS).json()["disclosure"] == "not_disclosed"


def test_withdrawn_records_are_not_shared(shared: Shared, make_user: Callable[..., User]) -> None:
    do_withdraw_record(
        shared.records["QZ"],
        reason="决定被撤销",
        decision_changed_on=NOW.date(),
        acting_user=shared.reporter,
    )
    court = reader(make_user, shared.court, Role.DEPARTMENT_CHECKER)
    assert items_of(read(court, shared.company.uscc or "")) == ["CF"]


def test_each_read_is_registered_with_who_why_and_what(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    checker = make_user(Role.DEPARTMENT_CHECKER, department=shared.court, username="法院核查员")
    client = Client()
    client.force_login(checker)
    before = AccessRecord.objects.count()
    response = read(client, shared.company.uscc or "")
    assert response.status_code == 200
    rows = list(AccessRecord.objects.order_by("pk")[before:])
    assert len(rows) == 2  # one per record read
    by_id = {int(r.object_id): r for r in rows}
    assert set(by_id) == {shared.records["CF"].pk, shared.records["QZ"].pk}
    for row in rows:
        assert row.actor_kind == "user" and row.actor_label == "法院核查员"
        assert row.department_code == shared.court.code
        assert (row.purpose, row.legal_basis, row.basis_reference) == (
            "行政许可审查",
            "statutory_duty",
            STATUTE,
        )
        assert row.subject_id == shared.company.pk
        assert row.subject_code == shared.company.uscc
        assert row.object_type == "records.record"
        assert row.fields == [Record.objects.get(pk=row.object_id).item_code]
        assert row.audit_seq is not None  # covered by the audit chain
    # A look-up that finds nothing readable is registered too.
    read(client, shared.company.uscc or "", item="ZJ_GYQF")
    lookup = AccessRecord.objects.order_by("-pk").first()
    assert lookup is not None
    assert (lookup.object_type, lookup.fields, lookup.query) == (
        "records.record:shared",
        [],
        {"item": "ZJ_GYQF"},
    )


def test_department_systems_read_with_the_read_shared_scope(shared: Shared, client: Client) -> None:
    issued = {
        scopes: do_create_api_token(
            name=f"法院系统{scopes}",
            department=shared.court,
            scopes=scopes.split(","),
            days=30,
            acting_user=None,
            actor_label="test",
        ).value
        for scopes in ("read_shared", "check,report")
    }
    code = shared.company.uscc or ""
    ok = client.get(
        URL,
        {"subject": code, **BASIS},
        headers={"Authorization": f"Bearer {issued['read_shared']}"},
    )
    assert items_of(ok) == ["CF", "QZ"]
    row = AccessRecord.objects.order_by("-pk").first()
    assert row is not None and row.actor_kind == "token" and row.token_id is not None
    before = AccessRecord.objects.count()
    refused = client.get(
        URL,
        {"subject": code, **BASIS},
        headers={"Authorization": f"Bearer {issued['check,report']}"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")
    assert AccessRecord.objects.count() == before


def test_staff_without_a_reading_role_are_refused(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    before = AccessRecord.objects.count()
    for role in (Role.DEPARTMENT_REPORTER, Role.AUDITOR, Role.PLATFORM_ADMIN):
        response = read(reader(make_user, shared.court, role), shared.company.uscc or "")
        assert (response.status_code, response.json()["code"]) == (403, "TOKEN_SCOPE_MISSING")
    assert Client().get(URL, {"subject": shared.company.uscc or "", **BASIS}).status_code == 401
    assert AccessRecord.objects.count() == before


def test_a_read_without_a_basis_is_refused_and_leaves_no_trace(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    client = reader(make_user, shared.court, Role.DEPARTMENT_CHECKER)
    code = shared.company.uscc or ""
    before = AccessRecord.objects.count()
    cases = [
        ({"basis": ""}, 403, "ACCESS_BASIS_MISSING"),
        ({"basis": "audit"}, 403, "ACCESS_BASIS_MISSING"),
        ({"basis": "subject_request"}, 403, "ACCESS_BASIS_MISSING"),
        ({"reference": ""}, 403, "ACCESS_BASIS_MISSING"),  # a duty names its law
        ({"purpose": "  "}, 422, "ACCESS_PURPOSE_REQUIRED"),
        ({"basis": "consent", "reference": ""}, 422, "CONSENT_REFERENCE_REQUIRED"),
        ({"basis": "consent", "reference": "SQ-NONE"}, 403, "ACCESS_BASIS_MISSING"),
    ]
    for params, status, error in cases:
        response = client.get(URL, {"subject": code, **{**BASIS, **params}})
        assert (response.status_code, response.json()["code"]) == (status, error), params
        assert "杭州共享示例有限公司" not in response.content.decode()
    assert AccessRecord.objects.count() == before


def test_unknown_subjects_and_items_get_coded_answers(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    client = reader(make_user, shared.court, Role.DEPARTMENT_CHECKER)
    for code, status, error in [
        ("not-a-code", 422, "SUBJECT_CODE_INVALID"),
        ("91330100MA00000000", 422, "SUBJECT_CODE_INVALID"),  # wrong check character
        (uscc_for(), 404, "SUBJECT_NOT_FOUND"),
        (resident_id_for(), 404, "SUBJECT_NOT_FOUND"),
    ]:
        response = read(client, code)
        assert (response.status_code, response.json()["code"]) == (status, error), code
    unknown = read(client, shared.company.uscc or "", item="NOPE")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "CATALOG_ITEM_UNKNOWN")


# --------------------------------------------------------------------------------------------
# A natural person, read on consent
# --------------------------------------------------------------------------------------------


@pytest.fixture
def person(shared: Shared) -> tuple[Subject, str]:
    number = resident_id_for(date(1985, 3, 9), division="330102")
    row = decision_row(
        "QZ",
        7,
        shared.bureau,
        uscc="",
        name="赵六",
        QZ_XDR_LB="02",
        QZ_XDR_ZJLX="01",
        QZ_XDR_ZJHM=number,
    )
    for key in ("QZ_XDR_SHXYM", "QZ_FRDB"):
        row.pop(key)
    report(shared.bureau, "QZ", [row], shared.reporter)
    subject = Record.objects.get(decision_number=row["QZ_WSH"]).subject
    return subject, number


def consent(subject: Subject, department: Department, reference: str, **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "purpose": "司法协助查询",
        "scope": ["QZ"],
        "valid_from": NOW.date() - timedelta(days=10),
        "valid_until": NOW.date() + timedelta(days=20),
    }
    values.update(kwargs)
    return do_record_consent(
        subject,
        department=department,
        reference=reference,
        acting_user=None,
        actor_label="test",
        **values,
    )


def test_a_consent_basis_is_honoured_and_ids_stay_masked(
    shared: Shared, person: tuple[Subject, str], make_user: Callable[..., User]
) -> None:
    subject, number = person
    consent(subject, shared.court, "SQ-2025-001")
    client = reader(make_user, shared.court, Role.DEPARTMENT_CHECKER)
    response = read(client, number, basis="consent", reference="SQ-2025-001")
    assert items_of(response) == ["QZ"]
    text = response.content.decode()
    assert number not in text
    shown = response.json()["results"][0]["values"]["QZ_XDR_ZJHM"]
    assert shown.startswith(number[:6]) and shown.endswith(number[-4:]) and "*" in shown
    assert response.json()["subject"]["identifier"] != number
    row = AccessRecord.objects.order_by("-pk").first()
    assert row is not None
    assert (row.legal_basis, row.basis_reference, row.fields) == ("consent", "SQ-2025-001", ["QZ"])


def test_a_consent_that_does_not_stand_is_refused(
    shared: Shared,
    person: tuple[Subject, str],
    make_user: Callable[..., User],
    frozen_now: Callable[..., None],
) -> None:
    subject, number = person
    checker = make_user(Role.DEPARTMENT_CHECKER, department=shared.court)
    client = Client()
    client.force_login(checker)
    consent(subject, shared.court, "SQ-SCOPE", scope=["CF"])  # does not cover QZ
    consent(subject, shared.office, "SQ-OTHER")  # another department's
    revoked = consent(subject, shared.court, "SQ-REVOKED")
    do_revoke_consent(revoked, reason="本人撤回", acting_user=None, actor_label="test")
    consent(
        subject,
        shared.court,
        "SQ-EXPIRED",
        valid_from=NOW.date() - timedelta(days=40),
        valid_until=NOW.date() - timedelta(days=1),
    )
    consent(shared.company, shared.court, "SQ-COMPANY")  # another subject's
    before = AccessRecord.objects.count()
    for reference in ("SQ-SCOPE", "SQ-OTHER", "SQ-REVOKED", "SQ-EXPIRED", "SQ-COMPANY"):
        response = read(client, number, basis="consent", reference=reference)
        assert (response.status_code, response.json()["code"]) == (403, "ACCESS_BASIS_MISSING")
        assert "赵六" not in response.content.decode()
    assert AccessRecord.objects.count() == before
    # A valid consent stops working the day after it ends.
    consent(subject, shared.court, "SQ-SHORT", valid_until=NOW.date())
    assert read(client, number, basis="consent", reference="SQ-SHORT").status_code == 200
    frozen_now(NOW + timedelta(days=1))
    client.force_login(checker)  # a new day, a new session
    late = read(client, number, basis="consent", reference="SQ-SHORT")
    assert (late.status_code, late.json()["code"]) == (403, "ACCESS_BASIS_MISSING")


def test_staff_of_several_departments_name_the_one_they_read_for(
    shared: Shared, make_user: Callable[..., User]
) -> None:
    from xinyong.core.actions import do_grant_role

    user = make_user(Role.DEPARTMENT_CHECKER, department=shared.court)
    do_grant_role(user, shared.water, Role.DEPARTMENT_CHECKER, acting_user=None)
    client = Client()
    client.force_login(user)
    ambiguous = read(client, shared.company.uscc or "")
    assert (ambiguous.status_code, ambiguous.json()["code"]) == (403, "DEPARTMENT_REQUIRED")
    as_court = read(client, shared.company.uscc or "", department=shared.court.code)
    assert items_of(as_court) == ["CF", "QZ"]
    as_water = read(client, shared.company.uscc or "", department=shared.water.code)
    assert items_of(as_water) == ["CF", "QZ", "ZJ_GYQF"]  # its own record
    other = read(client, shared.company.uscc or "", department=shared.office.code)
    assert (other.status_code, other.json()["code"]) == (403, "DEPARTMENT_MISMATCH")
