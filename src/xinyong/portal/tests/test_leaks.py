"""No portal page and no report leaks a full ID number or a non-public value.

Renders every portal page for the subjects of the fixture world (which holds shared-only,
not-disclosed, withdrawn and expired records, a person and a legal representative with full
ID numbers) and of the demo data (``xinyong demo``), in Chinese and in English, plus the
credit reports, and scans the output for every natural person's full ID number (decrypted
from the database), its birth-date digits, the stored ciphertexts and hashes, and the marker
texts of everything that must not be published.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinyong.core import crypto
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject
from xinyong.portal.models import CreditReport
from xinyong.portal.tests.conftest import SECRET_MARKERS, World
from xinyong.records.models import Record

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "pdftoppm"
PDFFONTS = shutil.which("pdffonts") or "pdffonts"

pytestmark = pytest.mark.django_db


def secrets_in_database(extra: list[str]) -> list[str]:
    """Every value no public page may contain."""
    found = list(extra)
    for person in Subject.objects.exclude(id_number_encrypted=""):
        number = crypto.decrypt(person.id_number_encrypted)
        found += [number, number[6:14], person.id_number_encrypted, person.id_number_hash]
    for sealed in Record.objects.exclude(sealed="").values_list("sealed", flat=True):
        found.append(sealed)
    return [s for s in found if s]


def portal_pages(client: Client, subjects: list[Subject]) -> Iterator[tuple[str, str]]:
    """(address, body) of every portal page about ``subjects``, and the general pages."""
    urls = [
        reverse("portal:home"),
        reverse("portal:lists-serious"),
        reverse("portal:lists-red"),
        reverse("portal:lists-serious") + "?list_type=wage-arrears",
        reverse("portal:report-verify-lookup"),
    ]
    for s in subjects:
        ref = s.uscc or str(s.pk)
        urls += [
            reverse("portal:subject", args=[ref]),
            reverse("portal:search") + f"?q={s.name}",
            reverse("portal:search") + f"?q={s.name[1:3]}",
        ]
        if s.uscc:
            urls.append(reverse("portal:search") + f"?q={s.uscc}")
    for report in CreditReport.objects.all():
        urls.append(reverse("portal:report-verify", args=[report.code]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def assert_clean(pages: Iterator[tuple[str, str]], secrets: list[str]) -> int:
    n = 0
    for url, body in pages:
        n += 1
        for secret in secrets:
            assert secret not in body, f"{url} contains {secret!r}"
    return n


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [PDFTOTEXT, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_no_page_of_the_world_leaks(world: World, client: Client, tmp_path: Path) -> None:
    secrets = secrets_in_database(
        [*SECRET_MARKERS.values(), world.person_id, world.representative_id]
    )
    assert world.person_id in secrets
    subjects = list(Subject.objects.all())
    pdfs = []
    if shutil.which("pdftotext"):
        for s in (world.company, world.person, world.listed.subject):
            response = client.get(reverse("portal:subject-report", args=[s.uscc or s.pk]))
            pdfs.append("".join(pdf_text(response.content, tmp_path).split()))
    zh = assert_clean(portal_pages(client, subjects), secrets)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = assert_clean(portal_pages(client, subjects), secrets)
    assert zh == en and zh > 3 * len(subjects)
    for text in pdfs:
        for secret in secrets:
            assert secret not in text


def test_no_page_of_the_demo_data_leaks(client: Client, loaded_policy: object) -> None:
    call_command("demo", "--subjects", "60", stdout=StringIO())
    persons = list(Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON))
    assert persons, "the demo has natural persons"
    others = list(Subject.objects.exclude(kind=SubjectKind.NATURAL_PERSON).order_by("pk")[:10])
    secrets = secrets_in_database([])
    assert len(secrets) >= 4 * len(persons)
    assert assert_clean(portal_pages(client, persons + others), secrets) > 0
