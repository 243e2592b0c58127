"""Fixtures of the portal tests: a small world built through the real paths.

Records are reported through the collection API as a department reporter would (so their
publication windows, disclosure and masking are the ones collection computes); listings go
through the listing actions (``xinyong.lists.tests.conftest``: a wage-arrears case listed on
2026-03-12 for three years). The world holds, besides what must be shown, things that must
never be: a shared-only record, a not-disclosed record, a withdrawn one, an expired one, a
natural person's and a legal representative's full ID numbers — each with a marker text the
leak tests look for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinyong.core.choices import Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import resident_id_for
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import case_in, company, people  # noqa: F401 (fixtures)
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.records.tests.factories import penalty_row

#: Texts that exist only in non-public places; no portal page or report may contain them.
SECRET_MARKERS = {
    "shared": "仅共享强制措施内容甲",
    "not_disclosed": "不予公开给付内容乙",
    "withdrawn": "已撤销处罚事实丙",
    "expired": "已过期处罚事实丁",
    "listing_facts": "拖欠农民工工资 86 万元",
}
PUBLIC_FACT = "公开处罚违法事实戊"


@dataclass
class World:
    department: Department
    reporter: User
    company: Subject  # 杭州市某某科技有限公司: public penalty + everything that must not show
    person: Subject  # a natural person with a public penalty
    person_id: str
    representative_id: str
    listed: ListingCase  # 示范建筑工程有限公司 on the wage-arrears list
    records: dict[str, Record] = field(default_factory=dict)


def submit(client: Client, item: str, rows: list[dict[str, Any]]) -> None:
    response = client.post(
        "/api/v1/records/batches", {"item": item, "rows": rows}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts"]["rejected"] == 0, body


def decision_row(
    prefix: str, n: int, authority: str, subject: Subject, text: str
) -> dict[str, Any]:
    """A row of an item of the "decision" field set (QZ, JF …) about an organisation."""
    decided = timezone.localdate() - timedelta(days=5)
    return {
        f"{prefix}_XDR_MC": subject.name,
        f"{prefix}_XDR_LB": "法人及非法人组织",
        f"{prefix}_XDR_SHXYM": subject.uscc,
        f"{prefix}_FRDB": "李明",
        f"{prefix}_WSH": f"杭市监{prefix}〔2026〕{n}号",
        f"{prefix}_JDRQ": decided.isoformat(),
        f"{prefix}_NR": text,
        f"{prefix}_JG": "杭州市市场监督管理局",
        f"{prefix}_JGDM": authority,
    }


@pytest.fixture
def world(
    people: Any,  # noqa: F811
    case_in: Callable[..., ListingCase],  # noqa: F811
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
    make_subject: Callable[..., Subject],
    client: Client,
    settings: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> World:
    settings.VAR_DIR = tmp_path_factory.mktemp("var")
    department = make_department("杭州市市场监督管理局")
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department, username="reporter")
    client.force_login(reporter)
    authority = department.code
    target = make_subject("杭州市某某科技有限公司")
    person_id = resident_id_for(date(1985, 3, 9), "330106")
    person = make_subject(
        "王某某", kind=SubjectKind.NATURAL_PERSON, id_type="01", id_number=person_id
    )
    representative_id = resident_id_for(date(1970, 1, 2), "330102")
    recent = timezone.localdate() - timedelta(days=10)
    submit(
        client,
        "CF",
        [
            penalty_row(
                1, authority, uscc=target.uscc, decided=recent, CF_XDR_MC=target.name,
                CF_SY=PUBLIC_FACT, CF_FR_ZJLX="01", CF_FR_ZJHM=representative_id,
            ),
            penalty_row(
                2, authority, uscc=target.uscc, decided=recent, CF_XDR_MC=target.name,
                CF_SY=SECRET_MARKERS["withdrawn"],
            ),
            penalty_row(
                3, authority, uscc=target.uscc, decided=date(2024, 6, 3),
                CF_XDR_MC=target.name, CF_SY=SECRET_MARKERS["expired"],
            ),
            penalty_row(
                4, authority, person=True, decided=recent, CF_XDR_MC=person.name,
                CF_XDR_ZJHM=person_id,
            ),
        ],
    )  # fmt: skip
    submit(client, "QZ", [decision_row("QZ", 5, authority, target, SECRET_MARKERS["shared"])])
    submit(
        client, "JF", [decision_row("JF", 6, authority, target, SECRET_MARKERS["not_disclosed"])]
    )
    records = {
        "public": Record.objects.get(decision_number="杭市监罚〔2025〕1号"),
        "withdrawn": Record.objects.get(decision_number="杭市监罚〔2025〕2号"),
        "expired": Record.objects.get(decision_number="杭市监罚〔2025〕3号"),
        "person": Record.objects.get(decision_number="杭市监罚〔2025〕4号"),
        "shared": Record.objects.get(item_code="QZ"),
        "not_disclosed": Record.objects.get(item_code="JF"),
    }
    response = client.post(
        f"/api/v1/records/{records['withdrawn'].pk}/withdraw",
        {"reason": "处罚决定被撤销", "decision_changed_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    client.logout()
    for r in records.values():
        r.refresh_from_db()
    assert records["public"].is_published and records["person"].is_published
    assert records["withdrawn"].status == RecordStatus.WITHDRAWN
    assert not records["expired"].is_published
    assert not records["shared"].is_published and not records["not_disclosed"].is_published
    listed = case_in(CaseState.LISTED)
    return World(
        department=department,
        reporter=reporter,
        company=target,
        person=Subject.objects.get(pk=person.pk),
        person_id=person_id,
        representative_id=representative_id,
        listed=listed,
        records=records,
    )
