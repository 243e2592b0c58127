"""The lists scenario of the demo: a case in every state a new user should be able to open."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinyong.audit.record import verify_chain
from xinyong.console.due import due_work
from xinyong.core.demo.plan import MIN_SUBJECTS, build_plan
from xinyong.core.models import User
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.policy.loader import FileOutcome

pytestmark = pytest.mark.django_db


def test_the_demo_drives_a_case_into_each_state(loaded_policy: list[FileOutcome]) -> None:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)

    states = Counter(ListingCase.objects.values_list("state", flat=True))
    assert states == {
        CaseState.LISTED: 1,
        CaseState.NOTICE_ISSUED: 1,
        CaseState.OBJECTION_REVIEW: 1,
        CaseState.DECIDED: 1,
        CaseState.REMOVED: 1,
    }
    listed = ListingCase.objects.get(state=CaseState.LISTED)
    assert listed.objections.count() == 1  # objected, was answered, then listed
    assert listed.term_end and listed.term_end > timezone.localdate()
    removed = ListingCase.objects.get(state=CaseState.REMOVED)
    assert removed.term_end and removed.term_end < timezone.localdate()
    assert "Listed after notice, objection and answer" in out.getvalue()
    assert "Term ended and removed by the periodic job" in out.getvalue()
    assert verify_chain().ok

    # The demo's reporter and reviewer start with work waiting on the console home.
    today = timezone.localdate()
    reporter = due_work(User.objects.get(username="reporter"), today)
    assert reporter and reporter[0].open == 3


def test_without_policy_data_the_scenario_says_what_to_do() -> None:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    assert not ListingCase.objects.exists()
    assert "run `xinyong policy load` first" in out.getvalue()
    assert build_plan(subjects=MIN_SUBJECTS).seed is not None
