"""The audit trail: every action writes an event in its transaction, the chain verifies,
and tampering with past events through raw SQL is caught and located."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from xinyong.audit.context import request_context
from xinyong.audit.events import EventType, check_ranges
from xinyong.audit.models import AppendOnlyError, AuditEvent
from xinyong.audit.record import record_event, verify_chain
from xinyong.core.actions import do_rename_subject
from xinyong.core.models import Subject

pytestmark = pytest.mark.django_db


def _events(make_subject: Callable[..., Subject], n: int = 5) -> list[Subject]:
    return [make_subject() for _ in range(n)]


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def test_event_types_are_unique_and_in_range() -> None:
    values = [m.value for m in EventType]
    assert len(values) == len(set(values))
    assert check_ranges() == []


def test_actions_write_chained_events(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(name="杭州甲乙科技有限公司")
    events = list(AuditEvent.objects.filter(subject_id=subject.pk))
    assert [e.event_type for e in events] == [EventType.SUBJECT_CREATED]
    assert events[0].after is not None
    assert events[0].after["name"] == "杭州甲乙科技有限公司"
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    result = verify_chain()
    assert result.ok, result
    assert result.checked == len(seqs)


@pytest.mark.django_db(transaction=True)
def test_event_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event(EventType.DEMO_DATA_LOADED, acting_user=None)


def test_rolled_back_change_leaves_no_event(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject()
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        do_rename_subject(
            subject, "新名称有限公司", effective=subject.created_at.date(), acting_user=None
        )
        1 / 0  # noqa: B018
    assert AuditEvent.objects.count() == before
    assert verify_chain().ok


def test_orm_cannot_change_or_delete_events(make_subject: Callable[..., Subject]) -> None:
    make_subject()
    event = AuditEvent.objects.first()
    assert event is not None
    event.actor_label = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_raw_sql_edit_is_caught_at_the_edited_event(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET actor_label = %s WHERE seq = %s", ["mallory", 3])
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == 3
    assert result.reason_code == "AUDIT_EVENT_ALTERED"
    assert result.checked == 2


def test_raw_sql_edit_of_json_is_caught(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject)
    event = AuditEvent.objects.get(seq=2)
    forged = {**(event.after or {}), "name": "伪造名称"}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET after = %s WHERE seq = 2",
            [__import__("json").dumps(forged, ensure_ascii=False)],
        )
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 2)


def test_edit_with_recomputed_hash_breaks_the_next_link(
    make_subject: Callable[..., Subject],
) -> None:
    """A forger who recomputes the edited event's own hash still breaks the chain."""
    from xinyong.audit.record import compute_hash

    _events(make_subject)
    event = AuditEvent.objects.get(seq=2)
    event.actor_label = "mallory"
    new_hash = compute_hash(event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET actor_label = %s, hash = %s WHERE seq = 2",
            ["mallory", new_hash],
        )
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.reason_code) == (
        False,
        3,
        "AUDIT_LINK_BROKEN",
    )


def test_raw_sql_delete_is_caught(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE seq = 4")
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.reason_code) == (
        False,
        4,
        "AUDIT_EVENT_MISSING",
    )


def test_deleting_the_newest_events_is_caught(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject)
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE seq >= %s", [last - 1])
    result = verify_chain()
    assert (result.ok, result.reason_code, result.first_broken_seq) == (
        False,
        "AUDIT_TAIL_MISSING",
        last - 1,
    )


def test_published_anchor_catches_a_rewritten_tail(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject)
    out = StringIO()
    call_command("audit", "head", stdout=out)
    anchor = out.getvalue().strip()
    seq = int(anchor.split(":")[0])
    # Rewrite history from the anchor on, head row included: only the anchor notices.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()} WHERE seq >= %s", [seq])
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = "
            f"(SELECT hash FROM {_table()} WHERE seq = %s)",
            [seq - 1, seq - 1],
        )
    assert verify_chain().ok
    result = verify_chain(expect_head=(seq, anchor.split(":")[1]))
    assert (result.ok, result.reason_code) == (False, "AUDIT_ANCHOR_MISSING")


def test_verify_command(make_subject: Callable[..., Subject]) -> None:
    _events(make_subject, 3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK: ")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table()} SET object_id = 'x' WHERE seq = 2")
    with pytest.raises(CommandError, match="AUDIT_EVENT_ALTERED: first broken link at event 2"):
        call_command("audit", "verify")


def test_request_id_is_recorded(make_subject: Callable[..., Subject]) -> None:
    with request_context("req-abcdef12"):
        subject = make_subject()
    event = AuditEvent.objects.get(subject_id=subject.pk)
    assert event.request_id == "req-abcdef12"


def test_http_request_id_is_echoed_and_sanitised(client: Client) -> None:
    response = client.get("/", HTTP_X_REQUEST_ID="req-12345678")
    assert response["X-Request-ID"] == "req-12345678"
    bad = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert bad["X-Request-ID"] != "<script>"
    assert len(bad["X-Request-ID"]) == 32
