"""Objections: filed by the subject or a department, answered by the owning department within
the jurisdiction's working days, corrected / revoked / upheld with reasons, the subject told,
affected listings traced; a listing objection delegated to the listing procedure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import DepartmentKind
from xinyong.core.tests.fixtures import uscc_for
from xinyong.errors import PermissionDenied
from xinyong.lists import actions as list_actions
from xinyong.lists.choices import CaseState, LeniencyOutcome
from xinyong.lists.models import ListingCase
from xinyong.records.choices import RecordStatus
from xinyong.records.models import Record
from xinyong.repair import actions
from xinyong.repair.choices import NotificationKind, ObjectionOutcome, ObjectionStatus
from xinyong.repair.errors import RepairConflict, RepairRefused
from xinyong.repair.models import Notification, Objection
from xinyong.repair.queries import items_under_objection
from xinyong.repair.tests.conftest import Clock, People
from xinyong.repair.tick import run_repair_tick

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 2)  # a Monday


def file(record: Record, identifier: str, **kwargs: object) -> Objection:
    fields: dict[str, object] = {
        "ground": "wrong",
        "statement": "罚款金额记录有误，应为 1.0 万元。",
        "filer_name": "李明",
        "subject_identifier": identifier,
        "acting_user": None,
        "today": DAY,
    }
    fields.update(kwargs)
    return actions.do_file_objection(record, **fields)  # type: ignore[arg-type]


def test_subject_objects_and_the_department_revokes(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str
) -> None:
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    objection = file(record, company_uscc)
    # national default: 10 working days (seed 003); 2 Nov 2026 + 10 working days.
    assert objection.answer_working_days == 10
    assert objection.answer_due_on == date(2026, 11, 16)
    assert items_under_objection(subject_ids=[record.subject_id]).record(record.pk)
    assert Notification.objects.filter(objection=objection, recipient="subject").count() == 1

    with pytest.raises(PermissionDenied):
        actions.do_decide_objection(
            objection, outcome="revoked", reasons="x", acting_user=people.outsider, today=DAY
        )
    decided = actions.do_decide_objection(
        objection,
        outcome=ObjectionOutcome.REVOKED,
        reasons="经核实，处罚决定已被复议机关撤销。",
        acting_user=people.clerk,
        today=DAY,
    )
    assert decided.status == ObjectionStatus.DECIDED and decided.outcome == "revoked"
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    assert not items_under_objection(subject_ids=[record.subject_id]).record(record.pk)
    told = Notification.objects.get(objection=objection, kind=NotificationKind.OBJECTION_DECIDED)
    assert "撤销" in told.message_zh
    with pytest.raises(RepairConflict) as again:
        actions.do_decide_objection(
            objection, outcome="upheld", reasons="x", acting_user=people.clerk, today=DAY
        )
    assert again.value.code == "REPAIR_OBJECTION_ALREADY_DECIDED"
    assert AuditEvent.objects.filter(event_type=EventType.OBJECTION_DECIDED).count() == 1


def test_upheld_needs_reasons_and_changes_nothing(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str
) -> None:
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    objection = file(record, company_uscc)
    with pytest.raises(RepairRefused) as refused:
        actions.do_decide_objection(
            objection, outcome="upheld", reasons=" ", acting_user=people.clerk, today=DAY
        )
    assert refused.value.code == "REPAIR_REASONS_REQUIRED"
    actions.do_decide_objection(
        objection, outcome="upheld", reasons="信息与处罚决定书一致。", acting_user=people.clerk,
        today=DAY,
    )  # fmt: skip
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE


@pytest.mark.parametrize("who", ["stranger", "blank"])
def test_someone_else_may_not_object_and_nothing_is_written(
    clock: Clock, report: Callable[..., Record], who: str
) -> None:
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    with pytest.raises(RepairRefused) as refused:
        file(record, uscc_for() if who == "stranger" else "")
    assert refused.value.code == "REPAIR_NOT_YOUR_RECORD"
    assert not Objection.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.OBJECTION_FILED).exists()


def test_a_second_pending_objection_is_refused(
    clock: Clock, report: Callable[..., Record], company_uscc: str
) -> None:
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    file(record, company_uscc)
    with pytest.raises(RepairConflict) as dup:
        file(record, company_uscc)
    assert dup.value.code == "REPAIR_OBJECTION_PENDING"


def test_a_department_objects_in_its_own_name_and_a_local_setting_overrides_the_period(
    people: People,
    clock: Clock,
    report: Callable[..., Record],
    load_policy_text: Callable[..., Any],
) -> None:
    # A jurisdiction following seed 000 answers in 3 working days (local edition).
    load_policy_text(
        """
kind = "settings"
code = "kashgar-settings"
edition = "2026.1"
effective_from = 2021-08-26
jurisdiction = "local"
legal_source = "喀署办发〔2021〕70号"
[[settings]]
key = "objection.answer_working_days"
value = 3
legal_source = "喀署办发〔2021〕70号 二(二)2(3)"
"""
    )
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    objection = actions.do_file_objection(
        record, ground="inconsistent", statement="与认定部门公示内容不一致。", filer_name="王五",
        acting_user=people.checker, today=DAY,
    )  # fmt: skip
    assert objection.filed_by == "department" and objection.filing_department == people.other
    assert objection.answer_due_on == date(2026, 11, 5)


def test_an_overdue_objection_is_told_to_the_department_once(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str
) -> None:
    record = report(date(2026, 10, 20), "general")
    clock.set(DAY)
    objection = file(record, company_uscc)
    assert run_repair_tick(today=date(2026, 11, 16)).overdue == []
    assert run_repair_tick(today=date(2026, 11, 17)).overdue == [objection.reference]
    assert run_repair_tick(today=date(2026, 11, 18)).overdue == []


def _listed_case(people: People, record: Record, *, make_department: Callable[..., Any],
                 make_user: Callable[..., Any]) -> ListingCase:  # fmt: skip
    """A wage-arrears listing resting on ``record`` (same subject, its decision number)."""
    hr = make_department("示范市人社局", kind=DepartmentKind.SECTOR_AUTHORITY)
    clerk = make_user("department_reporter", department=hr, username="hrclerk")
    case = list_actions.do_create_listing_case(
        list_type_code="wage-arrears", subject=record.subject, department=hr,
        basis_document_type="penalty_decision", basis_document_number=record.decision_number,
        basis_document_date=date(2026, 3, 2), basis_document_issuer="示范市人社局",
        facts="拖欠工资。", acting_user=clerk, today=date(2026, 3, 2),
    )  # fmt: skip
    case = list_actions.do_issue_prior_notice(
        case, notice_date=date(2026, 3, 2), acting_user=clerk, today=date(2026, 3, 2)
    )
    case = list_actions.do_close_objection_window(case, acting_user=None, today=date(2026, 3, 10))
    list_actions.do_record_leniency_assessment(
        case, grounds_found=[], outcome=LeniencyOutcome.NO_GROUNDS, conclusion="无。",
        acting_user=clerk, today=date(2026, 3, 10),
    )  # fmt: skip
    case = list_actions.do_decide_listing(
        case, decision_date=date(2026, 3, 10), acting_user=clerk, today=date(2026, 3, 10)
    )
    return list_actions.do_publish_listing(
        case, listed_on=date(2026, 3, 12), acting_user=people.reviewer, today=date(2026, 3, 12)
    )


def test_a_corrected_record_tells_the_department_of_a_listing_resting_on_it(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(DAY)
    objection = file(record, company_uscc)
    actions.do_decide_objection(
        objection, outcome="corrected", reasons="金额已更正。", acting_user=people.clerk, today=DAY
    )
    notice = Notification.objects.get(kind=NotificationKind.AFFECTED_LISTING)
    assert notice.listing_case_id == case.pk
    assert notice.department_id == case.initiating_department_id


def test_a_listing_from_objection_to_suspension_rejection_and_resumed_term(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    term_end = case.term_end
    assert term_end is not None
    clock.set(date(2026, 6, 1))
    objection = actions.do_file_objection(
        case, ground="wrong", statement="工资已全部支付。", filer_name="李明",
        subject_identifier=company_uscc, acting_user=None, today=date(2026, 6, 1),
    )  # fmt: skip
    assert objection.status == ObjectionStatus.PENDING
    assert items_under_objection(listing_case_ids=[case.pk]).listing(case.pk)
    # The credit office enters it in the listing procedure: the measures are suspended.
    clock.set(date(2026, 6, 2))
    objection = actions.do_forward_objection_to_listing(
        objection, acting_user=people.reviewer, today=date(2026, 6, 2)
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and case.suspended_since == date(2026, 6, 1)
    # The initiating department rejects it (information upheld): the term resumes, moved by
    # the 10 days it stood still (seed 004; docs/decisions/0021).
    clock.set(date(2026, 6, 11))
    hr_clerk = case.initiating_department.memberships.get().user
    actions.do_decide_objection(
        objection, outcome="upheld", reasons="经核实，工资仍未支付完毕。", acting_user=hr_clerk,
        today=date(2026, 6, 11),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.LISTED
    assert case.term_end == term_end + (date(2026, 6, 11) - date(2026, 6, 1))
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DECIDED and objection.outcome == "upheld"
    assert not items_under_objection(listing_case_ids=[case.pk]).listing(case.pk)


def test_an_answer_given_in_the_lists_console_is_mirrored_by_the_tick(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(date(2026, 6, 1))
    objection = actions.do_file_objection(
        case, ground="wrong", statement="已支付。", filer_name="李明", acting_user=people.reviewer,
        today=date(2026, 6, 1),
    )  # fmt: skip
    assert objection.status == ObjectionStatus.IN_LISTING_PROCEDURE
    hr_clerk = case.initiating_department.memberships.get().user
    list_actions.do_answer_objection(
        case.pk, upheld=True, answer="异议成立。", acting_user=hr_clerk, today=date(2026, 6, 5)
    )
    assert run_repair_tick(today=date(2026, 6, 6)).synced == [objection.pk]
    objection.refresh_from_db()
    assert objection.outcome == "revoked" and objection.decided_on == date(2026, 6, 5)
    assert run_repair_tick(today=date(2026, 6, 6)).synced == []


def _check(people: People, uscc: str, day: date) -> Any:
    """A procurement check of the company by the other bureau's checker on ``day``."""
    from xinyong.checks.actions import do_check_subject

    return do_check_subject(
        uscc, matter="government_procurement", purpose="政府采购供应商资格审查",
        department=people.other, acting_user=people.checker, today=day,
    ).check  # fmt: skip


def test_a_revoked_record_tells_the_department_of_a_check_that_relied_on_its_listing(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(date(2026, 5, 6))
    check = _check(people, company_uscc, date(2026, 5, 6))
    assert check.restricted_count == 1
    clock.set(DAY)
    objection = file(record, company_uscc)
    actions.do_decide_objection(
        objection, outcome="revoked", reasons="处罚决定已被撤销。", acting_user=people.clerk,
        today=DAY,
    )  # fmt: skip
    notice = Notification.objects.get(kind=NotificationKind.AFFECTED_CHECK)
    assert notice.department_id == people.other.pk
    assert notice.listing_case_id == case.pk and notice.objection_id == objection.pk
    assert str(check.public_id) in notice.message_zh and "2026-05-06" in notice.message_zh
    assert case.reference in notice.message_en and "revoked" in notice.message_en
    event = AuditEvent.objects.get(event_type=EventType.OBJECTION_DECIDED)
    assert (event.after or {})["affected_checks"] == [str(check.public_id)]


def test_a_listing_revoked_on_objection_tells_recent_checkers_only_once(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(date(2026, 4, 1))
    check = _check(people, company_uscc, date(2026, 4, 1))
    clock.set(date(2026, 6, 1))
    objection = actions.do_file_objection(
        case, ground="wrong", statement="已支付。", filer_name="李明", acting_user=people.reviewer,
        today=date(2026, 6, 1),
    )  # fmt: skip
    # While the objection suspends the measures, a check is not restricted: nobody to tell.
    suspended = _check(people, company_uscc, date(2026, 6, 1))
    assert suspended.restricted_count == 0
    hr_clerk = case.initiating_department.memberships.get().user
    clock.set(date(2026, 6, 5))
    actions.do_decide_objection(
        objection, outcome="revoked", reasons="异议成立，撤销列入。", acting_user=hr_clerk,
        today=date(2026, 6, 5),
    )  # fmt: skip
    notices = Notification.objects.filter(kind=NotificationKind.AFFECTED_CHECK)
    assert [n.key for n in notices] == [f"affected-check:{objection.pk}:{check.pk}:{case.pk}"]
    assert "已撤销" in notices[0].message_zh
    # Tracing again (the tick mirroring, a retry) tells nobody twice.
    actions.objections._tell_affected_checks(
        objection, outcome="revoked", case_ids=[case.pk], today=date(2026, 6, 5)
    )
    assert Notification.objects.filter(kind=NotificationKind.AFFECTED_CHECK).count() == 1


def test_checks_older_than_two_years_are_not_traced(
    people: People, clock: Clock, report: Callable[..., Record], company_uscc: str,
    make_department: Callable[..., Any], make_user: Callable[..., Any],
) -> None:  # fmt: skip
    record = report(date(2026, 3, 2), "serious")
    case = _listed_case(people, record, make_department=make_department, make_user=make_user)
    clock.set(date(2026, 4, 1))
    check = _check(people, company_uscc, date(2026, 4, 1))
    found = actions.objections.checks_citing_listings(
        [case.pk], subject_id=record.subject_id, since=date(2026, 4, 1)
    )
    assert found == [(check, [case.pk])]
    assert not actions.objections.checks_citing_listings(
        [case.pk], subject_id=record.subject_id, since=date(2026, 4, 2)
    )
    assert not actions.objections.checks_citing_listings(
        [case.pk + 1000], subject_id=record.subject_id, since=date(2026, 1, 1)
    )
