"""Records link to subjects by identifier; an unknown subject is created from the record,
never twice — within a chunk, across batches, and when two batches race (PostgreSQL)."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.catalog.queries import catalog_item
from xinyong.core import crypto, identifiers
from xinyong.core.choices import LegacyScheme, SubjectKind
from xinyong.core.models import Department, Subject, SubjectIdentifier, SubjectName
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.records import protect
from xinyong.records.actions import do_receive_batch
from xinyong.records.engine import run_batch
from xinyong.records.models import BatchRow, Record
from xinyong.records.sources import JsonRows
from xinyong.records.tests.factories import penalty_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/records/batches"


def send(client: Client, rows: list[dict[str, Any]]) -> dict[str, Any]:
    response = client.post(URL, {"item": "CF", "rows": rows}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def chunk_events() -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(event_type=EventType.BATCH_CHUNK_PROCESSED)
    return [e.after for e in events.order_by("seq") if isinstance(e.after, dict)]


def test_an_unknown_subject_is_created_once_from_two_rows_and_two_batches(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    code = uscc_for()
    rows = [penalty_row(n, department.code, uscc=code) for n in (1, 2)]
    send(reporter_client, rows)
    send(reporter_client, [penalty_row(3, department.code, uscc=code)])
    subject = Subject.objects.get(uscc=code)
    assert subject.kind == SubjectKind.LEGAL_PERSON
    assert subject.name == "杭州测试1号贸易有限公司"
    assert SubjectName.objects.filter(subject=subject).count() == 1
    assert set(Record.objects.values_list("subject_id", flat=True)) == {subject.pk}
    first, second = chunk_events()
    assert first["subjects"]["count"] == 1 and first["subjects"]["first_id"] == subject.pk
    assert second["subjects"]["count"] == 0
    # Row 2 and 3 name the subject differently from the register: a warning, same subject.
    warned = BatchRow.objects.filter(outcome="warning").order_by("batch_id", "row_number")
    assert list(warned.values_list("row_number", flat=True)) == [2, 1]
    assert {i["code"] for r in warned for i in r.issues or ()} == {"SUBJECT_NAME_DIFFERS"}


def test_an_existing_subject_is_found_by_its_code(
    reporter_client: Client, department: Department, make_subject: Any, frozen_now: Any
) -> None:
    subject = make_subject("杭州测试1号贸易有限公司")
    send(reporter_client, [penalty_row(1, department.code, uscc=subject.uscc)])
    assert Record.objects.get().subject_id == subject.pk
    assert Subject.objects.count() == 1


def test_a_natural_person_is_found_by_the_keyed_hash_and_the_number_stays_sealed(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    number = resident_id_for()
    rows = [
        penalty_row(1, department.code, person=True, CF_XDR_ZJHM=number),
        penalty_row(2, department.code, person=True, CF_XDR_ZJHM=number, CF_XDR_MC="张1"),
    ]
    send(reporter_client, rows)
    (person,) = Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON)
    assert person.id_number_hash == crypto.lookup_hash("id01", number)
    assert crypto.decrypt(person.id_number_encrypted) == number
    records = list(Record.objects.all())
    assert {r.subject_id for r in records} == {person.pk}
    masked = identifiers.mask_identifier(number, identifiers.IdentifierScheme.RESIDENT_ID)
    for record in records:
        assert record.values["CF_XDR_ZJHM"] == masked
        assert record.original["CF_XDR_ZJHM"] == masked
        values, original = protect.unseal_record(record.values, record.original, record.sealed)
        assert values["CF_XDR_ZJHM"] == number and original["CF_XDR_ZJHM"] == number
    trail = json.dumps([e.after for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert number not in trail
    stored = json.dumps(list(Record.objects.values("values", "original")), ensure_ascii=False)
    assert number not in stored


def test_an_individual_business_with_the_placeholder_is_found_by_its_registration_number(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    reg_no = identifiers.make_business_reg_no("330102", "00004567")
    rows = [
        penalty_row(
            n,
            department.code,
            CF_XDR_MC="杭州市上城区老王面馆",
            CF_XDR_LB="个体工商户",
            CF_XDR_SHXYM=identifiers.USCC_PLACEHOLDER,
            CF_XDR_GSZC=reg_no,
            CF_FRDB="",
        )
        for n in (1, 2)
    ]
    body = send(reporter_client, rows)
    assert body["counts"]["accepted"] == 2, BatchRow.objects.values("issues")
    (identifier,) = SubjectIdentifier.objects.filter(scheme=LegacyScheme.BUSINESS_REG_NO)
    assert identifier.value == reg_no
    subject = identifier.subject
    assert subject.kind == SubjectKind.INDIVIDUAL_BUSINESS and subject.uscc is None
    send(reporter_client, [dict(rows[0], CF_WSH="杭市监罚〔2025〕99号")])
    assert set(Record.objects.values_list("subject_id", flat=True)) == {subject.pk}


def test_a_legacy_identifier_held_by_another_subject_is_not_taken(
    reporter_client: Client, department: Department, frozen_now: Any
) -> None:
    # A new legal person reported with a registration number that already belongs to
    # another subject: the row is accepted with a warning and the new subject does not take
    # the conflicting identifier (the credit office checks whether they are the same).
    reg_no = identifiers.make_business_reg_no("330102", "00007777")
    first = penalty_row(
        1,
        department.code,
        CF_XDR_MC="老店",
        CF_XDR_LB="个体工商户",
        CF_XDR_SHXYM=identifiers.USCC_PLACEHOLDER,
        CF_XDR_GSZC=reg_no,
        CF_FRDB="",
    )
    send(reporter_client, [first])
    second = penalty_row(2, department.code, CF_XDR_GSZC=reg_no)
    body = send(reporter_client, [second])
    assert body["counts"]["accepted_with_warnings"] == 1
    (row,) = BatchRow.objects.filter(batch_id=body["id"])
    assert [i["code"] for i in row.issues or ()] == ["SUBJECT_LEGACY_ID_HELD"]
    assert SubjectIdentifier.objects.filter(value=reg_no).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_batches_racing_create_the_subject_once(
    department: Department, frozen_now: Any
) -> None:
    code = uscc_for()
    item = catalog_item("CF", on=date(2025, 6, 16))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            rows = [penalty_row(n * 100 + i, department.code, uscc=code) for i in range(50)]
            batch = do_receive_batch(
                department=department, item=item, channel="api", acting_user=None,
                actor_label=f"race-{n}",
            ).batch  # fmt: skip
            barrier.wait()
            run_batch(batch, JsonRows(rows, item), item=item, acting_user=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Subject.objects.filter(uscc=code).count() == 1
    assert Record.objects.count() == 100
    assert set(Record.objects.values_list("subject_id", flat=True)) == {
        Subject.objects.get(uscc=code).pk
    }
