"""Fixtures of the repair tests, built through actions and the public API (STYLE §13).

A market regulation bureau (a sector authority that reports penalties and decides repair), a
credit office with a reviewer, another bureau; a company; ``report`` sends one penalty
through the collection API with the clock set two days after its decision, so that every
regime (527号, Order 58, 22号) can be exercised with real dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from xinyong.core.choices import DepartmentKind, Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.records.models import Record
from xinyong.records.tests.factories import penalty_row
from xinyong.repair.materials import MaterialFile

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

SEVERITY_ZH = {"light": "轻微", "general": "一般", "serious": "严重"}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.VAR_DIR = tmp_path_factory.mktemp("var")


class Clock:
    """``timezone.now()`` fixed at a moment the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)

    def set(self, day: date, hour: int = 10) -> date:
        self.now = datetime.combine(day, time(hour), tzinfo=SHANGHAI)
        return day


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@dataclass
class People:
    bureau: Department
    credit_office: Department
    other: Department
    clerk: User  # department reporter of the bureau (owns the records)
    reviewer: User  # credit-office reviewer
    outsider: User  # department reporter of another bureau
    checker: User  # department checker of the other bureau


@pytest.fixture
def people(
    loaded_policy: Any,
    make_department: Callable[..., Department],
    make_user: Callable[..., User],
) -> People:
    bureau = make_department("示范市市场监督管理局", short_name="示范市监")
    credit = make_department("示范市信用办", kind=DepartmentKind.CREDIT_OFFICE)
    other = make_department("示范市生态环境局")
    return People(
        bureau=bureau,
        credit_office=credit,
        other=other,
        clerk=make_user(Role.DEPARTMENT_REPORTER, department=bureau, username="clerk"),
        reviewer=make_user(Role.CREDIT_OFFICE_REVIEWER, department=credit, username="reviewer"),
        outsider=make_user(Role.DEPARTMENT_REPORTER, department=other, username="outsider"),
        checker=make_user(Role.DEPARTMENT_CHECKER, department=other, username="checker"),
    )


@pytest.fixture
def company_uscc() -> str:
    return uscc_for()


_numbers = iter(range(1, 100000))


@pytest.fixture
def report(people: People, clock: Clock, company_uscc: str) -> Callable[..., Record]:
    """``report(decided, severity, specific=False, uscc=None)``: one penalty of the bureau,
    reported two days after its decision; returns the record."""

    def make(
        decided: date, severity: str = "general", *, specific: bool = False,
        uscc: str | None = None,
    ) -> Record:  # fmt: skip
        clock.set(decided + timedelta(days=2))
        n = next(_numbers)
        extra: dict[str, Any] = {"XY_TDYZ": "是", "CF_CFLB": "责令停产停业"} if specific else {}
        row = penalty_row(
            n,
            people.bureau.code,
            uscc=uscc or company_uscc,
            decided=decided,
            CF_WSH=f"示市监罚〔{decided.year}〕{n}号",
            XY_QZCD=SEVERITY_ZH[severity],
            **extra,
        )
        client = Client()
        client.force_login(people.clerk)
        response = client.post(
            "/api/v1/records/batches",
            {"item": "CF", "rows": [row]},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        found = Record.objects.filter(decision_number=row["CF_WSH"]).first()
        if found is None:
            rows = client.get(f"/api/v1/records/batches/{response.json()['id']}/rows")
            raise AssertionError(rows.content.decode())
        return found

    return make


@pytest.fixture
def company(report: Callable[..., Record], company_uscc: str) -> Callable[[], Subject]:
    def get() -> Subject:
        return Subject.objects.get(uscc=company_uscc)

    return get


def materials(*codes: str) -> list[MaterialFile]:
    return [MaterialFile(code, f"{code}.pdf", PDF) for code in codes]


TWO_MATERIALS = ("proof-of-performance", "credit-commitment")
