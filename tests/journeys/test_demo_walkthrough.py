"""The walk-through of the README on the demo data, through the HTTP API as a department
system or a clerk would do it (issue 4, "done when"):

a subject was noticed, objected, was answered and listed by the market regulation bureau; the
public resources trading centre's checker asks before awarding a government procurement
contract and is told "restricted", with the measure's legal basis and the decision it follows
from, and a receipt anyone can verify; a subject whose listing term ended is "clear".
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from xinyong.core.demo.plan import MIN_SUBJECTS
from xinyong.core.models import User
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.policy.loader import FileOutcome

pytestmark = pytest.mark.django_db

MATTER = "government_procurement"


@pytest.fixture
def demo(loaded_policy: list[FileOutcome]) -> str:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    return out.getvalue()


def check(client: Client, code: str) -> dict:
    response = client.get(
        "/api/v1/checks",
        {"subject": code, "matter": MATTER, "purpose": "政府采购供应商资格审查"},
    )
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_notice_objection_listing_then_restricted_and_after_expiry_clear(
    client: Client, demo: str
) -> None:
    listed = ListingCase.objects.get(state=CaseState.LISTED)
    expired = ListingCase.objects.get(state=CaseState.REMOVED)
    # The procedure the listed subject went through, as the demo printed it.
    assert listed.objections.count() == 1
    assert listed.subject.uscc and listed.subject.uscc in demo
    assert re.search(
        r"Term ended and removed by the periodic job: .+ \(" + expired.subject.uscc, demo
    )

    client.force_login(User.objects.get(username="checker"))  # 交易中心核查员

    answer = check(client, listed.subject.uscc)
    assert answer["answer"] == "restricted"
    procurement = [m for m in answer["measures"] if m["code"] == "restrict-government-procurement"]
    assert procurement and procurement[0]["state"] == "applied"
    assert procurement[0]["legal_basis"]  # the law the restriction rests on
    assert [x["case_id"] for x in answer["listings"]] == [listed.pk]
    assert answer["listings"][0]["decision_number"]
    assert answer["objection_pending"] is False

    verified = client.get(f"/api/v1/checks/receipts/{answer['receipt_id']}/verify")
    assert verified.status_code == 200 and verified.json()["valid"] is True

    after_expiry = check(client, expired.subject.uscc)
    assert after_expiry["answer"] == "clear"
    assert after_expiry["measures"] == [] and after_expiry["subject_known"] is True
