"""Admin pages of lists and measures, retiring editions, and the edges of the helpers: lookups,
filters, commands, defensive branches of the tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import Subject, User
from xinyong.errors import CodedError
from xinyong.lists import actions
from xinyong.lists.choices import CaseState
from xinyong.lists.errors import list_file_error
from xinyong.lists.forms import find_subject
from xinyong.lists.management.commands import lists as lists_command
from xinyong.lists.models import DocumentCounter, ListingAlarm, ListingCase, ListType
from xinyong.lists.procedure import DOC_BEGIN, DOC_END, documentation_block
from xinyong.lists.templatetags.listing import cn_date, months_zh
from xinyong.lists.tests.conftest import People
from xinyong.lists.tick import run_listing_tick
from xinyong.measures.errors import measure_file_error
from xinyong.measures.models import Measure, Memorandum, MemorandumLink
from xinyong.policy.actions import do_retire_policy_edition
from xinyong.policy.models import PolicyEdition

pytestmark = pytest.mark.django_db


def test_admin_pages_are_read_only_for_platform_admins(
    client: Client,
    people: People,
    case_in: Callable[..., ListingCase],
    make_user: Callable[..., User],
) -> None:
    case = case_in(CaseState.LISTED)
    admin = make_user(Role.PLATFORM_ADMIN)
    client.force_login(admin)
    pages = {
        "admin:lists_listtype_changelist": [],
        "admin:lists_listtype_change": [ListType.objects.first().pk],  # type: ignore[union-attr]
        "admin:lists_listingcase_changelist": [],
        "admin:lists_listingcase_change": [case.pk],
        "admin:measures_measure_changelist": [],
        "admin:measures_measure_change": [Measure.objects.first().pk],  # type: ignore[union-attr]
        "admin:measures_memorandum_changelist": [],
        "admin:measures_memorandum_change": [Memorandum.objects.first().pk],  # type: ignore[union-attr]
    }
    for name, args in pages.items():
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert b'name="_save"' not in response.content  # nothing to save
    assert client.get(reverse("admin:lists_listingcase_add")).status_code == 403
    # A department reporter sees no admin page of these.
    client.force_login(people.clerk)
    assert client.get(reverse("admin:lists_listtype_changelist")).status_code == 403


def test_retiring_editions_reports_their_rows(people: People) -> None:
    for kind, key in (
        ("memoranda", "memoranda"),
        ("measures", "measures"),
        ("list_types", "list_types"),
    ):
        edition = PolicyEdition.objects.filter(kind=kind).order_by("pk").first()
        assert edition is not None
        do_retire_policy_edition(edition, reason="test", acting_user=None)
        event = AuditEvent.objects.filter(event_type=EventType.POLICY_EDITION_RETIRED).last()
        assert event is not None and isinstance(event.after, dict)
        assert event.after["summary"][key]


def test_string_forms(case_in: Callable[..., ListingCase]) -> None:
    case = case_in(CaseState.SUSPENDED)
    assert str(case).endswith("· suspended") and case.reference == f"LC-{case.pk:06d}"
    assert "wage-arrears" in str(case.list_type)
    assert str(case.objections.first()).endswith("pending")
    assert str(case.suspensions.first()).endswith("–")
    assert str(case.documents.first()).startswith("示范人社")
    assert case.documents.first().filename.endswith(".pdf")  # type: ignore[union-attr]
    assert "no_grounds" in str(case.leniency.first())
    assert "→" in str(MemorandumLink.objects.first())
    assert str(DocumentCounter.objects.first()).endswith(": 1")
    alarm = ListingAlarm.objects.create(
        case=case, kind="removal_overdue", due_on=date(2026, 1, 1), raised_on=date(2026, 1, 2)
    )
    assert str(alarm).endswith("2026-01-01")
    assert "(" in str(Measure.objects.first()) and "(" in str(Memorandum.objects.first())


def test_helpers(people: People, person: Subject, company: Subject) -> None:
    assert cn_date(None) == "" and cn_date(date(2026, 3, 9)) == "2026年3月9日"
    assert months_zh(None) == "" and months_zh(24) == "2年" and months_zh(18) == "18个月"
    assert find_subject("") is None
    assert find_subject("not an identifier") is None
    assert find_subject(company.uscc or "") == company
    assert find_subject("91330102MA2H3X4Y6J") is None
    assert find_subject((company.uscc or "")[8:17]) is None  # an organisation code: not searched
    assert lists_command.docs_path().name == "lists.md"
    with pytest.raises(ValueError, match="unknown list-type file error"):
        list_file_error("NOPE", "x", "k", "z", "e")
    with pytest.raises(ValueError, match="unknown measure file error"):
        measure_file_error("NOPE", "x", "k", "z", "e")
    from xinyong.core.actions import do_create_user
    from xinyong.lists.permissions import actors_for

    citizen = do_create_user(username="c", password=None, is_staff=False, acting_user=None)
    case = ListingCase(initiating_department=people.bureau)
    assert actors_for(citizen, case) == set()
    assert actors_for(people.clerk, case) == {"initiator"}
    with pytest.raises(ValueError, match="unknown action"):
        ListingCase.objects.restrict(people.clerk, "edit")
    assert not ListingCase.objects.restrict(None, "view").exists()


def test_find_a_person_by_resident_id(make_subject: Callable[..., Subject]) -> None:
    from xinyong.core.tests.fixtures import resident_id_for

    number = resident_id_for()
    person = make_subject("李四", kind="natural_person", id_number=number)
    assert find_subject(number) == person
    assert find_subject(resident_id_for()) is None


def test_action_on_a_missing_case(people: People) -> None:
    with pytest.raises(CodedError) as exc:
        actions.do_issue_prior_notice(999999, acting_user=people.clerk)
    assert exc.value.code == "LISTING_CASE_NOT_FOUND"


def test_leniency_outcome_must_be_known(
    people: People, case_in: Callable[..., ListingCase]
) -> None:
    with pytest.raises(CodedError) as exc:
        actions.do_record_leniency_assessment(
            case_in(CaseState.DRAFT),
            grounds_found=[],
            outcome="maybe",
            conclusion="x",
            acting_user=people.clerk,
            today=date(2026, 3, 2),
        )
    assert exc.value.code == "LISTING_LENIENCY_INCONSISTENT"


def test_diagram_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "lists.md"
    target.write_text(f"before\n{DOC_BEGIN}\nold\n{DOC_END}\nafter\n", encoding="utf-8")
    monkeypatch.setattr(lists_command, "docs_path", lambda: target)
    out = StringIO()
    call_command("lists", "diagram", "--write", stdout=out)
    assert target.read_text(encoding="utf-8") == f"before\n{documentation_block()}\nafter\n"
    target.write_text("no markers", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("lists", "diagram", "--write")


def test_tick_reports_refusals_and_provisional_alarms(
    people: People,
    case_in: Callable[..., ListingCase],
    company: Subject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xinyong.lists import tick

    notified = case_in(CaseState.NOTICE_ISSUED)
    listed = case_in(CaseState.LISTED)

    def refuse(*args: object, **kwargs: object) -> None:
        raise CodedError("SOMETHING_CHANGED", "x", "x")

    monkeypatch.setattr(tick, "do_close_objection_window", refuse)
    monkeypatch.setattr(tick, "do_expire_listing", refuse)
    report = run_listing_tick(today=date(2029, 4, 1))
    assert (notified.pk, "SOMETHING_CHANGED") in report.refused
    assert (listed.pk, "SOMETHING_CHANGED") in report.refused
    assert any(line.startswith("refused\t") for line in report.lines())
    monkeypatch.undo()
    # An overdue answer whose date is only provisional raises no alarm yet.
    from xinyong.lists.tests.conftest import open_wage_case

    case = open_wage_case(people, company, today=date(2026, 12, 21))
    case = actions.do_issue_prior_notice(case, acting_user=people.clerk, today=date(2026, 12, 21))
    actions.do_file_objection(
        case, received_on=date(2026, 12, 24), grounds="x", acting_user=people.clerk,
        today=date(2026, 12, 24),
    )  # fmt: skip
    report = run_listing_tick(today=date(2027, 1, 20))
    assert case.pk in report.provisional
    assert f"provisional\t{case.reference}" in report.lines()
