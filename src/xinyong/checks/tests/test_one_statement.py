"""The single check on PostgreSQL runs without an explicit transaction: one read, then ONE
statement that writes the check, its answer line and its register row and advances the
register chain (docs/decisions/0074-check-one-statement.md). These tests run outside a test
transaction (``transaction=True``), as a server runs the check."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import IntegrityError, connection

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.checks import actions
from xinyong.checks.actions import CheckResult, do_check_subject
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.models import Subject
from xinyong.security.actions import register
from xinyong.security.actions.register import verify_register
from xinyong.security.actions.tokens import IssuedToken
from xinyong.security.models import AccessRecord, RegisterChainHead
from xinyong.security.principals import Principal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's single statement"),
]


def check(
    checkers: Checkers, company: Subject, n: int = 0, *, by: Principal | None = None
) -> CheckResult:
    assert company.uscc
    return do_check_subject(
        company.uscc,
        matter="government_procurement",
        purpose=f"政府采购供应商资格审查 {n}",
        department=checkers.centre,
        acting_user=by or checkers.checker,
    )


def sent_messages(run: object) -> str:
    """What the client sent to PostgreSQL while ``run()`` ran (libpq's protocol trace)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace"
        with path.open("w") as handle:
            pgconn.trace(handle.fileno())
            try:
                run()  # type: ignore[operator]
            finally:
                pgconn.untrace()
        return "\n".join(line for line in path.read_text().splitlines() if "\tF\t" in line)


def test_a_check_is_one_read_and_one_write_without_begin_or_commit(
    checkers: Checkers,
    company: Subject,
    token: Callable[..., IssuedToken],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As a server runs it: the measure catalogue kept for a while (the tests' default reads it
    # every time), a department system's token (a staff checker's roles cost queries).
    monkeypatch.setenv("XINYONG_CHECK_CATALOGUE_TTL", "60")
    system = Principal.for_token(token("check").token)
    check(checkers, company, by=system)  # the first check of a chain makes its head
    assert not connection.in_atomic_block
    sent = sent_messages(lambda: check(checkers, company, 1, by=system))
    assert "BEGIN" not in sent and "COMMIT" not in sent
    statements = [line for line in sent.splitlines() if "\tParse\t" in line or "\tQuery\t" in line]
    assert len(statements) == 2, statements  # the read, the write
    assert "WITH h AS (UPDATE security_registerchainhead" in statements[1]
    # Committed: visible from another connection's point of view as the rows themselves.
    assert connection.connection.info.transaction_status.name == "IDLE"
    assert Check.objects.count() == 2 and CheckAnswer.objects.count() == 2
    assert [r.chain_seq for r in AccessRecord.objects.order_by("chain_seq")] == [1, 2]
    assert verify_register() == []


def test_a_new_chain_takes_the_general_way_in_a_transaction(
    checkers: Checkers, company: Subject
) -> None:
    assert not RegisterChainHead.objects.exists()
    sent = sent_messages(lambda: check(checkers, company))
    assert "BEGIN" in sent and "COMMIT" in sent  # the general way: a transaction of its own
    made = [check(checkers, company, n) for n in range(1, 3)]
    found = list(AccessRecord.objects.order_by("chain_seq"))
    assert [r.chain_seq for r in found] == [1, 2, 3]
    assert [r.object_id for r in found[1:]] == [str(m.check.public_id) for m in made]
    # The statement that found no head inserted nothing: one check and one line each.
    assert Check.objects.count() == CheckAnswer.objects.count() == 3
    assert verify_register() == []


def test_a_failing_write_leaves_nothing_and_the_chain_whole(
    checkers: Checkers, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(checkers, company)
    check(checkers, company, 1)
    head = RegisterChainHead.objects.get()
    # The next check gets the first one's public id: its insert violates the unique key, so
    # the whole statement fails — the head's advance with it.
    with monkeypatch.context() as patched:
        patched.setattr(actions.uuid, "uuid4", lambda: first.check.public_id)
        with pytest.raises(IntegrityError):
            check(checkers, company, 2)
    after = RegisterChainHead.objects.get()
    assert (after.last_seq, after.last_hash) == (head.last_seq, head.last_hash)
    assert Check.objects.count() == CheckAnswer.objects.count() == AccessRecord.objects.count() == 2
    check(checkers, company, 3)  # the chain goes on where it was
    assert [r.chain_seq for r in AccessRecord.objects.order_by("chain_seq")] == [1, 2, 3]
    assert verify_register() == []


def test_the_anchor_after_the_single_statement(
    checkers: Checkers, company: Subject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register, "ANCHOR_EVERY", 2)
    for n in range(3):
        check(checkers, company, n)
    anchors = AuditEvent.objects.filter(event_type=EventType.REGISTER_ANCHORED)
    assert [(e.after or {}).get("seq") for e in anchors.order_by("pk")] == [2]
    assert RegisterChainHead.objects.get().anchored_seq == 2
    assert verify_register() == []
