"""Objects of objections and repair for the permission matrix (``xinyong.security.matrix``).

Each factory takes the matrix test's world (``tests/security/conftest.py``: department A, a
sector authority, reported a penalty on the world company two days ago) and makes, through
the collection API and the repair actions, one object owned by department A. The matrix test
runs every case in a savepoint rolled back afterwards, and with ``VAR_DIR`` in a temporary
directory (the materials' files).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from xinyong.core.models import User
from xinyong.records.models import Record
from xinyong.records.tests.factories import penalty_row
from xinyong.repair import actions
from xinyong.repair.materials import MaterialFile
from xinyong.repair.models import Objection, RepairApplication, RepairMaterial

World = Any  # tests/security/conftest.py: World

PDF = b"%PDF-1.4\n% matrix\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: A serious penalty of 2024-03-01 (NDRC Order 58): repairable from 2025-03-02, still
#: published today.
DECIDED = date(2024, 3, 1)
DECISION_NUMBER = "矩阵罚〔2024〕9号"


def make_objection(world: World) -> Objection:
    """The world company's objection to department A's penalty record, from the portal."""
    return actions.do_file_objection(
        world.record,
        ground="wrong",
        statement="矩阵测试：罚款金额有误。",
        filer_name="矩阵异议人",
        filer_contact="13800000000",
        subject_identifier=world.company.uscc,
        acting_user=None,
    )


def _repairable_record(world: World) -> Record:
    found = Record.objects.filter(decision_number=DECISION_NUMBER).first()
    if found is not None:
        return found
    row = penalty_row(
        9,
        world.department_a.code,
        uscc=world.company.uscc,
        decided=DECIDED,
        CF_XDR_MC=world.company.name,
        CF_WSH=DECISION_NUMBER,
        XY_QZCD="严重",
    )
    client = Client()
    client.force_login(User.objects.get(username="matrix-reporter-a"))
    response = client.post(
        "/api/v1/records/batches",
        {"item": "CF", "department": world.department_a.code, "rows": [row]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Record.objects.get(decision_number=DECISION_NUMBER)


def make_application(world: World) -> RepairApplication:
    """The world company's repair application for a penalty of department A (initial
    review pending), with its two materials."""
    return actions.do_submit_repair_application(
        _repairable_record(world),
        subject_identifier=world.company.uscc,
        applicant_name="矩阵申请人",
        applicant_contact="13900000000",
        statement="矩阵测试：罚款已缴清，违法行为已纠正。",
        materials=[
            MaterialFile("proof-of-performance", "proof.pdf", PDF),
            MaterialFile("credit-commitment", "commitment.pdf", PDF),
        ],
    )


def make_reviewed_application(world: World) -> RepairApplication:
    """An application the credit office passed on: department A decides it."""
    return actions.do_review_repair_application(
        make_application(world),
        passed=True,
        note="矩阵测试：材料齐全。",
        acting_user=User.objects.get(username="matrix-reviewer"),
    )


def make_material(world: World) -> RepairMaterial:
    """A material of the newest application (made by :func:`make_application` for the same
    URL), or of a new one."""
    newest = RepairApplication.objects.order_by("-pk").first() or make_application(world)
    material = newest.materials.order_by("pk").first()
    assert material is not None
    return material
