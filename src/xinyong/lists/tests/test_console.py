"""Console pages of the listing procedure through the test client.

Access cases (STYLE §14): anonymous, wrong department, right department without the role,
allowed; denied cases change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import Subject, User
from xinyong.lists.choices import CaseState, DocumentKind
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People

pytestmark = pytest.mark.django_db


def case_url(case: ListingCase) -> str:
    return reverse("console:lists-case", args=[case.pk])


def action_url(case: ListingCase, op: str) -> str:
    return reverse("console:lists-action", args=[case.pk, op])


def test_anonymous_users_are_sent_to_log_in(
    client: Client, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.DRAFT)
    for url in (reverse("console:lists"), case_url(case), reverse("console:lists-new")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("console:login"))
    response = client.post(action_url(case, "issue_notice"), {"issue_notice-version": 1})
    assert response.status_code == 302
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.DRAFT


def test_case_list_shows_state_and_deadline_with_overdue_marked(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    overdue = case_in(CaseState.OBJECTION_REVIEW)  # answer due 2026-03-19: long past
    case_in(CaseState.DRAFT)
    client.force_login(people.clerk)
    with django_assert_num_queries(7):
        response = client.get(reverse("console:lists"))
    assert response.status_code == 200
    html = response.content.decode()
    assert overdue.reference in html
    assert "异议核查中" in html and "异议答复期限" in html
    assert '<tr class="is-overdue">' in html and "已逾期" in html
    assert html.count('class="is-overdue"') == 1
    # The number of queries does not grow with the number of cases.
    for _ in range(3):
        case_in(CaseState.DRAFT)
    with django_assert_num_queries(7):
        client.get(reverse("console:lists"))
    filtered = client.get(reverse("console:lists") + "?overdue=1").content.decode()
    assert filtered.count("LC-") == 1


def test_who_sees_which_case(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    make_user: Callable[..., User],
) -> None:
    case = case_in(CaseState.DRAFT)
    # Another department's reporter: the case does not exist for them.
    client.force_login(people.outsider)
    assert client.get(case_url(case)).status_code == 404
    assert case.reference not in client.get(reverse("console:lists")).content.decode()
    # Any role in the initiating department may look; the credit office sees everything.
    checker = make_user(Role.DEPARTMENT_CHECKER, department=people.bureau)
    for user in (checker, people.reviewer, people.clerk):
        client.force_login(user)
        assert client.get(case_url(case)).status_code == 200


def test_actions_by_permission(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    make_user: Callable[..., User],
) -> None:
    case = case_in(CaseState.DRAFT)
    data = {"issue_notice-version": case.version, "issue_notice-notice_date": ""}
    # Wrong department: 404, nothing changes.
    client.force_login(people.outsider)
    assert client.post(action_url(case, "issue_notice"), data).status_code == 404
    # Right department without the reporter role: 403, nothing changes.
    checker = make_user(Role.DEPARTMENT_CHECKER, department=people.bureau)
    client.force_login(checker)
    page = client.get(case_url(case)).content.decode()
    assert action_url(case, "issue_notice") not in page  # no form offered
    response = client.post(action_url(case, "issue_notice"), data)
    assert response.status_code == 403
    # The credit office may see but not notify.
    client.force_login(people.reviewer)
    assert client.post(action_url(case, "issue_notice"), data).status_code == 403
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.DRAFT
    assert not case.documents.exists()
    # The initiating department's reporter may.
    client.force_login(people.clerk)
    page = client.get(case_url(case)).content.decode()
    assert action_url(case, "issue_notice") in page
    assert "送达事前告知书" in page
    response = client.post(action_url(case, "issue_notice"), data, follow=True)
    assert response.redirect_chain == [(case_url(case), 303)]
    html = response.content.decode()
    assert "已办理：送达事前告知书。" in html
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.NOTICE_ISSUED
    document = case.documents.get(kind=DocumentKind.PRIOR_NOTICE)
    assert reverse("console:lists-document", args=[case.pk, document.pk]) in html


def test_refusals_become_messages_and_stale_forms_are_refused(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)
    client.force_login(people.clerk)
    # The window has long ended; a stale version is refused first.
    response = client.post(
        action_url(case, "close_objection_window"),
        {"close_objection_window-version": case.version - 1},
        follow=True,
    )
    assert "LISTING_STALE" in response.content.decode()
    # An action the state does not allow names the state and the action.
    response = client.post(
        action_url(case, "publish"), {"publish-version": case.version}, follow=True
    )
    assert "LISTING_TRANSITION_INVALID" in response.content.decode()
    # A form error re-renders the page with the error.
    response = client.post(action_url(case, "file_objection"), {"file_objection-version": "x"})
    assert response.status_code == 422
    assert ListingCase.objects.get(pk=case.pk).version == case.version


def test_the_procedure_through_the_console(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.READY_FOR_DECISION)
    client.force_login(people.clerk)
    page = client.get(case_url(case)).content.decode()
    assert "记录宽容审慎评估" in page and "作出认定决定" in page
    # Deciding first is refused: the leniency assessment is missing.
    response = client.post(
        action_url(case, "decide"), {"decide-version": case.version}, follow=True
    )
    assert "LISTING_LENIENCY_NOT_ASSESSED" in response.content.decode()
    response = client.post(
        action_url(case, "record_leniency"),
        {
            "record_leniency-version": case.version,
            "record_leniency-outcome": "no_grounds",
            "record_leniency-conclusion": "不存在宽容审慎情形。",
        },
    )
    assert response.status_code == 303
    case.refresh_from_db()
    today = timezone.localdate()
    response = client.post(
        action_url(case, "decide"),
        {"decide-version": case.version, "decide-decision_date": today.isoformat()},
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    client.force_login(people.reviewer)
    client.post(action_url(case, "publish"), {"publish-version": case.version})
    case.refresh_from_db()
    assert case.state == CaseState.LISTED and case.listed_on == today
    client.post(
        action_url(case, "file_objection"),
        {"file_objection-version": case.version, "file_objection-grounds": "已付清。"},
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
    client.force_login(people.clerk)
    client.post(
        action_url(case, "answer_objection"),
        {
            "answer_objection-version": case.version,
            "answer_objection-outcome": "rejected",
            "answer_objection-answer": "未付清。",
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.LISTED


def test_opening_a_case(
    client: Client, people: People, company: Subject, make_user: Callable[..., User]
) -> None:
    url = reverse("console:lists-new")
    client.force_login(people.reviewer)  # the credit office does not initiate
    assert client.get(url).status_code == 403
    client.force_login(people.clerk)
    page = client.get(url).content.decode()
    assert "拖欠农民工工资失信联合惩戒对象名单" in page
    assert "失信被执行人名单" not in page  # the court's list
    data = {
        "list_type": "wage-arrears",
        "department": str(people.bureau.pk),
        "subject_identifier": company.uscc or "",
        "basis_document_type": "order_to_pay",
        "basis_document_number": "示人社监令〔2026〕99号",
        "basis_document_date": "2026-01-05",
        "basis_document_issuer": "示范市人力资源和社会保障局",
        "facts": "拖欠工资。",
    }
    unknown = client.post(url, {**data, "subject_identifier": "91330102MA2H3X4Y6J"})
    assert unknown.status_code == 422
    assert "平台中没有该代码或号码的信用主体" in unknown.content.decode()
    response = client.post(url, data)
    case = ListingCase.objects.get()
    assert response.status_code == 303 and response["Location"] == case_url(case)
    assert (case.subject, case.initiating_department) == (company, people.bureau)


def test_document_download_is_audited(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)
    document = case.documents.get()
    url = reverse("console:lists-document", args=[case.pk, document.pk])
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    client.force_login(people.reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(document.content)
    assert response["X-Content-SHA256"] == document.sha256
    event = AuditEvent.objects.get(event_type=EventType.LISTING_DOCUMENT_DOWNLOADED)
    assert (event.actor_id, event.subject_id) == (people.reviewer.pk, case.subject_id)
    assert client.get(reverse("console:lists-document", args=[case.pk, 999999])).status_code == 404
    assert date.today().year >= 2026


@pytest.mark.parametrize(
    ("state", "user", "op", "data", "expected"),
    [
        (CaseState.NOTICE_ISSUED, "clerk", "close_objection_window", {},
         CaseState.READY_FOR_DECISION),
        (CaseState.NOTICE_ISSUED, "reviewer", "file_objection",
         {"grounds": "异议。", "received_on": "2026-03-05"}, CaseState.OBJECTION_REVIEW),
        (CaseState.OBJECTION_REVIEW, "clerk", "answer_objection",
         {"outcome": "upheld", "answer": "成立。"}, CaseState.CLOSED),
        (CaseState.DRAFT, "clerk", "close", {"reason": "不予列入。"}, CaseState.CLOSED),
        (CaseState.LISTED, "reviewer", "remove_by_repair", {"repair_reference": "示信修1号"},
         CaseState.REMOVED),
        (CaseState.LISTED, "clerk", "revoke", {"reason": "依据被撤销。"}, CaseState.REMOVED),
        (CaseState.LISTED, "clerk", "request_early_removal",
         {"ground": "wages-paid-commitment", "occurred_on": "2026-04-01",
          "commitment_signed": "on"}, CaseState.LISTED),
    ],
)  # fmt: skip
def test_each_operation_through_the_console(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    state: CaseState,
    user: str,
    op: str,
    data: dict[str, str],
    expected: CaseState,
) -> None:
    case = case_in(state)
    client.force_login(getattr(people, user))
    page = client.get(case_url(case)).content.decode()
    assert action_url(case, op) in page
    payload = {f"{op}-version": str(case.version), **{f"{op}-{k}": v for k, v in data.items()}}
    response = client.post(action_url(case, op), payload, follow=True)
    assert "已办理" in response.content.decode(), response.content.decode()[-2000:]
    case.refresh_from_db()
    assert case.state == expected and case.version > 1


def test_early_removal_through_the_console(
    client: Client, people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.LISTED)
    from xinyong.lists import actions

    actions.do_request_early_removal(
        case, ground="wages-paid-commitment", occurred_on=date(2026, 4, 1),
        commitment_signed=True, acting_user=people.clerk, today=date(2026, 4, 2),
    )  # fmt: skip
    case.refresh_from_db()
    client.force_login(people.clerk)
    response = client.post(
        action_url(case, "remove_early"),
        {"remove_early-version": case.version, "remove_early-note": "已改正。"},
        follow=True,
    )
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.REMOVED
    assert "已办理" in response.content.decode()


def test_filters_unknown_operations_and_refused_creation(
    client: Client, people: People, case_in: Callable[..., ListingCase], company: Subject
) -> None:
    listed = case_in(CaseState.LISTED)
    case_in(CaseState.DRAFT)
    client.force_login(people.clerk)
    html = client.get(reverse("console:lists") + "?state=listed").content.decode()
    assert listed.reference in html and html.count("LC-") == 1
    assert client.post(action_url(listed, "explode"), {}).status_code == 404
    response = client.post(
        reverse("console:lists-new"),
        {
            "list_type": "wage-arrears",
            "department": str(people.bureau.pk),
            "subject_identifier": company.uscc or "",
            "basis_document_type": "order_to_pay",
            "basis_document_number": "x",
            "basis_document_date": "2099-01-05",
            "basis_document_issuer": "x",
            "facts": "x",
        },
    )
    assert response.status_code == 422
    assert "LISTING_DATE_IN_FUTURE" in response.content.decode()
