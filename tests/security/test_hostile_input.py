"""Hostile input (issue 7, "Hostile input"): markup in record text, SQL metacharacters and
wildcards in searches and API filters, path traversal in upload file names, oversized
bodies. Zip bombs in XLSX are refused by the reader: ``src/xinyong/records/tests/test_files.py``
(and fuzzed by ``test_files_fuzz.py``). IDOR on every object URL: ``test_security_matrix.py``
(the "other department" caller of every object URL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role
from xinyong.core.models import Subject
from xinyong.records.api import MAX_API_BYTES
from xinyong.records.models import Record
from xinyong.records.tests.factories import penalty_row

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xy')</script>"
IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture
def reporter_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.make_user(world.department_a, (Role.DEPARTMENT_REPORTER,)))
    return client


def _report(client: Client, world: Any, **fields: Any) -> Record:
    decided = timezone.localdate().replace(day=1)
    row = penalty_row(90, world.department_a.code, decided=decided, **fields)
    response = client.post(
        "/api/v1/records/batches",
        {"item": "CF", "department": world.department_a.code, "rows": [row]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Record.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_markup_in_record_text_is_escaped_in_console_and_portal(
    world: Any, reporter_client: Client
) -> None:
    record = _report(reporter_client, world, CF_XDR_MC=f"{SCRIPT}有限公司", CF_SY=f"违法事实{IMG}")
    assert record.subject.name.startswith("<script>")
    pages = [
        reporter_client.get(f"/console/records/{record.pk}/"),
        Client().get("/search/", {"q": "alert"}),
        Client().get("/search/", {"q": SCRIPT}),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert SCRIPT not in body and IMG not in body
        assert 'onerror="alert' not in body
    console = pages[0].content.decode()
    assert "&lt;script&gt;" in console  # shown, as text


@pytest.mark.parametrize(
    "q",
    [
        "' OR '1'='1",
        "'; DROP TABLE core_subject; --",
        '" OR ""="',
        "%",
        "%%",
        "_",
        "矩阵%公司",
        "\\",
        "1' UNION SELECT username, password FROM core_user --",
        "\x00",
    ],
)
def test_portal_search_treats_metacharacters_as_text(world: Any, q: str) -> None:
    subjects = Subject.objects.count()
    events = AuditEvent.objects.count()
    response = Client().get("/search/", {"q": q})
    assert response.status_code in {200, 400}
    body = response.content.decode()
    # A wildcard or an injected condition would list every subject: none of the world's
    # names may appear for a query that does not contain them.
    assert "矩阵泄漏检查有限公司" not in body
    assert "matrix-pass" not in body and "pbkdf2" not in body and "md5$" not in body
    assert Subject.objects.count() == subjects and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/records/batches", {"status": "' OR 1=1 --"}),
        ("/api/v1/records/batches", {"page": "1; DROP TABLE records_batch"}),
        ("/api/v1/records/stats", {"department": "%' OR '1'='1"}),
        ("/api/v1/lists/entries", {"type": "%"}),
        ("/api/v1/lists/entries", {"type": "' OR 1=1 --"}),
        ("/api/v1/catalog/items/%25", {}),
        ("/api/v1/policy/settings/..%2F..%2Fetc%2Fpasswd", {}),
    ],
)
def test_api_filters_treat_metacharacters_as_text(
    world: Any, reporter_client: Client, path: str, params: dict[str, str]
) -> None:
    before = (Record.objects.count(), AuditEvent.objects.count())
    response = reporter_client.get(path, params)
    assert response.status_code < 500, response.content
    assert "矩阵泄漏检查有限公司" not in response.content.decode()
    assert (Record.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    "name",
    ["../../../../evil.csv", "..\\..\\evil.csv", "/etc/passwd.csv", "a/../../evil.csv"],
)
def test_upload_file_names_cannot_leave_the_upload_folder(
    world: Any, reporter_client: Client, settings: Any, tmp_path: Path, name: str
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    content = "CF_WSH,CF_XDR_MC\r\n1,测试\r\n".encode()
    response = reporter_client.post(
        "/console/records/upload/",
        {
            "department": world.department_a.pk,
            "item": "CF",
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )
    assert response.status_code < 500
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    uploads = (tmp_path / "var" / "uploads").resolve()
    assert all(p.resolve().is_relative_to(uploads) for p in written), written
    assert not any(p.name == "evil.csv" for p in tmp_path.rglob("*"))
    assert not (tmp_path / "evil.csv").exists()


def test_oversized_api_body_is_refused_with_413_and_a_code(
    world: Any, reporter_client: Client
) -> None:
    """A batch body over the API's limit (``records.api.MAX_API_BYTES``) is refused before it
    is read, with 413 and the coded problem ``BATCH_TOO_LARGE``; nothing is written."""
    body = b'{"item": "CF", "rows": [' + b" " * (MAX_API_BYTES + 1) + b"]}"
    before = (Record.objects.count(), AuditEvent.objects.count())
    response = reporter_client.post(
        "/api/v1/records/batches", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "BATCH_TOO_LARGE"
    assert (Record.objects.count(), AuditEvent.objects.count()) == before


def test_oversized_form_body_is_a_client_error(world: Any, settings: Any) -> None:
    """Console forms: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused (400), never a
    server error; the log-in form is the one any anonymous caller can reach."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
    events = AuditEvent.objects.count()
    response = Client().post("/console/login/", {"username": "x" * 40_000, "password": "y"})
    assert response.status_code == 400
    assert AuditEvent.objects.count() == events
