"""Batch checks: per-subject answers in order, one receipt, limits, set-based queries; and the
fast code classification agrees with the full identifier validation."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinyong.checks.actions import do_check_batch, do_check_subject
from xinyong.checks.choices import Answer
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.queries import classify
from xinyong.checks.receipts import verify_document
from xinyong.checks.tests.conftest import Checkers
from xinyong.core import identifiers
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.errors import CodedError
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.security.actions.register import verify_register
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

D = date
PROCUREMENT = "government_procurement"


def test_batch_answers_every_line_in_order_with_one_receipt(
    checkers: Checkers,
    company: Subject,
    case_in: Callable[..., ListingCase],
    make_subject: Callable[..., Subject],
) -> None:
    case_in(CaseState.SUSPENDED)
    other = make_subject("示范清白有限公司")
    number = resident_id_for()
    make_subject("王五", kind=SubjectKind.NATURAL_PERSON, id_number=number)
    unknown = uscc_for()
    codes = [str(company.uscc), unknown, "91330102MA2B3C4D5X", str(other.uscc), number]
    result = do_check_batch(
        codes,
        matter=PROCUREMENT,
        purpose="供应商资格审查",
        department=checkers.centre,
        acting_user=checkers.checker,
        reference="SFCG-2026-7",
    )
    answers = [a.answer for a in result.answers]
    assert answers == [Answer.CLEAR, Answer.CLEAR, Answer.INVALID, Answer.CLEAR, Answer.CLEAR]
    first = result.answers[0]
    assert first.objection_pending and first.suspended_codes == ["restrict-government-procurement"]
    assert [a.subject_known for a in result.answers] == [True, False, False, True, True]
    assert result.answers[2].classified.error_code == "USCC_BAD_CHECK"
    check = Check.objects.get()
    assert (check.kind, check.subject_count, check.invalid_count, check.unknown_count) == (
        "batch",
        5,
        1,
        1,
    )
    lines = list(CheckAnswer.objects.order_by("position"))
    assert [line.position for line in lines] == [0, 1, 2, 3, 4]
    assert number not in lines[4].subject_code
    assert lines[2].detail == {
        "error": {
            "code": "USCC_BAD_CHECK",
            "message_zh": result.answers[2].classified.error_zh,
            "message_en": result.answers[2].classified.error_en,
        }
    }
    receipt = result.document["receipt"]
    assert [line["answer"] for line in receipt["answers"]] == [str(a) for a in answers]
    assert receipt["answers"][2]["error"] == "USCC_BAD_CHECK"
    assert verify_document(result.document).valid
    access = AccessRecord.objects.get()
    assert access.subject_id is None and access.object_id == str(check.public_id)
    assert isinstance(access.query, dict) and access.query["counts"]["invalid"] == 1
    assert access.audit_seq is None and access.chain_seq == 1 and verify_register() == []


def test_batch_restricted_lines(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    result = do_check_batch(
        [str(company.uscc)] * 2,
        matter=PROCUREMENT,
        purpose="x",
        department=checkers.centre,
        acting_user=checkers.checker,
    )
    assert [a.answer for a in result.answers] == [Answer.RESTRICTED] * 2
    assert Check.objects.get().restricted_count == 2


def test_batch_limits(checkers: Checkers) -> None:
    kwargs = {
        "matter": PROCUREMENT,
        "purpose": "x",
        "department": checkers.centre,
        "acting_user": checkers.checker,
    }
    with pytest.raises(CodedError) as caught:
        do_check_batch([], **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == "CHECK_BATCH_EMPTY"
    with pytest.raises(CodedError) as caught:
        do_check_batch([uscc_for()] * 3, limit=2, **kwargs)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.status) == ("CHECK_BATCH_TOO_LARGE", 413)
    assert not Check.objects.exists()


def test_api_refuses_more_than_10000_subjects(
    client: Client, token: Callable[..., IssuedToken]
) -> None:
    value = token("check").value
    codes = [uscc_for() for _ in range(10_001)]
    response = client.post(
        "/api/v1/checks/batch",
        {"subjects": codes, "matter": PROCUREMENT, "purpose": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {value}"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "CHECK_BATCH_TOO_LARGE"
    assert not Check.objects.exists()


def test_api_batch(
    client: Client,
    token: Callable[..., IssuedToken],
    company: Subject,
    case_in: Callable[..., ListingCase],
) -> None:
    case_in(CaseState.LISTED)
    value = token("check").value
    response = client.post(
        "/api/v1/checks/batch",
        {"subjects": [company.uscc, "x"], "matter": PROCUREMENT, "purpose": "x"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {value}"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["restricted"] == 1 and body["counts"]["invalid"] == 1
    first, second = body["answers"]
    assert first["answer"] == "restricted" and first["listings"][0]["decision_number"]
    assert second["answer"] == "invalid" and second["error"]["code"]
    assert body["receipt"]["receipt"]["id"] == body["receipt_id"]


def pg_set_local() -> int:
    """PostgreSQL: one more statement, ``SET LOCAL synchronous_commit`` (actions._fast_commit)."""
    return 1 if connection.vendor == "postgresql" else 0


def _count_queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return len(ctx.captured_queries)


def test_batch_queries_do_not_grow_with_the_batch(
    checkers: Checkers,
    company: Subject,
    case_in: Callable[..., ListingCase],
    make_subject: Callable[..., Subject],
) -> None:
    case_in(CaseState.LISTED)
    listed = [str(company.uscc)]
    known = [str(make_subject().uscc) for _ in range(5)]

    def batch(size: int) -> Callable[[], object]:
        codes = listed + known + [uscc_for() for _ in range(size)] + ["bad"]
        return lambda: do_check_batch(
            codes,
            matter=PROCUREMENT,
            purpose="x",
            department=checkers.centre,
            acting_user=checkers.checker,
        )

    batch(1)()  # the first check of a process creates its register chain's head row
    small, large = _count_queries(batch(10)), _count_queries(batch(400))
    assert small == large
    assert large <= 12 + pg_set_local()


def test_single_check_query_count_is_pinned(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)

    def run() -> None:
        do_check_subject(
            str(company.uscc),
            matter=PROCUREMENT,
            purpose="x",
            department=checkers.centre,
            acting_user=checkers.checker,
        )

    run()  # the first check of a process creates its register chain's head row
    with CaptureQueriesContext(connection) as ctx:
        run()
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    # The staff member's role and the measure list (a token costs none; the list is cached
    # outside tests), then ONE read (subject and listings), and on PostgreSQL ONE write: the
    # register chain's head advanced and hashed, the check, its answer line and its register
    # row. Savepoint bookkeeping aside.
    work = [s for s in statements if s not in {"SAVEPOINT", "RELEASE"}]
    if connection.vendor == "postgresql":
        assert work[-2:] == ["SELECT", "WITH"], statements
    else:
        assert work[-6:] == ["SELECT", "INSERT", "INSERT", "UPDATE", "UPDATE", "INSERT"]
    assert len(work) <= 10, statements


def test_fast_classification_agrees_with_the_full_validation() -> None:
    rng = random.Random(4)
    alphabet = identifiers.USCC_ALPHABET
    samples: list[str] = []
    for _ in range(3000):
        body = "".join(rng.choice("0123456789") for _ in range(8))
        authority = rng.choice("9115NY5A8")
        code = (
            identifiers.make_uscc(authority, rng.choice("123"), "330102", body)
            if (authority in "91" and rng.random() < 0.5)
            else "".join(rng.choice(alphabet) for _ in range(18))
        )
        samples.append(code)
        samples.append(code[:17] + rng.choice(alphabet))
        digits = "".join(rng.choice("0123456789") for _ in range(17))
        samples.append(digits + rng.choice("0123456789X"))
        samples.append(resident_id_for(D(1950 + rng.randrange(60), 1 + rng.randrange(12), 1)))
    for code in samples:
        fast = classify(code)
        scheme = identifiers.guess_scheme(code)
        full = identifiers.validate(code, scheme)
        assert (fast.scheme, fast.valid, fast.normalized) == (scheme, full.valid, full.normalized)
        if not full.valid:
            assert fast.error_code == full.errors[0].code


def test_measure_catalogue_cache_when_enabled(
    loaded_policy: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinyong.checks import queries

    day = D(2026, 6, 1)
    assert _count_queries(lambda: queries.measure_catalogue(on=day)) == 1
    assert _count_queries(lambda: queries.measure_catalogue(on=day)) == 1  # tests: no cache
    monkeypatch.setenv("XINYONG_CHECK_CATALOGUE_TTL", "60")
    first = queries.measure_catalogue(on=day)
    assert _count_queries(lambda: queries.measure_catalogue(on=day)) == 0
    assert queries.measure_catalogue(on=day) is first
    assert PROCUREMENT in first.matters
    queries._CATALOGUE.clear()
