"""The check API: answers, coded errors, and who may ask (token scope, staff role); a refused
request records nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from xinyong.checks.api import CheckOut
from xinyong.checks.models import Check
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.choices import Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.tests.fixtures import uscc_for
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/checks"


def params(subject: str | None, **more: str) -> dict[str, Any]:
    return {"subject": subject, "matter": "government_procurement", "purpose": "资格审查", **more}


def bearer(issued: IssuedToken) -> dict[str, str]:
    return {"Authorization": f"Bearer {issued.value}"}


def assert_nothing_recorded() -> None:
    assert not Check.objects.exists()
    assert not AccessRecord.objects.exists()


def test_restricted_answer_over_the_api(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    case_in: Callable[..., ListingCase],
) -> None:
    case = case_in(CaseState.LISTED)
    response = client.get(
        URL, params(company.uscc, reference="P-1"), headers=bearer(token("check"))
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answer"] == "restricted"
    assert body["subject_known"] is True and body["objection_pending"] is False
    assert body["subject"]["code"] == company.uscc and body["subject"]["name"] == company.name
    assert body["matter"]["code"] == "government_procurement" and body["matter"]["name_en"]
    [measure] = body["measures"]
    assert measure["code"] == "restrict-government-procurement"
    assert measure["state"] == "applied" and measure["legal_basis"]
    assert measure["implementing_body_zh"]
    [listing] = body["listings"]
    assert listing["case_id"] == case.pk
    assert listing["decision_number"] == case.documents.get(kind="decision").number
    assert listing["term_end"] == "2029-03-12"
    assert body["receipt"]["receipt"]["reference"] == "P-1"


def test_suspended_over_the_api(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    case_in: Callable[..., ListingCase],
) -> None:
    case_in(CaseState.SUSPENDED)
    body = client.get(URL, params(company.uscc), headers=bearer(token("check"))).json()
    assert body["answer"] == "clear" and body["objection_pending"] is True
    assert [m["state"] for m in body["measures"]] == ["suspended"]
    assert body["listings"][0]["measures_suspended"] is True


def test_unknown_subject_is_clear_with_flag(
    client: Client, token: Callable[..., IssuedToken]
) -> None:
    body = client.get(URL, params(uscc_for()), headers=bearer(token("check"))).json()
    assert (body["answer"], body["subject_known"]) == ("clear", False)


@pytest.mark.parametrize("state", [CaseState.LISTED, CaseState.SUSPENDED, None])
def test_the_answer_is_exactly_what_the_schema_declares(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    case_in: Callable[..., ListingCase],
    state: CaseState | None,
) -> None:
    """The single check is rendered without ninja's response validation (the hot path):
    its output must still be what ``CheckOut`` would render — no field missing or extra,
    every value of the declared type — for each kind of answer."""
    if state is not None:
        case_in(state)
    code = company.uscc if state is not None else uscc_for()
    response = client.get(URL, params(code), headers=bearer(token("check")))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    validated = CheckOut.model_validate(body).model_dump()
    assert json.loads(json.dumps(validated, cls=NinjaJSONEncoder)) == body


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (params("91330102MA2B3C4D5X"), 422, "CHECK_SUBJECT_INVALID"),
        (params("12345"), 422, "CHECK_SUBJECT_INVALID"),
        (params(None, matter="unheard_of"), 422, "CHECK_MATTER_UNKNOWN"),
        (params(None, purpose=""), 422, "ACCESS_PURPOSE_REQUIRED"),
        (params(None, scheme="fax"), 422, "CHECK_SUBJECT_INVALID"),
    ],
)
def test_bad_input_gets_coded_errors(
    client: Client,
    token: Callable[..., IssuedToken],
    query: dict[str, Any],
    status: int,
    code: str,
) -> None:
    if query["subject"] is None:
        query["subject"] = uscc_for()
    response = client.get(URL, query, headers=bearer(token("check")))
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert_nothing_recorded()


def test_missing_parameters_are_refused(client: Client, token: Callable[..., IssuedToken]) -> None:
    response = client.get(URL, {"matter": "government_procurement"}, headers=bearer(token("check")))
    assert response.status_code == 422 and response.json()["code"] == "REQUEST_INVALID"


def test_anonymous_is_refused(client: Client, db: None) -> None:
    response = client.get(URL, params(uscc_for()))
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_REQUIRED"
    response = client.post(
        f"{URL}/batch",
        {"subjects": [uscc_for()], "matter": "x", "purpose": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert client.get(f"{URL}/as-of", {**params(uscc_for()), "date": "2026-05-01"}).status_code == (
        401
    )
    assert_nothing_recorded()


def test_token_without_the_check_scope_is_refused(
    client: Client, token: Callable[..., IssuedToken]
) -> None:
    response = client.get(URL, params(uscc_for()), headers=bearer(token("report")))
    assert response.status_code == 403
    assert response.json()["code"] == "TOKEN_SCOPE_MISSING"
    assert_nothing_recorded()


def test_invalid_token_is_refused(client: Client, db: None) -> None:
    response = client.get(URL, params(uscc_for()), HTTP_AUTHORIZATION="Bearer xy_nope_nope")
    assert response.status_code == 401
    assert_nothing_recorded()


def test_staff_checker_session_may_check(
    client: Client, checkers: Checkers, company: Subject
) -> None:
    client.force_login(checkers.checker)
    response = client.get(URL, params(company.uscc))
    assert response.status_code == 200, response.content
    check = Check.objects.get()
    assert (check.actor_label, check.department_id) == ("checker", checkers.centre.pk)


def test_staff_without_the_checker_role_is_refused(
    client: Client, checkers: Checkers, company: Subject
) -> None:
    client.force_login(checkers.reporter)
    response = client.get(URL, params(company.uscc))
    assert response.status_code == 403
    assert response.json()["code"] == "TOKEN_SCOPE_MISSING"
    assert_nothing_recorded()


def test_staff_in_several_departments_names_one(
    client: Client,
    checkers: Checkers,
    company: Subject,
    make_user: Callable[..., User],
) -> None:
    from xinyong.core.actions import do_grant_role

    user = make_user(Role.DEPARTMENT_CHECKER, department=checkers.centre, username="both")
    do_grant_role(user, checkers.other, Role.DEPARTMENT_CHECKER, acting_user=None, actor_label="t")
    client.force_login(user)
    response = client.get(URL, params(company.uscc))
    assert response.status_code == 403 and response.json()["code"] == "DEPARTMENT_REQUIRED"
    response = client.get(URL, params(company.uscc, department=checkers.other.code))
    assert response.status_code == 200
    assert Check.objects.get().department_id == checkers.other.pk
    third: Department = checkers.centre.__class__.objects.exclude(
        pk__in=[checkers.centre.pk, checkers.other.pk]
    ).first()  # type: ignore[assignment]
    response = client.get(URL, params(company.uscc, department=third.code))
    assert response.status_code == 403 and response.json()["code"] == "DEPARTMENT_MISMATCH"


def test_ping_is_trivial(client: Client) -> None:
    assert client.get(f"{URL}/ping").json() == {"ok": True}
