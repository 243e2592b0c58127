"""Objects of the portal for the permission matrix (``xinyong.security.matrix``): the values
its public URLs take (a subject's code, a report's verification code)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from xinyong.portal.actions.reports import do_issue_credit_report

World = Any  # tests/security/conftest.py: World


def company_code(world: World) -> str:
    return str(world.company.uscc)


def make_report_code(world: World) -> str:
    """A credit report of the world company as recorded when it is issued (only its hash and
    summary are kept), by its verification code."""
    now = timezone.now()
    report = do_issue_credit_report(
        world.company,
        code="MATRIXREPORT0001",
        language="zh-hans",
        generated_at=now,
        as_of=timezone.localdate(),
        sha256=hashlib.sha256(b"matrix").hexdigest(),
        size=6,
        summary={},
        acting_user=None,
    )
    return report.code
