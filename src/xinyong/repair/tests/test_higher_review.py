"""The higher credit platform's review (国办发〔2025〕22号 "where configured"), both
configurations, and the query register of the staff API's reads of applications and
objections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.errors import PermissionDenied
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.actions.applications import higher_review_working_days
from xinyong.repair.choices import ApplicationStatus
from xinyong.repair.errors import RepairConflict, RepairRefused
from xinyong.repair.models import RepairApplication, RepairSyncEvent
from xinyong.repair.tests.conftest import Clock, People
from xinyong.repair.tests.test_applications import DAY, submit
from xinyong.repair.tick import run_repair_tick
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

HIGHER_REVIEW_5 = """
kind = "settings"
code = "demo-settings"
edition = "2026.1"
effective_from = 2026-04-01
jurisdiction = "local"
legal_source = "示范市信用修复办法"
[[settings]]
key = "repair.higher_review_working_days"
value = 5
legal_source = "示范市信用修复办法 第十条"
"""


@pytest.fixture
def record(report: Callable[..., Record], clock: Clock) -> Record:
    found = report(date(2024, 3, 1), "serious")
    clock.set(DAY)
    return found


def _reviewed(people: People, record: Record, uscc: str) -> RepairApplication:
    application = submit(record, uscc)
    return actions.do_review_repair_application(
        application, passed=True, acting_user=people.reviewer, today=DAY
    )


def test_without_a_higher_review_the_approval_takes_effect_at_once(
    people: People, record: Record, company_uscc: str
) -> None:
    assert higher_review_working_days(DAY) == 0  # the national default: not configured
    application = _reviewed(people, record, company_uscc)
    approved = actions.do_decide_repair_application(
        application, approve=True, acting_user=people.clerk, today=DAY
    )
    assert approved.status == ApplicationStatus.APPROVED
    assert approved.authority_decided_on == DAY and approved.decided_on == DAY
    record.refresh_from_db()
    assert record.status != RecordStatus.ACTIVE
    with pytest.raises(RepairConflict):
        actions.do_record_higher_review(
            approved, approve=True, acting_user=people.reviewer, today=DAY
        )


def test_a_configured_higher_review_holds_the_repair_until_it_confirms(
    people: People, record: Record, company_uscc: str, load_policy_text: Callable[..., Any]
) -> None:
    load_policy_text(HIGHER_REVIEW_5)
    assert higher_review_working_days(DAY) == 5
    application = _reviewed(people, record, company_uscc)
    waiting = actions.do_decide_repair_application(
        application, approve=True, reasons="已履行。", acting_user=people.clerk, today=DAY
    )
    assert waiting.status == ApplicationStatus.HIGHER_REVIEW and waiting.is_open
    assert waiting.authority_decided_on == DAY and waiting.decided_on is None
    assert waiting.due_on == date(2026, 11, 9)  # 2 Nov 2026 + 5 working days
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE  # nothing repaired yet
    assert not RepairSyncEvent.objects.exists()
    assert AuditEvent.objects.filter(event_type=EventType.REPAIR_AWAITING_HIGHER_REVIEW).exists()
    # A second application meanwhile is a duplicate; the step is overdue after its day.
    with pytest.raises(RepairConflict):
        submit(record, company_uscc)
    assert run_repair_tick(today=date(2026, 11, 10)).overdue == [waiting.reference]
    # Only a credit-office reviewer records the higher platform's answer.
    with pytest.raises(PermissionDenied):
        actions.do_record_higher_review(waiting, approve=True, acting_user=people.clerk,
                                        today=DAY)  # fmt: skip
    done = actions.do_record_higher_review(
        waiting, approve=True, note="复核同意。", acting_user=people.reviewer,
        reviewed_on=date(2026, 11, 4), today=date(2026, 11, 4),
    )  # fmt: skip
    assert done.status == ApplicationStatus.APPROVED
    assert done.higher_review_on == done.decided_on == date(2026, 11, 4)
    assert done.due_on is None
    record.refresh_from_db()
    assert record.status != RecordStatus.ACTIVE
    assert RepairSyncEvent.objects.get().application_id == done.pk


def test_the_higher_platform_may_refuse_with_reasons(
    people: People, record: Record, company_uscc: str, load_policy_text: Callable[..., Any]
) -> None:
    load_policy_text(HIGHER_REVIEW_5)
    application = _reviewed(people, record, company_uscc)
    actions.do_decide_repair_application(application, approve=True, acting_user=people.clerk,
                                         today=DAY)  # fmt: skip
    with pytest.raises(RepairRefused) as refused:
        actions.do_record_higher_review(application, approve=False, note=" ",
                                        acting_user=people.reviewer, today=DAY)  # fmt: skip
    assert refused.value.code == "REPAIR_REASONS_REQUIRED"
    done = actions.do_record_higher_review(
        application, approve=False, note="证明材料不能证明已履行。", acting_user=people.reviewer,
        today=DAY,
    )  # fmt: skip
    assert done.status == ApplicationStatus.REFUSED
    assert done.refusal_code == "REPAIR_REFUSED_BY_HIGHER_PLATFORM"
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


def test_the_higher_review_through_the_api_and_the_console(
    people: People, record: Record, company_uscc: str, load_policy_text: Callable[..., Any]
) -> None:
    load_policy_text(HIGHER_REVIEW_5)
    application = _reviewed(people, record, company_uscc)
    clerk = Client()
    clerk.force_login(people.clerk)
    body = clerk.post(f"/api/v1/repair/applications/{application.pk}/decision",
                      {"approve": True}, content_type="application/json").json()  # fmt: skip
    assert body["status"] == "higher_review" and body["authority_decided_on"] == "2026-11-02"
    reviewer = Client()
    reviewer.force_login(people.reviewer)
    page = reviewer.get(f"/console/repair/applications/{application.pk}/").content.decode()
    assert 'value="higher"' in page
    response = reviewer.post(
        f"/console/repair/applications/{application.pk}/",
        {"operation": "higher", "approve": "1", "note": "复核同意。"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    body = reviewer.get(f"/api/v1/repair/applications/{application.pk}").json()
    assert body["higher_review_note"] == "复核同意。" and body["status"] == "approved"


def test_the_higher_review_endpoint(
    people: People, record: Record, company_uscc: str, load_policy_text: Callable[..., Any]
) -> None:
    load_policy_text(HIGHER_REVIEW_5)
    application = _reviewed(people, record, company_uscc)
    actions.do_decide_repair_application(application, approve=True, acting_user=people.clerk,
                                         today=DAY)  # fmt: skip
    reviewer = Client()
    reviewer.force_login(people.reviewer)
    response = reviewer.post(
        f"/api/v1/repair/applications/{application.pk}/higher-review",
        {"approve": False, "note": "不同意。"}, content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["refusal_code"] == "REPAIR_REFUSED_BY_HIGHER_PLATFORM"


def test_staff_api_reads_of_applications_and_objections_are_registered(
    people: People, record: Record, company_uscc: str
) -> None:
    application = submit(record, company_uscc)
    objection = actions.do_file_objection(
        record, ground="wrong", statement="金额有误。", filer_name="李明",
        subject_identifier=company_uscc, acting_user=None, today=DAY,
    )  # fmt: skip
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/api/v1/repair/applications/{application.pk}").status_code == 404
    assert outsider.get(f"/api/v1/repair/objections/{objection.pk}").status_code == 404
    assert not AccessRecord.objects.exists()

    reviewer = Client()
    reviewer.force_login(people.reviewer)
    assert reviewer.get(f"/api/v1/repair/applications/{application.pk}").status_code == 200
    reviewed = reviewer.post(f"/api/v1/repair/applications/{application.pk}/review",
                             {"passed": True}, content_type="application/json")  # fmt: skip
    assert reviewed.status_code == 200
    clerk = Client()
    clerk.force_login(people.clerk)
    assert clerk.get(f"/api/v1/repair/objections/{objection.pk}").status_code == 200
    assert clerk.post(f"/api/v1/repair/applications/{application.pk}/decision",
                      {"approve": False, "reasons": "材料不实。"},
                      content_type="application/json").status_code == 200  # fmt: skip
    assert clerk.post(f"/api/v1/repair/objections/{objection.pk}/decision",
                      {"outcome": "upheld", "reasons": "信息无误。"},
                      content_type="application/json").status_code == 200  # fmt: skip
    # A refused operation registers nothing.
    assert clerk.post(f"/api/v1/repair/objections/{objection.pk}/decision",
                      {"outcome": "upheld", "reasons": "再次。"},
                      content_type="application/json").status_code == 409  # fmt: skip
    rows = list(AccessRecord.objects.order_by("pk"))
    app, obj = "repair.repairapplication", "repair.objection"
    assert [(r.actor_label, r.object_type, r.object_id) for r in rows] == [
        ("reviewer", app, str(application.pk)),
        ("reviewer", app, str(application.pk)),
        ("clerk", obj, str(objection.pk)),
        ("clerk", app, str(application.pk)),
        ("clerk", obj, str(objection.pk)),
    ]
    assert "reasons" in rows[-1].fields and rows[-1].department_code == people.bureau.code
