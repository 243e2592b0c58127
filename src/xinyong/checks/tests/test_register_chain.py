"""Checks are registered in register chains anchored in the audit chain
(docs/decisions/0070-register-chains.md): every check has its register row, and a row
changed, deleted or inserted afterwards is found by ``verify_register``. Also: the raw SQL
of the hot path selects exactly what the ORM expressions of the rules select."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from datetime import date

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, connection  # noqa: F401 (connection: the skipif condition)

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.checks import actions
from xinyong.checks.actions import CheckResult, do_check_batch, do_check_subject
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.queries import (
    classify,
    effective_listings,
    in_effect_q,
    subject_and_listings,
    suspended_on_q,
)
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.models import Subject
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.security.actions import register
from xinyong.security.actions.register import (
    chain_hash,
    do_anchor_register,
    verify_register,
)
from xinyong.security.models import AccessRecord, RegisterChainHead

pytestmark = pytest.mark.django_db

D = date


def checks(checkers: Checkers, company: Subject, n: int) -> list[CheckResult]:
    assert company.uscc
    return [
        do_check_subject(
            company.uscc,
            matter="government_procurement",
            purpose=f"政府采购供应商资格审查 {i}",
            department=checkers.centre,
            acting_user=checkers.checker,
        )
        for i in range(n)
    ]


def rows() -> list[AccessRecord]:
    return list(AccessRecord.objects.order_by("chain_seq"))


def test_every_check_is_a_link_of_a_chain(checkers: Checkers, company: Subject) -> None:
    # On PostgreSQL the first check finds no head and takes the general way; the others
    # advance the head in the check's single statement: both must make the same chain.
    assert not RegisterChainHead.objects.exists()
    made = checks(checkers, company, 4)
    found = rows()
    assert [r.object_id for r in found] == [str(m.check.public_id) for m in made]
    assert [r.chain_seq for r in found] == [1, 2, 3, 4]
    assert found[0].prev_hash == register.GENESIS
    for before, after in itertools.pairwise(found):
        assert after.prev_hash == before.row_hash
    # The database (PostgreSQL computes the hash in the head update) and Python agree.
    for row in found:
        assert row.chain_seq is not None
        assert row.row_hash == chain_hash(
            row.prev_hash, row.chain_seq, register._chained_content(row)
        )
    head = RegisterChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (4, found[-1].row_hash)
    assert verify_register() == []
    assert all(verify_register([r]) == [] for r in found)
    assert not AuditEvent.objects.filter(event_type=EventType.CHECK_MADE).exists()


def test_a_changed_row_is_found(checkers: Checkers, company: Subject) -> None:
    checks(checkers, company, 3)
    second = rows()[1]
    AccessRecord.objects.filter(pk=second.pk).update(purpose="别的目的")
    problems = verify_register()
    assert problems == [
        f"access record {second.pk} was changed after it was written (chain {second.chain})"
    ]
    assert verify_register([AccessRecord.objects.get(pk=second.pk)])


def test_a_deleted_row_is_found(checkers: Checkers, company: Subject) -> None:
    checks(checkers, company, 3)
    first, second, third = rows()
    AccessRecord.objects.filter(pk=second.pk).delete()
    assert any("row 2 is missing" in p for p in verify_register())
    assert verify_register([AccessRecord.objects.get(pk=first.pk)])
    assert verify_register([AccessRecord.objects.get(pk=third.pk)])
    # The last row deleted: the head still names it.
    AccessRecord.objects.filter(pk=third.pk).delete()
    assert any("ends at row 1" in p for p in verify_register())


def test_an_inserted_row_is_found(checkers: Checkers, company: Subject) -> None:
    checks(checkers, company, 2)
    first, second = rows()
    forged = AccessRecord.objects.get(pk=second.pk)
    forged.pk = None
    forged._state.adding = True
    forged.chain_seq = 3
    forged.purpose = "伪造"
    forged.prev_hash = second.row_hash
    forged.row_hash = chain_hash(forged.prev_hash, 3, register._chained_content(forged))
    forged.save(force_insert=True)
    # Appended consistently, but the head does not name it.
    assert any("ends at row 3" in p for p in verify_register())
    # Inserted in the middle: the link breaks.
    AccessRecord.objects.filter(pk=second.pk).update(chain_seq=99)
    AccessRecord.objects.filter(pk=forged.pk).update(chain_seq=2, prev_hash=first.row_hash)
    AccessRecord.objects.filter(pk=second.pk).update(chain_seq=3)
    assert verify_register()


def test_a_rewritten_chain_is_found_by_its_anchor(checkers: Checkers, company: Subject) -> None:
    checks(checkers, company, 2)
    assert do_anchor_register() == 1
    assert do_anchor_register() == 0  # nothing new
    assert verify_register() == []
    # Rewrite the whole chain and its head consistently: only the anchor still tells.
    prev = register.GENESIS
    for row in rows():
        row.purpose = "改写"
        assert row.chain_seq is not None
        row_hash = chain_hash(prev, row.chain_seq, register._chained_content(row))
        AccessRecord.objects.filter(pk=row.pk).update(
            purpose="改写", prev_hash=prev, row_hash=row_hash
        )
        prev = row_hash
    RegisterChainHead.objects.update(last_hash=prev)
    problems = verify_register()
    assert len(problems) == 1 and "differs from its anchor" in problems[0]
    assert verify_chain().ok  # the audit chain itself is intact: the anchor is trustworthy


def test_chains_are_anchored_every_n_rows(
    checkers: Checkers, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register, "ANCHOR_EVERY", 2)
    checks(checkers, company, 5)
    anchors = AuditEvent.objects.filter(event_type=EventType.REGISTER_ANCHORED).order_by("seq")
    assert [(a.after or {})["seq"] for a in anchors] == [2, 4]
    assert RegisterChainHead.objects.get().anchored_seq == 4
    assert verify_register() == []


@pytest.mark.parametrize(
    "state", [CaseState.LISTED, CaseState.SUSPENDED, CaseState.REMOVED, CaseState.DECIDED]
)
def test_the_raw_listing_sql_selects_what_the_rules_say(
    state: CaseState, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(state)
    item = classify(str(company.uscc))
    for on in (D(2026, 3, 11), D(2026, 3, 12), D(2026, 4, 1), D(2026, 6, 2), D(2029, 3, 13)):
        expected = sorted(
            ListingCase.objects.filter(in_effect_q(on), subject=company)
            .annotate(s=suspended_on_q(on))
            .values_list("pk", "s")
        )
        got = [
            (x.case_id, x.suspended) for x in effective_listings([company.pk], on=on)[company.pk]
        ]
        assert got == expected, on
        found = subject_and_listings(item, on=on)
        assert found is not None and found[0] is not None and found[0].pk == company.pk
        assert [(x.case_id, x.suspended) for x in found[1]] == expected


def test_a_large_batch_stores_every_line_exactly(
    checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    """Above ``COPY_THRESHOLD`` lines PostgreSQL gets them by COPY in text format, built by
    hand: codes with a backslash, a tab or a newline must come back as given."""
    case_in(CaseState.LISTED)
    odd = ["bad\\code", "tab\there", "new\nline", "ret\rurn"]
    codes = [str(company.uscc), *odd, *(f"X{i}" for i in range(600))]
    result = do_check_batch(
        codes,
        matter="government_procurement",
        purpose="x",
        department=checkers.centre,
        acting_user=checkers.checker,
    )
    lines = list(CheckAnswer.objects.filter(check_request=result.check).order_by("position"))
    assert len(lines) == len(codes)
    assert [line.subject_code for line in lines[1:5]] == [
        a.classified.shown for a in result.answers[1:5]
    ]
    assert lines[0].answer == "restricted" and lines[0].subject_id == company.pk
    assert lines[0].detail == json.loads(
        json.dumps(result.answers[0].detail(), cls=DjangoJSONEncoder)
    )
    assert lines[1].detail is not None and lines[1].detail["error"]["code"]
    assert verify_register() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_failed_copy_of_the_lines_records_nothing(
    checkers: Checkers, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines go by COPY on a thread of their own while the receipt is signed; should the
    copy fail, the check fails with its error and nothing of it is stored."""
    monkeypatch.setattr(actions, "_copy_lines", lambda check_id, answers: b"not\ta\tline\n")
    codes = [str(company.uscc), *(f"X{i}" for i in range(600))]
    with pytest.raises(DataError):
        do_check_batch(
            codes,
            matter="government_procurement",
            purpose="x",
            department=checkers.centre,
            acting_user=checkers.checker,
        )
    assert not Check.objects.exists() and not CheckAnswer.objects.exists()
    assert not AccessRecord.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_failure_while_the_lines_are_copied_records_nothing(
    checkers: Checkers, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should signing fail while the lines are being copied, the copy is waited for before
    the rollback: no line of the check outlives it."""

    def broken(payload: bytes) -> tuple[str, str]:
        raise RuntimeError("no key")

    monkeypatch.setattr(actions.signing, "sign", broken)
    with pytest.raises(RuntimeError, match="no key"):
        do_check_batch(
            [str(company.uscc), *(f"X{i}" for i in range(600))],
            matter="government_procurement",
            purpose="x",
            department=checkers.centre,
            acting_user=checkers.checker,
        )
    assert not Check.objects.exists() and not CheckAnswer.objects.exists()


def test_the_anchor_command(checkers: Checkers, company: Subject) -> None:
    checks(checkers, company, 1)
    out = io.StringIO()
    call_command("checks", "anchor", stdout=out)
    assert "1 register chain(s) anchored" in out.getvalue()
    event = AuditEvent.objects.get(event_type=EventType.REGISTER_ANCHORED)
    assert event.actor_label == "system:checks-anchor"
    assert verify_register() == [] and verify_chain().ok
