"""The repair scenario of the demo: an objection and an application waiting, due today, for
the bureau and the credit office; a record a new user can apply for on the portal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinyong.audit.record import verify_chain
from xinyong.core.demo.plan import MIN_SUBJECTS
from xinyong.core.models import User
from xinyong.policy.loader import FileOutcome
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair.choices import ApplicationStatus, ObjectionStatus
from xinyong.repair.due import due_work
from xinyong.repair.eligibility import eligibility
from xinyong.repair.materials import open_material
from xinyong.repair.models import Objection, RepairApplication, RepairSyncEvent
from xinyong.repair.queries import lookup_by_code
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.VAR_DIR = tmp_path_factory.mktemp("var")


def test_the_demo_leaves_repair_work_waiting(loaded_policy: list[FileOutcome]) -> None:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    printed = out.getvalue()
    today = timezone.localdate()

    objection = Objection.objects.get(status=ObjectionStatus.PENDING)
    assert objection.answer_due_on == today
    assert objection.department.name.endswith("市场监督管理局")
    assert f"query code {objection.query_code}" in printed
    assert lookup_by_code(objection.query_code, objection.subject.uscc or "") == objection

    waiting = RepairApplication.objects.get(status=ApplicationStatus.INITIAL_REVIEW)
    assert waiting.due_on == today
    assert {m.material_code for m in waiting.materials.all()} == {
        "proof-of-performance",
        "credit-commitment",
    }
    for material in waiting.materials.all():
        assert open_material(material.stored_path).startswith(b"%PDF-1.4")
    assert f"query code {waiting.query_code}" in printed

    approved = RepairApplication.objects.get(status=ApplicationStatus.APPROVED)
    assert approved.record.status == RecordStatus.REPAIRED
    assert RepairSyncEvent.objects.filter(application=approved).count() == 1
    assert RepairApplication.objects.filter(status=ApplicationStatus.REFUSED).count() == 1

    # The record left for a new user: eligible today, no application, its code printed.
    line = next(x for x in printed.splitlines() if "Eligible for repair" in x)
    record_id = int(line.split("record #")[1].split()[0])
    record = Record.objects.select_related("subject").get(pk=record_id)
    found = eligibility(record)
    assert found.repairable and found.eligible_from and found.eligible_from <= today
    assert not record.repair_applications.exists()
    assert record.subject.uscc and record.subject.uscc in line
    assert verify_chain().ok
    # The demo read nothing on anyone's behalf, but for the one check the self-service
    # scenario makes so that "who checked me" is not empty (xinyong.portal.demo).
    assert AccessRecord.objects.exclude(object_type__startswith="checks").count() == 0

    # The console home of each demo user shows the work due today.
    reviewer = {w.key: w for w in due_work(User.objects.get(username="reviewer"), today)}
    reporter = {w.key: w for w in due_work(User.objects.get(username="reporter"), today)}
    assert (reviewer["repair.applications"].due_today, reviewer["repair.applications"].open) == (
        1,
        1,
    )
    assert "repair.objections" not in reviewer  # a record objection is the bureau's to answer
    assert (reporter["repair.objections"].due_today, reporter["repair.objections"].open) == (1, 1)
    assert "repair.applications" not in reporter  # not yet past the initial review
