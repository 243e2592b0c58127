"""Repair applications: refusals that change nothing, returns and refusals with reasons, the
listing removed through the listing procedure, the synchronised-repair event applied once,
and the HTTP layers (API, portal, console)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from xinyong.core.tests.fixtures import uscc_for
from xinyong.lists.choices import CaseState
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.choices import ApplicationStatus, NotificationKind, SyncOutcome
from xinyong.repair.errors import RepairConflict, RepairRefused
from xinyong.repair.materials import MAX_FILE_BYTES, MaterialFile
from xinyong.repair.models import Notification, RepairApplication, RepairSyncEvent
from xinyong.repair.tests.conftest import PDF, TWO_MATERIALS, Clock, People, materials
from xinyong.repair.tests.test_objections import _listed_case

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ELIGIBLE = date(2025, 3, 2)  # Order 58, serious, decided 2024-03-01
DAY = date(2026, 11, 2)


def submit(record: Record, identifier: str, **kwargs: Any) -> RepairApplication:
    fields: dict[str, Any] = {
        "subject_identifier": identifier,
        "applicant_name": "李明",
        "statement": "罚款已缴清，违法行为已纠正。",
        "materials": materials(*TWO_MATERIALS),
        "today": DAY,
    }
    fields.update(kwargs)
    return actions.do_submit_repair_application(record, **fields)


@pytest.fixture
def record(report: Callable[..., Record], clock: Clock) -> Record:
    found = report(date(2024, 3, 1), "serious")
    clock.set(DAY)
    return found


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"subject_identifier": "stranger"}, "REPAIR_NOT_YOUR_RECORD"),
        ({"materials": materials("credit-commitment")}, "REPAIR_MATERIALS_MISSING"),
        ({"restructuring": True}, "REPAIR_MATERIALS_MISSING"),
        ({"materials": [MaterialFile("proof-of-performance", "a.exe", b"MZ\x90"),
                        *materials("credit-commitment")]}, "REPAIR_MATERIAL_TYPE"),
        ({"materials": [MaterialFile("proof-of-performance", "big.pdf",
                                     PDF + b"0" * MAX_FILE_BYTES),
                        *materials("credit-commitment")]}, "REPAIR_MATERIAL_TOO_LARGE"),
        ({"today": date(2025, 3, 1)}, "REPAIR_NOT_YET_ELIGIBLE"),
        ({"statement": "  "}, "REPAIR_STATEMENT_REQUIRED"),
    ],
)  # fmt: skip
def test_refused_applications_change_nothing(
    record: Record, company_uscc: str, kwargs: dict[str, Any], code: str
) -> None:
    if kwargs.get("subject_identifier") == "stranger":
        kwargs["subject_identifier"] = uscc_for()
    with pytest.raises(RepairRefused) as refused:
        submit(record, company_uscc, **kwargs)
    assert refused.value.code == code
    assert not RepairApplication.objects.exists()
    assert not Notification.objects.exists()


def test_never_repairable_and_duplicate(people: People, record: Record, company_uscc: str) -> None:
    submit(record, company_uscc)
    with pytest.raises(RepairConflict) as dup:
        submit(record, company_uscc)
    assert dup.value.code == "REPAIR_DUPLICATE_APPLICATION"
    with pytest.raises(RepairRefused) as unknown:
        actions.do_record_repair_bar(record, code="nope", reason="x", acting_user=people.clerk)
    assert unknown.value.code == "REPAIR_BAR_CODE_UNKNOWN"
    actions.do_record_repair_bar(
        record, code="illegal-fund-raising", reason="系非法集资。", acting_user=people.clerk
    )
    application = RepairApplication.objects.get()
    actions.do_review_repair_application(application, passed=True, acting_user=people.reviewer,
                                         today=DAY)  # fmt: skip
    with pytest.raises(RepairRefused) as barred:
        actions.do_decide_repair_application(
            application, approve=True, acting_user=people.clerk, today=DAY
        )
    assert barred.value.code == "REPAIR_NEVER_REPAIRABLE"
    actions.do_decide_repair_application(
        application,
        approve=False,
        reasons="属于不可修复情形。",
        acting_user=people.clerk,
        today=DAY,
    )
    with pytest.raises(RepairRefused) as again:
        submit(record, company_uscc)
    assert again.value.code == "REPAIR_NEVER_REPAIRABLE"


def test_return_at_initial_review_then_a_new_application(
    people: People, record: Record, company_uscc: str
) -> None:
    application = submit(record, company_uscc)
    assert application.due_on == date(2026, 11, 4)  # seed 000: 2 working days
    with pytest.raises(Exception):  # noqa: B017 — PERMISSION_DENIED
        actions.do_review_repair_application(application, passed=True, acting_user=people.clerk)
    with pytest.raises(RepairRefused):
        actions.do_review_repair_application(
            application, passed=False, note="", acting_user=people.reviewer, today=DAY
        )
    returned = actions.do_review_repair_application(
        application, passed=False, note="承诺书未签章。", acting_user=people.reviewer, today=DAY
    )
    assert returned.status == ApplicationStatus.RETURNED
    assert Notification.objects.filter(
        application=application, kind=NotificationKind.APPLICATION_DECIDED
    ).exists()
    assert submit(record, company_uscc).status == ApplicationStatus.INITIAL_REVIEW


def test_approval_removes_the_listing_through_the_listing_procedure(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 4, 1), "light")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(DAY)
    application = submit(record, company_uscc)
    actions.do_review_repair_application(application, passed=True, acting_user=people.reviewer,
                                         today=DAY)  # fmt: skip
    # The bureau's clerk may not fire the HR bureau's listing transition: the HR bureau is
    # told to remove it.
    actions.do_decide_repair_application(application, approve=True, acting_user=people.clerk,
                                         today=DAY)  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.LISTED
    told = Notification.objects.get(kind=NotificationKind.LISTING_REMOVAL_NEEDED)
    assert told.department_id == case.initiating_department_id


def test_approval_by_the_listing_department_removes_it(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 4, 1), "light")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    # The listing's own department is the record's department here.
    case.initiating_department.memberships.get().user.memberships.create(
        department=record.department, role="department_reporter"
    )
    hr_clerk = case.initiating_department.memberships.get().user
    clock.set(DAY)
    application = submit(record, company_uscc)
    actions.do_review_repair_application(application, passed=True, acting_user=people.reviewer,
                                         today=DAY)  # fmt: skip
    actions.do_decide_repair_application(application, approve=True, acting_user=hr_clerk,
                                         today=DAY)  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.REMOVED and case.removal_reason == "repair"


def _event(record: Record) -> dict[str, Any]:
    text = (DATA / "remote_repair_event.json").read_text(encoding="utf-8")
    text = text.replace("__DEPARTMENT__", record.department.code)
    text = text.replace("__DECISION__", record.decision_number)
    text = text.replace("__USCC__", record.subject.uscc or "")
    data: dict[str, Any] = json.loads(text)
    return data


def test_a_remote_repair_event_is_applied_once(record: Record, tmp_path: Path) -> None:
    payload = _event(record)
    stored, created = actions.do_apply_remote_repair_event(payload)
    assert created and stored.outcome == SyncOutcome.APPLIED
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    again, created = actions.do_apply_remote_repair_event(payload)
    assert not created and again.pk == stored.pk
    # Through the command, from the file: recognised, nothing changes.
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    call_command("repair", "apply-event", str(path))
    assert RepairSyncEvent.objects.count() == 1


def test_a_remote_event_for_an_unknown_record_or_a_bad_event(record: Record) -> None:
    payload = _event(record)
    payload["record"]["decision_number"] = "不存在〔2024〕1号"
    stored, _ = actions.do_apply_remote_repair_event(payload)
    assert stored.outcome == SyncOutcome.UNMATCHED
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE
    bad = _event(record)
    bad["version"] = 2
    with pytest.raises(RepairRefused) as refused:
        actions.do_apply_remote_repair_event(bad)
    assert refused.value.code == "REPAIR_EVENT_VERSION_UNSUPPORTED"


def test_the_api_from_application_to_approval(
    people: People, record: Record, company_uscc: str
) -> None:
    public = Client()
    response = public.get(
        f"/api/v1/repair/records/{record.pk}/eligibility", {"identifier": company_uscc}
    )
    assert response.status_code == 200 and response.json()["eligible_from"] == "2025-03-02"
    assert (
        public.get(
            f"/api/v1/repair/records/{record.pk}/eligibility", {"identifier": uscc_for()}
        ).status_code
        == 404
    )
    form = {"record": record.pk, "subject_identifier": company_uscc, "applicant_name": "李明",
            "statement": "已整改。",
            "proof_of_performance": SimpleUploadedFile("p.pdf", PDF, "application/pdf"),
            "credit_commitment": SimpleUploadedFile("c.pdf", PDF, "application/pdf")}  # fmt: skip
    response = public.post("/api/v1/repair/applications", form)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["fee"] == 0 and body["status"] == "initial_review"
    pk = RepairApplication.objects.get().pk
    assert public.post(f"/api/v1/repair/applications/{pk}/review", {"passed": True},
                       content_type="application/json").status_code == 401  # fmt: skip
    reviewer = Client()
    reviewer.force_login(people.reviewer)
    assert reviewer.post(f"/api/v1/repair/applications/{pk}/review", {"passed": True},
                         content_type="application/json").status_code == 200  # fmt: skip
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(f"/api/v1/repair/applications/{pk}/decision", {"approve": True},
                         content_type="application/json").status_code == 404  # fmt: skip
    clerk = Client()
    clerk.force_login(people.clerk)
    response = clerk.post(f"/api/v1/repair/applications/{pk}/decision", {"approve": True},
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "approved"
    progress = public.get(f"/api/v1/repair/progress/{body['query_code']}",
                          {"identifier": company_uscc}).json()  # fmt: skip
    assert progress["status"] == "approved" and len(progress["notices"]) == 2
    assert public.get(f"/api/v1/repair/progress/{body['query_code']}",
                      {"identifier": uscc_for()}).status_code == 404  # fmt: skip


def test_the_portal_and_console_pages(people: People, record: Record, company_uscc: str) -> None:
    public = Client()
    assert public.get("/repair/").status_code == 200
    response = public.post("/repair/object/", {
        "target": "record", "target_id": record.pk, "subject_identifier": company_uscc,
        "filer_name": "李明", "ground": "wrong", "statement": "金额有误。"})  # fmt: skip
    assert response.status_code == 200 and "OB" in response.content.decode()
    refused = public.post("/repair/apply/", {
        "record": record.pk, "subject_identifier": uscc_for(), "applicant_name": "李明",
        "statement": "已整改。"})  # fmt: skip
    assert "REPAIR_NOT_YOUR_RECORD" in refused.content.decode()
    response = public.post("/repair/apply/", {
        "record": record.pk, "subject_identifier": company_uscc, "applicant_name": "李明",
        "statement": "已整改。",
        "proof_of_performance": SimpleUploadedFile("p.pdf", PDF, "application/pdf"),
        "credit_commitment": SimpleUploadedFile("c.pdf", PDF, "application/pdf")})  # fmt: skip
    application = RepairApplication.objects.get()
    assert application.query_code in response.content.decode()
    page = public.get("/repair/progress/", {"code": application.query_code,
                                            "identifier": company_uscc})  # fmt: skip
    assert page.status_code == 200 and application.query_code in page.content.decode()

    assert Client().get("/console/repair/").status_code == 302
    reviewer = Client()
    reviewer.force_login(people.reviewer)
    worklist = reviewer.get("/console/repair/").content.decode()
    assert application.reference in worklist
    response = reviewer.post(f"/console/repair/applications/{application.pk}/",
                             {"operation": "review", "passed": "1", "note": ""})  # fmt: skip
    assert response.status_code == 302
    clerk = Client()
    clerk.force_login(people.clerk)
    response = clerk.post(f"/console/repair/applications/{application.pk}/",
                          {"operation": "decide", "approve": "1", "reasons": ""})  # fmt: skip
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    objection = record.objections.get()
    page = clerk.get(f"/console/repair/objections/{objection.pk}/")
    assert page.status_code == 200
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/console/repair/objections/{objection.pk}/").status_code == 404
    answer = {"operation": "decide", "outcome": "upheld", "reasons": "无误。"}
    response = clerk.post(f"/console/repair/objections/{objection.pk}/", answer)
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.outcome == "upheld"


def test_tick_command_prints_its_report(record: Record) -> None:
    from io import StringIO

    out = StringIO()
    call_command("repair", "tick", "--today", "2025-02-27", stdout=out)
    assert "reminded" in out.getvalue() and "records_expired" in out.getvalue()


def test_a_remote_event_through_the_api(client: Client, people: People, record: Record) -> None:
    payload = _event(record)
    client.force_login(people.clerk)  # not a credit-office reviewer
    refused = client.post("/api/v1/repair/sync-events", payload, content_type="application/json")
    assert refused.status_code == 403 and not RepairSyncEvent.objects.exists()

    client.force_login(people.reviewer)
    response = client.post("/api/v1/repair/sync-events", payload, content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["outcome"] == SyncOutcome.APPLIED and response.json()["created"]
    again = client.post("/api/v1/repair/sync-events", payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
