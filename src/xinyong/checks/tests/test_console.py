"""The console page: check one subject, upload a CSV for a batch, download results (formula
injection neutralised) and the receipt; who may see what."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xinyong.checks.forms import read_codes
from xinyong.checks.models import Check
from xinyong.checks.receipts import verify_document
from xinyong.checks.tests.conftest import Checkers
from xinyong.core.models import Subject
from xinyong.core.tests.fixtures import uscc_for
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.security.models import AccessRecord

pytestmark = pytest.mark.django_db

HOME = reverse("console:checks-home")
BATCH = reverse("console:checks-batch")


def form(checkers: Checkers, prefix: str, **more: object) -> dict[str, object]:
    return {
        f"{prefix}-matter": "government_procurement",
        f"{prefix}-purpose": "供应商资格审查",
        f"{prefix}-reference": "SFCG-9",
        f"{prefix}-department": str(checkers.centre.pk),
        **{f"{prefix}-{k}": v for k, v in more.items()},
    }


def test_single_check_from_the_console(
    client: Client, checkers: Checkers, company: Subject, case_in: Callable[..., ListingCase]
) -> None:
    case_in(CaseState.LISTED)
    client.force_login(checkers.checker)
    assert client.get(HOME).status_code == 200
    response = client.post(HOME, form(checkers, "one", subject=company.uscc))
    assert response.status_code == 200
    page = response.content.decode()
    assert "restrict-government-procurement" in page
    check = Check.objects.get()
    assert check.reference == "SFCG-9" and check.restricted_count == 1
    receipt = client.get(reverse("console:checks-receipt", args=[check.public_id]))
    assert verify_document(receipt.content).valid
    assert str(check.public_id) in client.get(HOME).content.decode()  # past checks


def test_invalid_code_in_the_console_is_an_error_not_clear(
    client: Client, checkers: Checkers
) -> None:
    client.force_login(checkers.checker)
    response = client.post(HOME, form(checkers, "one", subject="91330102MA2B3C4D5X"))
    assert response.status_code == 422
    assert "校验码" in response.content.decode()
    assert not Check.objects.exists()


def test_csv_batch_and_results_download_neutralise_formulas(
    client: Client,
    checkers: Checkers,
    company: Subject,
    case_in: Callable[..., ListingCase],
    make_subject: Callable[..., Subject],
) -> None:
    case_in(CaseState.LISTED)
    evil = make_subject('=HYPERLINK("http://x")公司')
    text = f"统一社会信用代码\n{company.uscc}\n{evil.uscc}\n\n{uscc_for()}\n=1+1\n"
    upload = SimpleUploadedFile("subjects.csv", text.encode("utf-8-sig"), "text/csv")
    client.force_login(checkers.checker)
    response = client.post(BATCH, {**form(checkers, "batch"), "batch-file": upload})
    check = Check.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:checks-detail", args=[check.public_id])
    assert (check.subject_count, check.restricted_count, check.invalid_count) == (4, 1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "restrict-government-procurement" in page
    download = client.get(reverse("console:checks-results", args=[check.public_id]))
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert rows[1][1] == company.uscc and "restrict-government-procurement" in rows[1][5]
    assert rows[2][2].startswith("'=HYPERLINK")  # neutralised
    assert rows[4][1].startswith("'=")  # the invalid code itself, neutralised
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert AccessRecord.objects.filter(object_id=str(check.public_id)).count() == 2


def test_read_codes_handles_gb18030_and_no_header() -> None:
    assert read_codes("91330102000000017X,x\r\n".encode("gb18030")) == ["91330102000000017X"]
    assert read_codes("代码\n甲\n".encode("gb18030")) == ["甲"]


def test_too_many_codes_in_the_file(client: Client, checkers: Checkers) -> None:
    text = "\n".join(uscc_for() for _ in range(10_001))
    upload = SimpleUploadedFile("big.csv", text.encode(), "text/csv")
    client.force_login(checkers.checker)
    response = client.post(BATCH, {**form(checkers, "batch"), "batch-file": upload})
    assert response.status_code == 422
    assert "10000" in response.content.decode() or "10,000" in response.content.decode()
    assert not Check.objects.exists()


def test_access_to_the_console_pages(client: Client, checkers: Checkers, company: Subject) -> None:
    assert client.get(HOME).status_code == 302  # anonymous → log-in
    client.force_login(checkers.reporter)
    assert client.get(HOME).status_code == 403  # no checker role
    client.force_login(checkers.checker)
    client.post(HOME, form(checkers, "one", subject=company.uscc))
    check = Check.objects.get()
    client.force_login(checkers.other_checker)  # another department's checker
    assert client.get(reverse("console:checks-detail", args=[check.public_id])).status_code == 404
    assert client.get(reverse("console:checks-results", args=[check.public_id])).status_code == 404
    assert str(check.public_id) not in client.get(HOME).content.decode()
    client.force_login(checkers.checker)
    response = client.get(reverse("console:checks-receipt", args=[check.public_id]))
    assert json.loads(response.content)["receipt"]["id"] == str(check.public_id)
