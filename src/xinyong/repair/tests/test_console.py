"""The console side of repair: materials encrypted at rest, opened only by those who may see
the application and entered in the query register; detail pages registered; files of failed
submissions removed; the due work of the console home and the dashboard panel."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.choices import ApplicationStatus
from xinyong.repair.dashboard import panel
from xinyong.repair.due import due_work
from xinyong.repair.materials import (
    MaterialFile,
    materials_dir,
    open_material,
    rotate_stored_materials,
    store,
)
from xinyong.repair.models import RepairApplication
from xinyong.repair.tests.conftest import PDF, PNG, Clock, People
from xinyong.repair.tests.test_applications import DAY, submit
from xinyong.repair.tick import run_repair_tick
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(report: Callable[..., Record], clock: Clock) -> Record:
    """A serious penalty of 2024-03-01 (Order 58): repairable from 2025-03-02."""
    found = report(date(2024, 3, 1), "serious")
    clock.set(DAY)
    return found


def stored_files() -> list[str]:
    root = materials_dir()
    return sorted(f"{p.parent.name}/{p.name}" for p in root.glob("??/*")) if root.exists() else []


def test_materials_are_encrypted_at_rest(record: Record, company_uscc: str) -> None:
    application = submit(record, company_uscc)
    material = application.materials.get(material_code="proof-of-performance")
    on_disk = (materials_dir() / material.stored_path).read_bytes()
    assert not on_disk.startswith(b"%PDF") and PDF not in on_disk
    assert open_material(material.stored_path) == PDF
    assert material.content_type == "application/pdf" and material.size == len(PDF)


def test_a_key_rotation_re_encrypts_the_files(
    record: Record, company_uscc: str, settings: Any
) -> None:
    application = submit(record, company_uscc)
    path = application.materials.first().stored_path  # type: ignore[union-attr]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    assert rotate_stored_materials() == 1  # one distinct content: both files are the same PDF
    out = io.StringIO()
    call_command("repair", "rotate-materials", stdout=out)
    assert out.getvalue() == "materials_re_encrypted\t1\n"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert open_material(path) == PDF


def test_the_reviewer_and_the_deciding_department_open_materials_others_get_404(
    people: People, record: Record, company_uscc: str
) -> None:
    application = submit(record, company_uscc)
    material = application.materials.get(material_code="credit-commitment")
    url = reverse("console:repair-material", args=[application.pk, material.pk])

    assert Client().get(url).status_code == 302  # anonymous: to the log-in page
    for user in (people.outsider, people.checker):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert not AccessRecord.objects.exists()  # refused reads register nothing

    for user in (people.reviewer, people.clerk):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["Cache-Control"] == "private, no-store"
        download = client.get(url + "?download=1")
        assert download["Content-Disposition"].startswith("attachment;")
    rows = list(AccessRecord.objects.order_by("pk"))
    assert len(rows) == 4
    assert {r.actor_label for r in rows} == {"reviewer", "clerk"}
    assert all(r.object_type == "repair.repairmaterial" for r in rows)
    assert all(r.subject_id == application.subject_id for r in rows)
    assert rows[0].fields == ["material:credit-commitment"]
    assert rows[0].purpose == f"查阅信用修复申请材料 {application.reference}"

    # A material that is not this application's: 404.
    client = Client()
    client.force_login(people.reviewer)
    assert (
        client.get(
            reverse("console:repair-material", args=[application.pk, material.pk + 999])
        ).status_code
        == 404
    )


def test_detail_pages_register_the_read(people: People, record: Record, company_uscc: str) -> None:
    application = submit(record, company_uscc)
    objection = actions.do_file_objection(
        record,
        ground="wrong",
        statement="金额有误。",
        filer_name="李明",
        filer_contact="13800000000",
        subject_identifier=company_uscc,
        acting_user=None,
        today=DAY,
    )
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/console/repair/applications/{application.pk}/").status_code == 404
    assert outsider.get(f"/console/repair/objections/{objection.pk}/").status_code == 404
    assert not AccessRecord.objects.exists()

    reviewer = Client()
    reviewer.force_login(people.reviewer)
    page = reviewer.get(f"/console/repair/applications/{application.pk}/").content.decode()
    assert reverse("console:repair-material", args=[application.pk,
                   application.materials.first().pk]) in page  # type: ignore[union-attr]  # fmt: skip
    clerk = Client()
    clerk.force_login(people.clerk)
    assert clerk.get(f"/console/repair/objections/{objection.pk}/").status_code == 200
    rows = list(AccessRecord.objects.order_by("pk"))
    assert [(r.actor_label, r.object_type, r.object_id) for r in rows] == [
        ("reviewer", "repair.repairapplication", str(application.pk)),
        ("clerk", "repair.objection", str(objection.pk)),
    ]
    assert "applicant_contact" in rows[0].fields and "filer_contact" in rows[1].fields
    assert rows[1].department_code == people.bureau.code


def test_a_submission_that_fails_after_writing_its_files_removes_them(
    record: Record, company_uscc: str, report: Callable[..., Record]
) -> None:
    kept = submit(record, company_uscc)  # stores PDF
    assert len(stored_files()) == 1
    other = report(date(2024, 3, 5), "serious")
    broken = [
        MaterialFile("proof-of-performance", "p.png", PNG),  # a new file, written first
        MaterialFile("credit-commitment", "c.pdf", PDF),  # the same content as ``kept``'s
        MaterialFile("credit-commitment", None, PDF + b"%2"),  # type: ignore[arg-type]
    ]
    with pytest.raises(TypeError):
        submit(other, company_uscc, materials=broken)
    assert not RepairApplication.objects.filter(record=other).exists()
    # The two files this call wrote are gone; the one ``kept`` refers to stays.
    assert stored_files() == [kept.materials.first().stored_path]  # type: ignore[union-attr]


def test_the_tick_removes_files_no_material_refers_to(record: Record, company_uscc: str) -> None:
    application = submit(record, company_uscc)
    _sha, orphan, created = store(PNG)  # written, then the transaction never committed
    _sha, recent, _ = store(PNG + b"recent")
    assert created
    old = time.time() - 2 * 86400
    for path in (orphan, application.materials.first().stored_path):  # type: ignore[union-attr]
        os.utime(materials_dir() / path, (old, old))

    report = run_repair_tick(today=DAY)

    assert report.files_removed == 1
    assert orphan not in stored_files() and recent in stored_files()
    assert open_material(application.materials.first().stored_path) == PDF  # type: ignore[union-attr]
    assert "material_files_removed\t1" in report.lines()


def test_due_work_counts_what_each_user_may_act_on(
    people: People, record: Record, company_uscc: str
) -> None:
    objection = actions.do_file_objection(
        record, ground="wrong", statement="金额有误。", filer_name="李明",
        subject_identifier=company_uscc, acting_user=None, today=DAY,
    )  # fmt: skip
    application = submit(record, company_uscc)
    assert objection.answer_due_on == date(2026, 11, 16)
    assert application.due_on == date(2026, 11, 4)  # 2 working days

    def counts(user: Any, today: date) -> dict[str, tuple[int, int, int]]:
        return {w.key: (w.due_today, w.overdue, w.open) for w in due_work(user, today)}

    assert counts(people.clerk, DAY) == {"repair.objections": (0, 0, 1)}
    assert counts(people.clerk, date(2026, 11, 16)) == {"repair.objections": (1, 0, 1)}
    assert counts(people.clerk, date(2026, 11, 17)) == {"repair.objections": (0, 1, 1)}
    assert counts(people.reviewer, date(2026, 11, 4)) == {"repair.applications": (1, 0, 1)}
    assert counts(people.reviewer, date(2026, 11, 5)) == {"repair.applications": (0, 1, 1)}
    assert counts(people.outsider, DAY) == {} and counts(people.checker, DAY) == {}

    actions.do_review_repair_application(
        application, passed=True, acting_user=people.reviewer, today=DAY
    )
    assert counts(people.reviewer, DAY) == {}
    assert counts(people.clerk, DAY)["repair.applications"] == (0, 0, 1)
    work = due_work(people.clerk, DAY)
    assert all(w.url == "/console/repair/?due=1" for w in work)


def test_the_console_home_and_the_due_filter(
    people: People, record: Record, company_uscc: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinyong.console import due

    monkeypatch.setattr(due, "DUE_PROVIDERS", [*due.DUE_PROVIDERS, "xinyong.repair.due.due_work"])
    application = submit(record, company_uscc, today=date(2026, 10, 1))  # long overdue
    client = Client()
    client.force_login(people.reviewer)
    home = client.get(reverse("console:home")).content.decode()
    assert 'data-key="repair.applications"' in home
    worklist = client.get("/console/repair/?due=1").content.decode()
    assert application.reference in worklist
    assert "/console/repair/?due=1" in home


def test_the_dashboard_panel_counts_applications_by_month(
    people: People, record: Record, company_uscc: str, report: Callable[..., Record],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    approved = submit(record, company_uscc, today=date(2026, 9, 1))
    actions.do_review_repair_application(
        approved, passed=True, acting_user=people.reviewer, today=date(2026, 9, 1)
    )
    actions.do_decide_repair_application(
        approved, approve=True, acting_user=people.clerk, today=date(2026, 10, 9)
    )
    refused = submit(report(date(2024, 3, 5), "serious"), company_uscc, today=date(2026, 10, 8))
    actions.do_review_repair_application(
        refused, passed=True, acting_user=people.reviewer, today=date(2026, 10, 8)
    )
    actions.do_decide_repair_application(
        refused, approve=False, reasons="材料不实。", acting_user=people.clerk,
        today=date(2026, 10, 9),
    )  # fmt: skip
    assert RepairApplication.objects.filter(status=ApplicationStatus.APPROVED).count() == 1

    found = panel(people.reviewer, date(2026, 11, 23))
    assert found is not None and found.key == "repair.volumes"
    rows = {r[0]: tuple(r[1:]) for r in found.rows}
    assert len(rows) == 12
    assert rows["2026-09"] == (1, 0, 0)
    assert rows["2026-10"] == (1, 1, 1)
    assert rows["2026-11"] == (0, 0, 0)
    outsider = panel(people.outsider, date(2026, 11, 23))
    assert outsider is not None and all(r[1:] == (0, 0, 0) for r in outsider.rows)

    from xinyong.console import dashboards

    monkeypatch.setattr(
        dashboards,
        "DASHBOARD_PANELS",
        [*dashboards.DASHBOARD_PANELS, "xinyong.repair.dashboard.panel"],
    )
    client = Client()
    client.force_login(people.clerk)
    html = client.get(reverse("console:dashboards")).content.decode()
    assert 'data-panel="repair.volumes"' in html and "<svg" in html
