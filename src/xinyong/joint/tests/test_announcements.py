"""Listing changes are announced to every implementing department, in the transaction of the
transition (issue 4 §5; seed 002 (十七)、(十九); seed 004 二(二)3)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import verify_chain
from xinyong.joint.actions import do_register_webhook_endpoint
from xinyong.joint.choices import ItemKind, ListingChange
from xinyong.joint.models import Announcement, InboxItem, WebhookDelivery
from xinyong.joint.tests.conftest import People, decided_case, publish
from xinyong.lists import actions as lists
from xinyong.lists.models import ListingCase
from xinyong.policy.tests.fixtures import after
from xinyong.workdays.queries import add_working_days

D = date


def items_of(announcement: Announcement) -> dict[str, InboxItem]:
    return {i.department.code: i for i in announcement.items.select_related("department")}


def test_a_listing_taking_effect_tells_every_implementing_department(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    case = listed_case()
    announcement = Announcement.objects.get(case=case)
    assert announcement.change == ListingChange.TOOK_EFFECT
    assert announcement.effective_on == D(2026, 3, 12)
    told = items_of(announcement)
    # rsbl-45-2021 names sector authorities, governments and public service bodies.
    assert set(told) == {
        people.bureau.code,
        people.finance.code,
        people.government.code,
        people.centre.code,
    }
    item = told[people.finance.code]
    assert item.kind == ItemKind.LISTING_CHANGE
    codes = {m["code"] for m in item.measures}
    assert codes == {m["code"] for m in case.measures_snapshot}  # every measure names the kind
    assert "restrict-fiscal-funds" in codes
    fiscal = next(m for m in item.measures if m["code"] == "restrict-fiscal-funds")
    assert fiscal["legal_basis"] and fiscal["memoranda"][0]["code"] == "rsbl-45-2021"
    # One stable event id for the announcement, a name-based UUID.
    assert {i.event_id for i in told.values()} == {announcement.event_id}
    assert announcement.event_id.version == 5
    assert item.payload["event_id"] == str(announcement.event_id)
    assert item.payload["type"] == "listing.took_effect"
    listing = item.payload["listing"]
    assert listing["subject"]["uscc"] == case.subject.uscc
    assert listing["term"] == {"start": "2026-03-12", "end": "2029-03-12"}
    assert listing["decision"]["number"].startswith("示范人社信决字")
    # Feedback due N working days (the jurisdiction setting, 5) after the day received.
    today = timezone.localdate()
    assert item.due_on == add_working_days(today, 5)
    assert item.payload["feedback"]["due_on"] == item.due_on.isoformat()
    event = AuditEvent.objects.get(event_type=EventType.JOINT_LISTING_ANNOUNCED)
    assert after(event)["change"] == "took_effect"
    assert sorted(after(event)["departments"]) == sorted(told)
    assert verify_chain().ok


def test_a_natural_person_is_announced_with_the_masked_id_number_only(
    people: People, make_subject: Callable[..., Any]
) -> None:
    person = make_subject("张三", kind="natural_person")
    publish(people, decided_case(people, person))
    item = InboxItem.objects.filter(department=people.finance).get()
    subject = item.payload["listing"]["subject"]
    assert subject["uscc"] is None
    assert "*" in subject["id_number_masked"]
    assert person.id_number_masked == subject["id_number_masked"]


def test_suspension_resumption_and_revocation_are_announced_to_the_same_departments(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    case = listed_case()
    lists.do_file_objection(
        case,
        received_on=D(2026, 6, 1),
        grounds="工资已全部支付。",
        acting_user=people.reviewer,
        today=D(2026, 6, 1),
    )
    lists.do_answer_objection(
        case,
        upheld=False,
        answer="经核实，仍有 40 万元未支付。",
        answered_on=D(2026, 6, 11),
        acting_user=people.clerk,
        today=D(2026, 6, 11),
    )
    lists.do_revoke_listing(
        case, reason="依据文书被撤销。", acting_user=people.clerk, today=D(2026, 7, 1)
    )
    changes = list(Announcement.objects.filter(case=case).order_by("pk"))
    assert [(a.change, a.effective_on) for a in changes] == [
        ("took_effect", D(2026, 3, 12)),
        ("suspended", D(2026, 6, 1)),
        ("resumed", D(2026, 6, 11)),
        ("ended", D(2026, 7, 1)),
    ]
    first = set(items_of(changes[0]))
    for a in changes[1:]:
        assert set(items_of(a)) == first
    assert len({a.event_id for a in changes}) == 4
    suspended = items_of(changes[1])[people.finance.code].payload["listing"]
    assert suspended["measures_suspended"] is True
    assert suspended["suspended_since"] == "2026-06-01"
    resumed = items_of(changes[2])[people.finance.code].payload["listing"]
    assert resumed["measures_suspended"] is False
    assert resumed["term"]["end"] == "2029-03-22"  # moved by the 10 days suspended
    ended = items_of(changes[3])[people.finance.code].payload
    assert ended["type"] == "listing.ended"
    assert ended["listing"]["removal_reason"] == "revocation"
    assert ended["listing"]["removed_on"] == "2026-07-01"


def test_an_upheld_objection_against_the_listing_ends_it(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    case = listed_case()
    lists.do_file_objection(
        case, received_on=D(2026, 6, 1), grounds="已全部支付。", acting_user=people.reviewer,
        today=D(2026, 6, 1),
    )  # fmt: skip
    lists.do_answer_objection(
        case, upheld=True, answer="异议成立。", answered_on=D(2026, 6, 5),
        acting_user=people.clerk, today=D(2026, 6, 5),
    )  # fmt: skip
    last = Announcement.objects.filter(case=case).order_by("-pk").first()
    assert last is not None
    assert (last.change, last.effective_on) == ("ended", D(2026, 6, 5))


def test_expiry_by_the_periodic_job_is_announced_by_the_system(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    case = listed_case()
    lists.do_expire_listing(case, today=D(2029, 3, 13))
    last = Announcement.objects.filter(case=case).order_by("-pk").first()
    assert last is not None
    assert (last.change, last.effective_on, last.actor_label) == (
        "ended",
        D(2029, 3, 13),
        "system:lists-tick",
    )
    assert last.items.count() == 4


def test_nothing_is_announced_before_the_listing_takes_effect(people: People, company: Any) -> None:
    decided_case(people, company)  # decided, not yet on the list
    assert not Announcement.objects.exists()
    assert not InboxItem.objects.exists()


def test_a_rolled_back_transition_announces_and_pushes_nothing(
    people: People, company: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = decided_case(people, company)
    do_register_webhook_endpoint(
        people.finance,
        url="https://finance.example.gov.cn/hook",
        acting_user=people.finance_reporter,
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(people, case)
        raise RuntimeError("the request failed after the transition")
    assert callbacks == []
    assert not Announcement.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    case.refresh_from_db()
    assert case.state == "decided"


def test_deliveries_are_enqueued_after_commit_only(
    people: People, company: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = decided_case(people, company)
    do_register_webhook_endpoint(
        people.finance,
        url="https://finance.example.gov.cn/hook",
        acting_user=people.finance_reporter,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(people, case)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "listing.took_effect"
    assert not DBTaskResult.objects.exists()  # nothing sent before the commit
    for callback in callbacks:
        callback()
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [delivery.pk]
    assert queued.task_path == "xinyong.joint.tasks.deliver_webhook"


def test_event_ids_are_stable_and_differ_per_transition(
    people: People, listed_case: Callable[[], ListingCase]
) -> None:
    from xinyong.joint.actions.announcements import event_id_for

    case = listed_case()
    announcement = Announcement.objects.get(case=case)
    assert announcement.event_id == event_id_for(
        "listing", case.pk, announcement.case_version, "took_effect"
    )
    assert event_id_for("listing", case.pk, 1, "x") != event_id_for("listing", case.pk, 2, "x")
    assert isinstance(announcement.event_id, uuid.UUID)
