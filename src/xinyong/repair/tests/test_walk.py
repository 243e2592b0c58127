"""A penalty of each severity under each regime, from the decision to eligibility, the
reminder, the application, the initial review, the approval and the end of publication; and
a second penalty of the same kind that simply reaches the end of its period (RULES §3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.choices import ApplicationStatus, NotificationKind, SyncDirection
from xinyong.repair.eligibility import eligibility, notice_day
from xinyong.repair.errors import RepairRefused
from xinyong.repair.models import Notification, RepairSyncEvent
from xinyong.repair.tests.conftest import TWO_MATERIALS, Clock, People, materials
from xinyong.repair.tick import run_repair_tick

pytestmark = pytest.mark.django_db

# (regime, decision date, severity, expected eligible-from, expected publication end)
CASES = [
    # 527号: general 3 months – 1 year; serious 6 months – 3 years.
    ("ndrc-527-2019", date(2022, 3, 1), "general", date(2022, 6, 2), date(2023, 3, 1)),
    ("ndrc-527-2019", date(2022, 3, 1), "serious", date(2022, 9, 2), date(2025, 3, 1)),
    # Order 58: general 3 months – 1 year; serious 1 – 3 years.
    ("ndrc-order-58", date(2024, 3, 1), "general", date(2024, 6, 2), date(2025, 3, 1)),
    ("ndrc-order-58", date(2024, 3, 1), "serious", date(2025, 3, 2), date(2027, 3, 1)),
    # 22号 + Order 36: light at once, at most 3 months; general; serious.
    ("gbf-22-2026-light", date(2026, 4, 10), "light", date(2026, 4, 10), date(2026, 7, 10)),
    ("gbf-22-2025-order-36", date(2026, 4, 10), "general", date(2026, 7, 11), date(2027, 4, 10)),
    ("gbf-22-2025-order-36", date(2026, 4, 10), "serious", date(2027, 4, 11), date(2029, 4, 10)),
]


@pytest.mark.parametrize(("regime", "decided", "severity", "eligible", "ends"), CASES)
def test_a_penalty_from_decision_to_repair_and_to_the_end_of_publication(
    people: People,
    clock: Clock,
    report: Callable[..., Record],
    company_uscc: str,
    regime: str,
    decided: date,
    severity: str,
    eligible: date,
    ends: date,
) -> None:
    record = report(decided, severity)
    other = report(decided, severity)
    assert record.publication_max_end == ends
    found = eligibility(record)
    assert found.repairable and found.eligible_from == eligible
    assert found.regime_code == regime.replace("gbf-22-2026-light", "gbf-22-2025-order-36")

    # Before eligibility: refused, nothing written.
    if eligible > decided:
        day = clock.set(eligible - timedelta(days=1))
        with pytest.raises(RepairRefused) as refused:
            actions.do_submit_repair_application(
                record,
                subject_identifier=company_uscc,
                applicant_name="李明",
                statement="罚款已缴清，已整改。",
                materials=materials(*TWO_MATERIALS),
                today=day,
            )
        assert refused.value.code == "REPAIR_NOT_YET_ELIGIBLE"
        assert refused.value.details["eligible_from"] == eligible.isoformat()
        assert not record.repair_applications.exists()

    # The reminder, N working days ahead (seed 000: 3), once.
    notice = notice_day(eligible, on=eligible).day
    if notice > decided:
        assert run_repair_tick(today=notice - timedelta(days=1)).reminded == []
    tick = run_repair_tick(today=max(notice, decided))
    assert record.pk in tick.reminded
    assert run_repair_tick(today=max(notice, decided)).reminded == []
    assert (
        Notification.objects.filter(kind=NotificationKind.ELIGIBLE_SOON, record=record).count() == 1
    )

    # Apply on the first eligible day, review, approve.
    day = clock.set(eligible)
    application = actions.do_submit_repair_application(
        record,
        subject_identifier=company_uscc,
        applicant_name="李明",
        statement="罚款已缴清，已整改。",
        materials=materials(*TWO_MATERIALS),
        today=day,
    )
    assert application.status == ApplicationStatus.INITIAL_REVIEW
    assert application.due_on is not None and application.due_on > day
    application = actions.do_review_repair_application(
        application, passed=True, acting_user=people.reviewer, today=day
    )
    assert application.status == ApplicationStatus.AUTHORITY_REVIEW
    # 22号 (procedures from 2026-04-01): the sector authority decides in 3 working days;
    # the older regimes set no number (docs/decisions/0051-procedural-deadlines.md).
    assert application.due_working_days == (3 if day >= date(2026, 4, 1) else None)
    application = actions.do_decide_repair_application(
        application, approve=True, acting_user=people.clerk, today=day
    )
    assert application.status == ApplicationStatus.APPROVED
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and not record.is_published
    assert AuditEvent.objects.filter(
        event_type=EventType.RECORD_REPAIRED, object_id=str(record.pk)
    ).exists()
    event = RepairSyncEvent.objects.get(application=application)
    assert event.direction == SyncDirection.OUTGOING
    assert event.payload["record"]["decision_number"] == record.decision_number

    # The other penalty stays published until its maximum, then the tick ends it.
    run_repair_tick(today=ends)
    other.refresh_from_db()
    assert other.status == RecordStatus.ACTIVE
    assert run_repair_tick(today=ends + timedelta(days=1)).expired == 1
    other.refresh_from_db()
    assert other.status == RecordStatus.EXPIRED
    assert run_repair_tick(today=ends + timedelta(days=1)).expired == 0
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED  # repair is not overwritten by expiry


@pytest.mark.parametrize(
    ("decided", "ends"),
    [(date(2022, 3, 1), date(2025, 3, 1)), (date(2024, 3, 1), date(2027, 3, 1)),
     (date(2026, 4, 10), date(2029, 4, 10))],
)  # fmt: skip
def test_a_specific_serious_penalty_is_never_repairable_and_ends_after_three_years(
    clock: Clock, report: Callable[..., Record], company_uscc: str, decided: date, ends: date
) -> None:
    record = report(decided, "serious", specific=True)
    assert record.specific_serious and record.publication_max_end == ends
    found = eligibility(record)
    assert found.barred_code == "REPAIR_SPECIFIC_SERIOUS"
    day = clock.set(ends - timedelta(days=10))
    with pytest.raises(RepairRefused) as refused:
        actions.do_submit_repair_application(
            record,
            subject_identifier=company_uscc,
            applicant_name="李明",
            statement="已整改。",
            materials=materials(*TWO_MATERIALS),
            today=day,
        )
    assert refused.value.code == "REPAIR_SPECIFIC_SERIOUS"
    assert run_repair_tick(today=day).reminded == []
    assert run_repair_tick(today=ends + timedelta(days=1)).expired == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED
