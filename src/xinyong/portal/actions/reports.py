"""Issuing a public credit report: store its code, hash and summary, audit it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import Subject, User
from xinyong.portal.models import CreditReport


@transaction.atomic
def do_issue_credit_report(
    subject: Subject,
    *,
    code: str,
    language: str,
    generated_at: datetime,
    as_of: date,
    sha256: str,
    size: int,
    summary: dict[str, Any],
    acting_user: User | None,
) -> CreditReport:
    """Record a report rendered by ``xinyong.portal.reports.render_report`` (the PDF is
    rendered before, outside the transaction; only its hash is kept). ``acting_user`` is the
    logged-in user who asked for it, None for a member of the public. Event 8901
    ``CREDIT_REPORT_ISSUED`` with the code, the hash and the counts."""
    report = CreditReport.objects.create(
        code=code,
        subject=subject,
        subject_name=subject.name,
        subject_identifier=subject.display_identifier,
        language=language,
        generated_at=generated_at,
        as_of=as_of,
        sha256=sha256,
        size=size,
        summary=summary,
        created_by=acting_user,
    )
    record_event(
        EventType.CREDIT_REPORT_ISSUED,
        acting_user=acting_user,
        obj=report,
        subject_id=subject.pk,
        actor_label="public:portal",
        after={
            "code": code,
            "sha256": sha256,
            "size": size,
            "as_of": as_of.isoformat(),
            "language": language,
            "counts": summary.get("counts", {}),
        },
    )
    return report
