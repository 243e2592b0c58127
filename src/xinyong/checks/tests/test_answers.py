"""The answers of a check: restricted, incentive, clear; suspended measures; expiry; refusals;
the record (Check, CheckAnswer, the query register and the audit chain)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.checks.actions import CheckResult, do_check_subject
from xinyong.checks.choices import Answer, MeasureState
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.tests.conftest import Checkers, red_listing
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.errors import CodedError
from xinyong.lists import actions as list_actions
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People
from xinyong.security.actions.register import do_anchor_register, verify_register
from xinyong.security.models import AccessRecord
from xinyong.security.principals import Principal

pytestmark = pytest.mark.django_db

D = date
PROCUREMENT = "government_procurement"


def check(checkers: Checkers, code: str, matter: str = PROCUREMENT, **kwargs: Any) -> CheckResult:
    kwargs.setdefault("purpose", "政府采购供应商资格审查")
    return do_check_subject(
        code, matter=matter, department=checkers.centre, acting_user=checkers.checker, **kwargs
    )


def test_listed_subject_is_restricted_with_basis_case_and_decision(
    people: People,
    checkers: Checkers,
    company: Subject,
    case_in: Callable[..., ListingCase],
) -> None:
    case = case_in(CaseState.LISTED)
    assert company.uscc
    result = check(checkers, company.uscc, reference="SFCG-2026-118")
    a = result.answer
    assert a.answer == Answer.RESTRICTED
    assert a.subject_known and not a.objection_pending
    codes = {m.code for m in a.measures}
    assert codes == {"restrict-government-procurement"}
    measure = a.measures[0]
    assert measure.state == MeasureState.APPLIED
    assert "第四十八条" in measure.legal_basis or measure.legal_basis
    assert measure.implementing_department_kinds
    assert measure.case_id == case.pk
    [listing] = a.listings
    decision = case.documents.get(kind="decision")
    assert listing.decision_number == decision.number
    assert listing.basis_document_number == "示人社监令〔2026〕12号"
    assert (listing.listed_on, listing.term_end) == (D(2026, 3, 12), D(2029, 3, 12))
    stored = Check.objects.get()
    assert stored.public_id == result.check.public_id
    assert (stored.restricted_count, stored.subject_count) == (1, 1)
    assert stored.reference == "SFCG-2026-118"
    line = CheckAnswer.objects.get()
    assert line.subject_id == company.pk and line.answer == Answer.RESTRICTED
    assert isinstance(line.detail, dict)
    assert line.detail["listings"][0]["decision_number"] == decision.number


def test_matter_without_a_measure_of_the_listing_is_clear(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    assert company.uscc
    # The wage-arrears memorandum binds no measure on high consumption.
    result = check(checkers, company.uscc, matter="high_consumption")
    assert result.answer.answer == Answer.CLEAR
    assert result.answer.measures == [] and result.answer.listings == []


def test_red_list_gives_an_incentive(people: People, checkers: Checkers, company: Subject) -> None:
    red_listing(people, company)
    assert company.uscc
    result = check(checkers, company.uscc, matter="licence_approval")
    assert result.answer.answer == Answer.INCENTIVE
    assert {m.code for m in result.answer.measures} == {
        "green-channel",
        "accept-with-missing-documents",
    }
    assert {m.side for m in result.answer.measures} == {"incentive"}


def test_restriction_wins_over_an_incentive(
    people: People, checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    red_listing(people, company)
    assert company.uscc
    result = check(checkers, company.uscc, matter="bidding")
    assert result.answer.answer == Answer.RESTRICTED
    assert {m.side for m in result.answer.measures} == {"punishment", "incentive"}


def test_pending_objection_suspends_the_measures(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.SUSPENDED)  # objection received 2026-06-01, not answered
    assert company.uscc
    result = check(checkers, company.uscc)
    a = result.answer
    assert a.answer == Answer.CLEAR
    assert a.objection_pending
    assert [m.state for m in a.measures] == [MeasureState.SUSPENDED]
    assert a.listings[0].suspended and a.listings[0].suspended_since == D(2026, 6, 1)
    assert result.document["receipt"]["answers"][0]["suspended"] == [
        "restrict-government-procurement"
    ]


def test_rejected_objection_applies_the_measures_again(
    people: People, checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.SUSPENDED)
    list_actions.do_answer_objection(
        case,
        upheld=False,
        answer="经核实，工资尚未支付。",
        acting_user=people.clerk,
        today=D(2026, 6, 11),
    )
    assert company.uscc
    assert check(checkers, company.uscc).answer.answer == Answer.RESTRICTED


def test_expired_listing_is_clear_even_before_the_tick_runs(
    people: People, checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)  # term ends 2029-03-12
    assert company.uscc
    assert check(checkers, company.uscc, today=D(2029, 3, 12)).answer.answer == Answer.RESTRICTED
    assert check(checkers, company.uscc, today=D(2029, 3, 13)).answer.answer == Answer.CLEAR
    list_actions.do_expire_listing(case, today=D(2029, 3, 13))
    assert check(checkers, company.uscc, today=D(2029, 3, 14)).answer.answer == Answer.CLEAR


def test_removed_listing_is_clear(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.REMOVED)  # revoked 2026-04-01
    assert company.uscc
    assert check(checkers, company.uscc).answer.answer == Answer.CLEAR


def test_unknown_valid_subject_is_clear_and_flagged(checkers: Checkers) -> None:
    result = check(checkers, uscc_for())
    assert result.answer.answer == Answer.CLEAR
    assert not result.answer.subject_known
    assert result.document["receipt"]["answers"][0]["known"] is False


def test_person_is_found_by_id_number_and_stored_masked(
    people: People, checkers: Checkers, make_subject: Callable[..., Subject]
) -> None:
    number = resident_id_for()
    subject = make_subject("李四", kind=SubjectKind.NATURAL_PERSON, id_number=number)
    result = check(checkers, number)
    assert result.answer.subject_known and result.answer.subject
    assert result.answer.subject.pk == subject.pk
    line = CheckAnswer.objects.get()
    assert number not in line.subject_code and "*" in line.subject_code
    assert number not in Check.objects.get().receipt_payload
    assert number not in str(AccessRecord.objects.get().query)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91330102MA2B3C4D5X", "USCC_BAD_CHECK"),
        ("913301", "USCC_BAD_LENGTH"),
        ("", "IDENTIFIER_EMPTY"),
    ],
)
def test_invalid_code_is_refused_not_clear(checkers: Checkers, code: str, rule: str) -> None:
    with pytest.raises(CodedError) as caught:
        check(checkers, code)
    assert caught.value.code == "CHECK_SUBJECT_INVALID"
    assert caught.value.status == 422
    assert caught.value.details["rule"] == rule
    assert not Check.objects.exists() and not AccessRecord.objects.exists()


def test_unknown_matter_is_refused(checkers: Checkers, company: Subject) -> None:
    assert company.uscc
    with pytest.raises(CodedError) as caught:
        check(checkers, company.uscc, matter="space_travel")
    assert caught.value.code == "CHECK_MATTER_UNKNOWN"
    assert PROCUREMENT in caught.value.details["known"]
    assert not Check.objects.exists()


def test_purpose_is_required(checkers: Checkers, company: Subject) -> None:
    assert company.uscc
    with pytest.raises(CodedError) as caught:
        check(checkers, company.uscc, purpose="  ")
    assert caught.value.code == "ACCESS_PURPOSE_REQUIRED"
    assert not Check.objects.exists()


def test_only_a_checker_of_the_department_may_check(checkers: Checkers, company: Subject) -> None:
    assert company.uscc
    for user in (checkers.reporter, checkers.other_checker):
        with pytest.raises(CodedError) as caught:
            do_check_subject(
                company.uscc,
                matter=PROCUREMENT,
                purpose="x",
                department=checkers.centre,
                acting_user=user,
            )
        assert caught.value.code == "PERMISSION_DENIED"
    assert not Check.objects.exists()


def test_the_check_is_in_the_query_register_and_the_audit_chain(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    assert company.uscc
    result = check(checkers, company.uscc, reference="SFCG-1")
    access = AccessRecord.objects.get()
    assert access.subject_id == company.pk
    assert access.department_code == checkers.centre.code
    assert access.actor_label == "checker"
    assert access.purpose == "政府采购供应商资格审查"
    assert access.object_type == "checks.check"
    assert access.object_id == str(result.check.public_id)
    assert isinstance(access.query, dict)
    assert access.query["receipt_sha256"] == result.check.receipt_sha256
    assert access.query["answer"] == Answer.RESTRICTED
    # In a register chain, anchored in the audit chain (docs/decisions/0070).
    assert access.audit_seq is None and access.chain is not None and access.chain_seq == 1
    assert verify_register() == []
    assert do_anchor_register() == 1
    event = AuditEvent.objects.get(event_type=EventType.REGISTER_ANCHORED)
    assert event.after == {"chain": access.chain, "seq": 1, "hash": access.row_hash}
    assert result.access == access
    assert verify_chain().ok
    assert verify_register() == []


def test_checks_are_append_only(checkers: Checkers, company: Subject) -> None:
    assert company.uscc
    result = check(checkers, company.uscc)
    with pytest.raises(Exception, match="cannot be changed"):
        result.check.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        CheckAnswer.objects.get().delete()


def test_token_principal_checks_for_its_own_department_only(
    checkers: Checkers, company: Subject, token: Callable[..., object]
) -> None:
    issued = token("check")
    principal = Principal.for_token(issued.token)  # type: ignore[attr-defined]
    assert company.uscc
    result = do_check_subject(
        company.uscc,
        matter=PROCUREMENT,
        purpose="x",
        department=checkers.centre,
        acting_user=principal,
    )
    assert result.check.token_id == issued.token.pk  # type: ignore[attr-defined]
    with pytest.raises(CodedError) as caught:
        do_check_subject(
            company.uscc,
            matter=PROCUREMENT,
            purpose="x",
            department=checkers.other,
            acting_user=principal,
        )
    assert caught.value.code == "DEPARTMENT_MISMATCH"
