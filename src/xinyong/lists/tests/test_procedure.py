"""The listing procedure: the declared table, every transition, every refusal, who may fire
what, and stale forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject, User
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.choices import (
    CaseState,
    DocumentKind,
    DueKind,
    LeniencyOutcome,
    ObjectionOutcome,
    RemovalReason,
)
from xinyong.lists.models import ListingCase, ListingObjection
from xinyong.lists.procedure import (
    FINAL_STATES,
    START,
    TRANSITIONS,
    allowed_actions,
    documentation_block,
    transition,
)
from xinyong.lists.tests.conftest import People, no_grounds, open_wage_case

pytestmark = pytest.mark.django_db

D = date


def events(case: ListingCase) -> list[int]:
    return list(
        AuditEvent.objects.filter(object_type="lists.listingcase", object_id=str(case.pk))
        .order_by("seq")
        .values_list("event_type", flat=True)
    )


def refused(code: str, call: Callable[[], Any]) -> CodedError:
    with pytest.raises(CodedError) as exc:
        call()
    assert exc.value.code == code, (exc.value.code, exc.value.message_en)
    return exc.value


# -- the table ---------------------------------------------------------------------------------


def test_docs_show_the_diagram_generated_from_the_table() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "lists.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- procedure:begin.*?<!-- procedure:end -->", text, flags=re.DOTALL)
    assert block is not None
    assert block.group(0) == documentation_block(), "run `xinyong lists diagram --write`"


def test_the_table_is_complete() -> None:
    actions_named = [t.action for t in TRANSITIONS]
    assert len(actions_named) == len(set(actions_named))
    reachable = {CaseState.DRAFT}
    changed = True
    while changed:
        changed = False
        for t in TRANSITIONS:
            if set(t.sources) & reachable and t.target is not None and t.target not in reachable:
                reachable.add(t.target)
                changed = True
    assert reachable == set(CaseState)
    for state in CaseState:
        if state in FINAL_STATES:
            assert allowed_actions(state) == []
        else:
            assert allowed_actions(state), state
    assert [t.action for t in TRANSITIONS if not t.sources] == ["create"]
    assert START == "[*]"


# -- the path through the procedure -------------------------------------------------------------


def test_full_procedure_with_a_rejected_objection(people: People, company: Subject) -> None:
    case = open_wage_case(people, company, today=D(2026, 3, 2))
    assert (case.state, case.version) == (CaseState.DRAFT, 1)
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 3, 2))
    assert case.notice_date == D(2026, 3, 2)
    assert case.objection_window_ends_on == D(2026, 3, 9)  # 5 working days
    assert (case.due_kind, case.due_on) == (DueKind.OBJECTION_WINDOW, D(2026, 3, 9))
    objection = actions.do_file_objection(
        case, grounds="已支付。", acting_user=people.reviewer, today=D(2026, 3, 9)
    )
    assert objection.received_on == D(2026, 3, 9)  # the window's last day is in time
    assert objection.answer_due_on == D(2026, 3, 23)  # 10 working days
    case.refresh_from_db()
    assert (case.state, case.due_kind) == (CaseState.OBJECTION_REVIEW, DueKind.OBJECTION_ANSWER)
    case = actions.do_answer_objection(
        case, upheld=False, answer="经核实仍拖欠。", acting_user=people.clerk, today=D(2026, 3, 16)
    )
    assert case.state == CaseState.READY_FOR_DECISION and case.due_on is None
    no_grounds(case, people.clerk, today=D(2026, 3, 16))
    case = actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 17))
    assert case.state == CaseState.DECIDED
    assert (case.decision_date, case.term_months) == (D(2026, 3, 17), 36)
    assert (case.due_kind, case.due_on) == (DueKind.PUBLICATION, D(2026, 3, 19))  # 2 WD
    codes = [m["code"] for m in case.measures_snapshot]
    assert "restrict-government-procurement" in codes
    assert "restrict-high-consumption" not in codes  # not bound to this list (proportionality)
    case = actions.do_publish_listing(case, acting_user=people.reviewer, today=D(2026, 3, 18))
    assert case.state == CaseState.LISTED
    assert (case.listed_on, case.term_end) == (D(2026, 3, 18), D(2029, 3, 18))
    assert (case.due_kind, case.due_on) == (DueKind.TERM_END, D(2029, 3, 18))
    assert case.version == 7  # created, then six actions
    assert events(case) == [
        EventType.LISTING_CASE_CREATED,
        EventType.LISTING_NOTICE_ISSUED,
        EventType.LISTING_OBJECTION_FILED,
        EventType.LISTING_OBJECTION_REJECTED,
        EventType.LISTING_LENIENCY_ASSESSED,
        EventType.LISTING_DECIDED,
        EventType.LISTING_PUBLISHED,
    ]
    decided = AuditEvent.objects.get(event_type=EventType.LISTING_DECIDED, object_id=str(case.pk))
    assert decided.subject_id == company.pk
    assert decided.before == {"state": "ready_for_decision"}
    assert isinstance(decided.after, dict)
    assert decided.after["document"]["number"] == "示范人社信决字〔2026〕1号"
    assert case.documents.filter(kind=DocumentKind.PRIOR_NOTICE).count() == 1


def test_objection_upheld_closes_or_sends_back_to_draft(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.OBJECTION_REVIEW)
    closed = actions.do_answer_objection(
        case, upheld=True, answer="已全额支付。", acting_user=people.clerk, today=D(2026, 3, 6)
    )
    assert (closed.state, closed.closed_on) == (CaseState.CLOSED, D(2026, 3, 6))
    assert ListingObjection.objects.get(case=case).outcome == ObjectionOutcome.UPHELD
    assert events(closed)[-1] == EventType.LISTING_OBJECTION_UPHELD

    again = case_in(CaseState.OBJECTION_REVIEW)
    redraft = actions.do_answer_objection(
        again,
        upheld=True,
        redraft=True,
        answer="金额有误，更正后重新告知。",
        acting_user=people.clerk,
        today=D(2026, 3, 6),
    )
    assert redraft.state == CaseState.DRAFT
    assert redraft.notice_date is None and redraft.due_on is None
    renotified = actions.do_issue_prior_notice(
        redraft, acting_user=people.clerk, today=D(2026, 3, 9)
    )
    assert renotified.objection_window_ends_on == D(2026, 3, 16)
    numbers = list(renotified.documents.order_by("pk").values_list("number", flat=True))
    assert numbers == ["示范人社信告字〔2026〕2号", "示范人社信告字〔2026〕3号"]


def test_a_list_without_prior_notice_is_decided_from_draft(
    people: People, company: Subject
) -> None:
    case = actions.do_create_listing_case(
        list_type_code="dishonest-judgment-debtor",
        subject=company,
        department=people.court,
        basis_document_type="judgment",
        basis_document_number="（2025）示01民初123号",
        basis_document_date=D(2025, 11, 3),
        basis_document_issuer="示范市中级人民法院",
        facts="有履行能力而拒不履行生效法律文书确定的义务。",
        acting_user=people.judge,
        today=D(2026, 3, 2),
    )
    no_grounds(case, people.judge, today=D(2026, 3, 2))
    case = actions.do_decide_listing(
        case,
        extension_months=12,
        extension_grounds="以暴力方法妨碍执行，情节严重。",
        acting_user=people.judge,
        today=D(2026, 3, 2),
    )
    assert (case.term_months, case.extension_months) == (36, 12)
    case = actions.do_publish_listing(case, acting_user=people.judge, today=D(2026, 3, 3))
    assert case.term_end == D(2029, 3, 3)
    codes = {m["code"] for m in case.measures_snapshot}
    assert {"restrict-high-consumption", "restrict-government-procurement"} <= codes


def test_red_lists_need_no_leniency_assessment(people: People, company: Subject) -> None:
    case = actions.do_create_listing_case(
        list_type_code="tax-credit-grade-a",
        subject=company,
        department=people.bureau,
        basis_document_type="evaluation_result",
        basis_document_number="示税信评〔2026〕1号",
        basis_document_date=D(2026, 4, 1),
        basis_document_issuer="国家税务总局示范市税务局",
        facts="2025年度纳税信用评价为A级。",
        acting_user=people.clerk,
        today=D(2026, 4, 2),
    )
    case = actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 4, 2))
    assert {m["side"] for m in case.measures_snapshot} == {"incentive"}
    assert case.documents.get().title == "认定纳税信用A级纳税人名单决定书"


# -- illegal transitions --------------------------------------------------------------------------


def _attempts(people: People) -> dict[str, Callable[[ListingCase], Any]]:
    """One call per declared action (or group of actions one function dispatches)."""
    clerk, later = people.clerk, D(2030, 1, 2)
    return {
        "issue_notice": lambda c: actions.do_issue_prior_notice(c, acting_user=clerk, today=later),
        "file_objection|file_listed_objection": lambda c: actions.do_file_objection(
            c, grounds="x", acting_user=clerk, today=later
        ),
        "close_objection_window": lambda c: actions.do_close_objection_window(
            c, acting_user=clerk, today=later
        ),
        "reject_objection|reject_listed_objection": lambda c: actions.do_answer_objection(
            c, upheld=False, answer="x", acting_user=clerk, today=later
        ),
        "uphold_objection|uphold_listed_objection": lambda c: actions.do_answer_objection(
            c, upheld=True, answer="x", acting_user=clerk, today=later
        ),
        "uphold_objection_redraft|uphold_listed_objection": lambda c: actions.do_answer_objection(
            c, upheld=True, redraft=True, answer="x", acting_user=clerk, today=later
        ),
        "record_leniency": lambda c: actions.do_record_leniency_assessment(
            c,
            grounds_found=[],
            outcome="no_grounds",
            conclusion="x",
            acting_user=clerk,
            today=later,
        ),
        "decide": lambda c: actions.do_decide_listing(c, acting_user=clerk, today=later),
        "publish": lambda c: actions.do_publish_listing(c, acting_user=clerk, today=later),
        "request_early_removal": lambda c: actions.do_request_early_removal(
            c,
            ground="wages-paid-commitment",
            occurred_on=later,
            commitment_signed=True,
            acting_user=clerk,
            today=later,
        ),
        "remove_early": lambda c: actions.do_remove_listing_early(
            c, acting_user=clerk, today=later
        ),
        "remove_by_repair": lambda c: actions.do_remove_listing_by_repair(
            c, repair_reference="x", acting_user=clerk, today=later
        ),
        "revoke": lambda c: actions.do_revoke_listing(
            c, reason="x", acting_user=clerk, today=later
        ),
        "expire": lambda c: actions.do_expire_listing(c, today=later),
        "close": lambda c: actions.do_close_listing_case(
            c, reason="x", acting_user=clerk, today=later
        ),
    }


def test_every_declared_action_has_an_attempt(people: People) -> None:
    covered = {a for key in _attempts(people) for a in key.split("|")}
    assert covered == {t.action for t in TRANSITIONS} - {"create"}


@pytest.mark.parametrize(
    "state",
    [s for s in CaseState if s != CaseState.CLOSED],
)
def test_illegal_transitions_are_refused_naming_state_and_action(
    people: People, case_in: Callable[..., ListingCase], state: CaseState
) -> None:
    case = case_in(state)
    allowed = {t.action for t in allowed_actions(state)}
    for names, attempt in _attempts(people).items():
        group = set(names.split("|"))
        if group & allowed:
            continue
        version = ListingCase.objects.get(pk=case.pk).version
        with pytest.raises(CodedError) as exc:
            attempt(case)
        assert exc.value.code == "LISTING_TRANSITION_INVALID", (names, exc.value.code)
        assert exc.value.details["state"] == state.value
        assert exc.value.details["action"] in group
        assert state.value in exc.value.message_en and exc.value.details["action"] in (
            exc.value.message_en
        )
        assert ListingCase.objects.get(pk=case.pk).version == version


def test_closed_cases_accept_nothing(people: People, case_in: Callable[..., ListingCase]) -> None:
    case = actions.do_close_listing_case(
        case_in(CaseState.DRAFT), reason="不予列入。", acting_user=people.clerk, today=D(2026, 3, 3)
    )
    assert (case.state, case.closed_reason) == (CaseState.CLOSED, "不予列入。")
    for attempt in _attempts(people).values():
        with pytest.raises(CodedError) as exc:
            attempt(case)
        assert exc.value.code == "LISTING_TRANSITION_INVALID"


# -- refusals by rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"basis_document_number": " "}, "LISTING_BASIS_DOCUMENT_REQUIRED"),
        ({"basis_document_date": None}, "LISTING_BASIS_DOCUMENT_REQUIRED"),
        ({"basis_document_type": ""}, "LISTING_BASIS_DOCUMENT_REQUIRED"),
        ({"basis_document_type": "rumour"}, "LISTING_BASIS_DOCUMENT_REQUIRED"),
        ({"basis_document_issuer": ""}, "LISTING_BASIS_DOCUMENT_REQUIRED"),
        ({"basis_document_date": D(2026, 3, 3)}, "LISTING_DATE_IN_FUTURE"),
        ({"facts": "  "}, "LISTING_FACTS_REQUIRED"),
        ({"list_type_code": "no-such-list"}, "LIST_TYPE_NOT_FOUND"),
    ],
)
def test_opening_a_case_needs_an_effective_document(
    people: People, company: Subject, changes: dict[str, Any], code: str
) -> None:
    refused(code, lambda: open_wage_case(people, company, today=D(2026, 3, 2), **changes))
    assert not ListingCase.objects.exists()


def test_opening_a_case_checks_department_and_subject_kind(
    people: People, company: Subject, make_subject: Callable[..., Subject]
) -> None:
    # The court may not initiate the wage-arrears list; the bureau may not use the court.
    refused(
        "PERMISSION_DENIED",
        lambda: open_wage_case(
            people, company, today=D(2026, 3, 2), department=people.court, acting_user=people.judge
        ),
    )
    refused(
        "PERMISSION_DENIED",
        lambda: open_wage_case(people, company, today=D(2026, 3, 2), department=people.court),
    )
    refused(
        "PERMISSION_DENIED",
        lambda: open_wage_case(people, company, today=D(2026, 3, 2), acting_user=people.reviewer),
    )
    body = make_subject("示范市某局", kind=SubjectKind.PUBLIC_BODY)
    refused(
        "LISTING_SUBJECT_KIND_NOT_COVERED",
        lambda: open_wage_case(people, body, today=D(2026, 3, 2)),
    )
    assert not ListingCase.objects.exists()


def test_notice_and_objection_dates(people: People, case_in: Callable[..., ListingCase]) -> None:
    draft = case_in(CaseState.DRAFT)
    refused(
        "LISTING_DATE_ORDER",
        lambda: actions.do_issue_prior_notice(
            draft, notice_date=D(2026, 1, 4), acting_user=people.clerk, today=D(2026, 3, 2)
        ),
    )
    refused(
        "LISTING_DATE_IN_FUTURE",
        lambda: actions.do_issue_prior_notice(
            draft, notice_date=D(2026, 3, 3), acting_user=people.clerk, today=D(2026, 3, 2)
        ),
    )
    notified = case_in(CaseState.NOTICE_ISSUED)
    late = refused(
        "LISTING_OBJECTION_LATE",
        lambda: actions.do_file_objection(
            notified, received_on=D(2026, 3, 10), grounds="x", acting_user=people.clerk,
            today=D(2026, 3, 10),
        ),
    )  # fmt: skip
    assert late.details["objection_window_ends_on"] == "2026-03-09"
    refused(
        "LISTING_GROUNDS_REQUIRED",
        lambda: actions.do_file_objection(
            notified, grounds=" ", acting_user=people.clerk, today=D(2026, 3, 3)
        ),
    )
    refused(
        "LISTING_WINDOW_OPEN",
        lambda: actions.do_close_objection_window(
            notified, acting_user=people.clerk, today=D(2026, 3, 9)
        ),
    )
    review = case_in(CaseState.OBJECTION_REVIEW)
    refused(
        "LISTING_ANSWER_REQUIRED",
        lambda: actions.do_answer_objection(
            review, upheld=False, answer="", acting_user=people.clerk, today=D(2026, 3, 6)
        ),
    )
    refused(
        "LISTING_DATE_ORDER",
        lambda: actions.do_answer_objection(
            review, upheld=False, answer="x", answered_on=D(2026, 3, 4),
            acting_user=people.clerk, today=D(2026, 3, 6),
        ),
    )  # fmt: skip


def test_a_late_answer_is_recorded_as_late(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.OBJECTION_REVIEW)  # received 2026-03-05, due 2026-03-19
    actions.do_answer_objection(
        case, upheld=False, answer="x", acting_user=people.clerk, today=D(2026, 3, 20)
    )
    event = AuditEvent.objects.filter(event_type=EventType.LISTING_OBJECTION_REJECTED).get()
    assert isinstance(event.after, dict) and event.after["late"] is True


def test_the_decision_requires_the_leniency_assessment(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.READY_FOR_DECISION)
    refused(
        "LISTING_LENIENCY_NOT_ASSESSED",
        lambda: actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 10)),
    )
    refused(
        "LISTING_LENIENCY_GROUND_UNKNOWN",
        lambda: actions.do_record_leniency_assessment(
            case, grounds_found=["rich"], outcome=LeniencyOutcome.MITIGATED, conclusion="x",
            acting_user=people.clerk, today=D(2026, 3, 10),
        ),
    )  # fmt: skip
    refused(
        "LISTING_LENIENCY_INCONSISTENT",
        lambda: actions.do_record_leniency_assessment(
            case, grounds_found=["minor"], outcome=LeniencyOutcome.NO_GROUNDS, conclusion="x",
            acting_user=people.clerk, today=D(2026, 3, 10),
        ),
    )  # fmt: skip
    refused(
        "LISTING_LENIENCY_INCONSISTENT",
        lambda: actions.do_record_leniency_assessment(
            case, grounds_found=[], outcome=LeniencyOutcome.DO_NOT_LIST, conclusion="x",
            acting_user=people.clerk, today=D(2026, 3, 10),
        ),
    )  # fmt: skip
    assessment = actions.do_record_leniency_assessment(
        case,
        grounds_found=["force-majeure"],
        outcome=LeniencyOutcome.DO_NOT_LIST,
        conclusion="受疫情影响停工导致拖欠，已在期限内筹款。",
        acting_user=people.clerk,
        today=D(2026, 3, 10),
    )
    assert assessment.considered and assessment.grounds_found == ["force-majeure"]
    refused(
        "LISTING_LENIENCY_BARS_LISTING",
        lambda: actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 10)),
    )
    # A later assessment replaces it: mitigated → the decision may be taken.
    actions.do_record_leniency_assessment(
        case,
        grounds_found=["minor-unintentional"],
        outcome=LeniencyOutcome.MITIGATED,
        conclusion="从轻。",
        acting_user=people.clerk,
        today=D(2026, 3, 10),
    )
    decided = actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 10))
    assert decided.state == CaseState.DECIDED


def test_the_notice_comes_before_the_decision_when_required(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.DRAFT)
    no_grounds(case, people.clerk, today=D(2026, 3, 2))
    refused(
        "LISTING_NOTICE_REQUIRED",
        lambda: actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 2)),
    )
    ready = case_in(CaseState.READY_FOR_DECISION)
    no_grounds(ready, people.clerk, today=D(2026, 3, 10))
    # The window's last day (2026-03-09) still belonged to the party.
    refused(
        "LISTING_DATE_ORDER",
        lambda: actions.do_decide_listing(
            ready, decision_date=D(2026, 3, 9), acting_user=people.clerk, today=D(2026, 3, 10)
        ),
    )


@pytest.mark.parametrize(
    ("list_type", "kwargs", "code"),
    [
        ("wage-arrears", {"term_months": 48}, "LISTING_TERM_INVALID"),
        ("wage-arrears", {"extension_months": 12, "extension_grounds": "x"},
         "LISTING_EXTENSION_INVALID"),
        ("government-procurement-serious-dishonesty", {"term_months": 6}, "LISTING_TERM_INVALID"),
        ("dishonest-judgment-debtor", {"extension_months": 18, "extension_grounds": "x"},
         "LISTING_EXTENSION_INVALID"),
        ("dishonest-judgment-debtor", {"extension_months": 48, "extension_grounds": "x"},
         "LISTING_EXTENSION_INVALID"),
        ("dishonest-judgment-debtor", {"extension_months": 12}, "LISTING_EXTENSION_INVALID"),
    ],
)  # fmt: skip
def test_term_and_extension_rules(
    people: People, company: Subject, list_type: str, kwargs: dict[str, Any], code: str
) -> None:
    court = list_type == "dishonest-judgment-debtor"
    user = people.judge if court else people.clerk
    case = open_wage_case(
        people,
        company,
        today=D(2026, 3, 2),
        list_type_code=list_type,
        department=people.court if court else people.bureau,
        acting_user=user,
    )
    if not court:
        case = actions.do_issue_prior_notice(case, acting_user=user, today=D(2026, 3, 2))
        case = actions.do_close_objection_window(case, acting_user=None, today=D(2026, 3, 10))
    no_grounds(case, user, today=D(2026, 3, 10))
    refused(
        code,
        lambda: actions.do_decide_listing(case, acting_user=user, today=D(2026, 3, 10), **kwargs),
    )
    assert ListingCase.objects.get(pk=case.pk).state != CaseState.DECIDED


def test_publication_date_and_term(people: People, case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.DECIDED)  # decided 2026-03-10
    refused(
        "LISTING_DATE_ORDER",
        lambda: actions.do_publish_listing(
            case, listed_on=D(2026, 3, 9), acting_user=people.reviewer, today=D(2026, 3, 12)
        ),
    )
    # 民法典第二百零二条: a term from 2028-02-29 ... here from 2026-03-31 + 36 months.
    listed = actions.do_publish_listing(
        case, listed_on=D(2026, 3, 31), acting_user=people.reviewer, today=D(2026, 3, 31)
    )
    assert listed.term_end == D(2029, 3, 31)
    event = AuditEvent.objects.get(event_type=EventType.LISTING_PUBLISHED)
    assert isinstance(event.after, dict) and event.after["late"] is True  # due 2026-03-12


# -- early removal, repair, revocation ---------------------------------------------------------


def test_early_removal_after_correction_with_a_commitment(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)  # listed 2026-03-12
    refused(
        "LISTING_EARLY_REMOVAL_NOT_REQUESTED",
        lambda: actions.do_remove_listing_early(
            case, acting_user=people.clerk, today=D(2026, 5, 1)
        ),
    )
    refused(
        "LISTING_EARLY_REMOVAL_GROUND_UNKNOWN",
        lambda: actions.do_request_early_removal(
            case, ground="performance", occurred_on=D(2026, 4, 1), acting_user=people.clerk,
            today=D(2026, 4, 2),
        ),
    )  # fmt: skip
    refused(
        "LISTING_COMMITMENT_REQUIRED",
        lambda: actions.do_request_early_removal(
            case, ground="wages-paid-commitment", occurred_on=D(2026, 4, 1),
            acting_user=people.clerk, today=D(2026, 4, 2),
        ),
    )  # fmt: skip
    case = actions.do_request_early_removal(
        case,
        ground="wages-paid-commitment",
        occurred_on=D(2026, 4, 1),
        commitment_signed=True,
        acting_user=people.reviewer,
        today=D(2026, 4, 2),
    )
    # 满6个月 from the correction: 2026-04-01 + 6 months = 2026-10-01 is the last day of the
    # waiting period; removal from 2026-10-02.
    event = AuditEvent.objects.get(event_type=EventType.LISTING_EARLY_REMOVAL_REQUESTED)
    assert isinstance(event.after, dict) and event.after["eligible_from"] == "2026-10-02"
    assert case.due_kind == DueKind.TERM_END  # no removal period for this ground
    early = refused(
        "LISTING_EARLY_REMOVAL_TOO_EARLY",
        lambda: actions.do_remove_listing_early(
            case, removed_on=D(2026, 10, 1), acting_user=people.clerk, today=D(2026, 10, 1)
        ),
    )
    assert early.details["eligible_from"] == "2026-10-02"
    removed = actions.do_remove_listing_early(case, acting_user=people.clerk, today=D(2026, 10, 2))
    assert (removed.state, removed.removal_reason) == (
        CaseState.REMOVED,
        RemovalReason.EARLY_REMOVAL,
    )
    assert removed.removed_on == D(2026, 10, 2) and removed.due_on is None


def test_early_removal_counted_from_the_listing(people: People, company: Subject) -> None:
    case = open_wage_case(
        people,
        company,
        today=D(2026, 3, 2),
        list_type_code="market-regulation-serious-violation",
        basis_document_type="penalty_decision",
    )
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=D(2026, 3, 2))
    case = actions.do_close_objection_window(case, acting_user=None, today=D(2026, 3, 10))
    no_grounds(case, people.clerk, today=D(2026, 3, 10))
    case = actions.do_decide_listing(case, acting_user=people.clerk, today=D(2026, 3, 10))
    case = actions.do_publish_listing(case, acting_user=people.clerk, today=D(2026, 3, 12))
    case = actions.do_request_early_removal(
        case,
        ground="corrected-after-one-year",
        occurred_on=D(2026, 6, 1),
        commitment_signed=True,
        acting_user=people.clerk,
        today=D(2026, 6, 1),
    )
    refused(
        "LISTING_EARLY_REMOVAL_TOO_EARLY",
        lambda: actions.do_remove_listing_early(
            case, acting_user=people.clerk, today=D(2027, 3, 12)
        ),
    )
    assert actions.do_remove_listing_early(
        case, acting_user=people.clerk, today=D(2027, 3, 13)
    ).removed_on == D(2027, 3, 13)


def test_repair_and_revocation_need_their_reference(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)
    refused(
        "LISTING_REASON_REQUIRED",
        lambda: actions.do_remove_listing_by_repair(
            case, repair_reference=" ", acting_user=people.reviewer, today=D(2026, 9, 1)
        ),
    )
    refused(
        "LISTING_REASON_REQUIRED",
        lambda: actions.do_revoke_listing(
            case, reason="", acting_user=people.clerk, today=D(2026, 9, 1)
        ),
    )
    repaired = actions.do_remove_listing_by_repair(
        case, repair_reference="示信修〔2026〕8号", acting_user=people.reviewer, today=D(2026, 9, 1)
    )
    assert (repaired.removal_reason, repaired.removal_note) == (
        RemovalReason.REPAIR,
        "示信修〔2026〕8号",
    )
    assert events(repaired)[-1] == EventType.LISTING_REMOVED


# -- who may fire what, stale forms ---------------------------------------------------------------


def test_permissions_of_the_transitions(
    people: People, case_in: Callable[..., ListingCase], make_user: Callable[..., User]
) -> None:
    case = case_in(CaseState.READY_FOR_DECISION)
    no_grounds(case, people.clerk, today=D(2026, 3, 10))
    version = ListingCase.objects.get(pk=case.pk).version
    no_role = make_user(department=people.bureau)  # right department, no role
    for user in (people.outsider, people.reviewer, no_role, people.judge, None):
        with pytest.raises(CodedError) as exc:
            actions.do_decide_listing(case, acting_user=user, today=D(2026, 3, 10))  # type: ignore[arg-type]
        assert exc.value.code == "PERMISSION_DENIED"
        assert exc.value.details["action"] == "decide"
    assert ListingCase.objects.get(pk=case.pk).version == version
    assert not case.documents.filter(kind=DocumentKind.DECISION).exists()
    # The credit office may record an objection and publish, but not answer or decide.
    assert {a.value for a in transition("publish").actors} == {"credit_office", "initiator"}
    assert {a.value for a in transition("expire").actors} == {"system"}


def test_a_stale_form_is_refused(people: People, case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)
    shown = case.version
    actions.do_file_objection(
        case, grounds="x", acting_user=people.reviewer, expected_version=shown,
        today=D(2026, 3, 3),
    )  # fmt: skip
    stale = refused(
        "LISTING_STALE",
        lambda: actions.do_close_objection_window(
            case, acting_user=people.clerk, expected_version=shown, today=D(2026, 3, 10)
        ),
    )
    assert stale.details == {
        "expected_version": shown,
        "version": shown + 1,
        "state": "objection_review",
    }
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.OBJECTION_REVIEW
