"""Two concurrent transitions of one case cannot both win (STYLE §6).

On PostgreSQL, two threads (two connections) fire at the same time; the first one holds the
case row lock (``select_for_update``) while it works, the second waits, then reads the state
the first wrote and is refused. On SQLite, where writers are serialised at BEGIN anyway, the
same guarantee is shown with the version a form carries (``LISTING_STALE``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.actions import cases as case_actions
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_cannot_both_win(
    people: People, case_in: Callable[..., ListingCase], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = case_in(CaseState.NOTICE_ISSUED)  # window ended 2026-03-09
    slow_clear = case_actions.clear_deadline

    def clear_slowly(c: ListingCase) -> None:
        time.sleep(0.5)  # hold the row lock while the other thread arrives
        slow_clear(c)

    monkeypatch.setattr(case_actions, "clear_deadline", clear_slowly)
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def fire(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("won")
        except CodedError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=fire,
            args=(
                lambda: actions.do_close_objection_window(
                    case.pk, acting_user=None, today=date(2026, 3, 10)
                ),
            ),
        ),
        threading.Thread(
            target=fire,
            args=(
                lambda: actions.do_file_objection(
                    case.pk, received_on=date(2026, 3, 9), grounds="x",
                    acting_user=people.clerk, today=date(2026, 3, 10),
                ),
            ),
        ),
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["LISTING_TRANSITION_INVALID", "won"], outcomes
    final = ListingCase.objects.get(pk=case.pk)
    assert final.version == case.version + 1
    assert final.state in {CaseState.READY_FOR_DECISION, CaseState.OBJECTION_REVIEW}
    assert (
        AuditEvent.objects.filter(
            event_type__in=[
                EventType.LISTING_OBJECTION_WINDOW_CLOSED,
                EventType.LISTING_OBJECTION_FILED,
            ],
            object_id=str(case.pk),
        ).count()
        == 1
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_transition_twice_at_once_wins_once(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    case = case_in(CaseState.DECIDED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        try:
            barrier.wait()
            actions.do_publish_listing(
                case.pk, acting_user=people.reviewer, today=date(2026, 3, 12)
            )
            outcomes.append("won")
        except CodedError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["LISTING_TRANSITION_INVALID", "won"]
    assert AuditEvent.objects.filter(event_type=EventType.LISTING_PUBLISHED).count() == 1


@pytest.mark.django_db
def test_two_forms_shown_with_the_same_version_win_once(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    """The stale-state check, on any database: both forms carry the version they were shown
    with; the second submission finds a newer version and changes nothing."""
    case = case_in(CaseState.DECIDED)
    shown = case.version
    actions.do_publish_listing(
        case, acting_user=people.reviewer, expected_version=shown, today=date(2026, 3, 12)
    )
    with pytest.raises(CodedError) as exc:
        actions.do_publish_listing(
            case, acting_user=people.clerk, expected_version=shown, today=date(2026, 3, 13)
        )
    assert exc.value.code == "LISTING_STALE"
    assert ListingCase.objects.get(pk=case.pk).listed_on == date(2026, 3, 12)
    assert AuditEvent.objects.filter(event_type=EventType.LISTING_PUBLISHED).count() == 1
