"""Subjects: identity checks, no duplicates, encrypted and masked ID numbers, name history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core import crypto, identifiers
from xinyong.core.actions import do_add_subject_identifier, do_create_subject, do_rename_subject
from xinyong.core.choices import SubjectKind
from xinyong.core.errors import IdentifierInvalid, SubjectExists, SubjectIdentityConflict
from xinyong.core.models import Subject
from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.errors import CodedError

pytestmark = pytest.mark.django_db


def test_create_legal_person_normalises_code() -> None:
    code = uscc_for()
    subject = do_create_subject(
        kind=SubjectKind.LEGAL_PERSON,
        name=" 杭州某某科技有限公司 ",
        uscc=f" {code.lower()} ",
        acting_user=None,
    )
    assert subject.uscc == code
    assert subject.name == "杭州某某科技有限公司"
    assert subject.division == code[2:8]
    assert list(subject.names.values_list("name", flat=True)) == ["杭州某某科技有限公司"]


def test_invalid_code_is_refused_with_its_rule_code() -> None:
    code = uscc_for()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(IdentifierInvalid) as exc:
        do_create_subject(
            kind=SubjectKind.LEGAL_PERSON, name="某公司", uscc=wrong, acting_user=None
        )
    assert exc.value.code == "USCC_BAD_CHECK"
    assert exc.value.message_zh and exc.value.message_en
    assert not Subject.objects.exists()
    assert not AuditEvent.objects.exists()


def test_same_code_twice_is_refused(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject()
    with pytest.raises(SubjectExists):
        do_create_subject(
            kind=SubjectKind.LEGAL_PERSON, name="另一个名字", uscc=subject.uscc, acting_user=None
        )
    assert Subject.objects.count() == 1


def test_natural_person_id_is_encrypted_hashed_and_masked() -> None:
    number = resident_id_for(date(1985, 3, 9))
    person = do_create_subject(
        kind=SubjectKind.NATURAL_PERSON,
        name="张三",
        id_type="01",
        id_number=number,
        acting_user=None,
    )
    assert person.uscc is None
    assert number not in person.id_number_encrypted
    assert crypto.decrypt(person.id_number_encrypted) == number
    assert person.id_number_masked == number[:6] + "*" * 8 + number[-4:]
    assert person.display_identifier == person.id_number_masked
    event = AuditEvent.objects.get(subject_id=person.pk)
    assert number not in str(event.after)
    with pytest.raises(SubjectExists):
        do_create_subject(
            kind=SubjectKind.NATURAL_PERSON,
            name="张三",
            id_type="01",
            id_number=number.lower(),
            acting_user=None,
        )


def test_natural_person_needs_id_and_no_uscc() -> None:
    with pytest.raises(CodedError) as exc:
        do_create_subject(kind=SubjectKind.NATURAL_PERSON, name="李四", acting_user=None)
    assert exc.value.code == "SUBJECT_PERSON_ID_REQUIRED"
    with pytest.raises(CodedError) as exc:
        do_create_subject(
            kind=SubjectKind.NATURAL_PERSON, name="李四", uscc=uscc_for(), acting_user=None
        )
    assert exc.value.code == "SUBJECT_PERSON_HAS_USCC"
    with pytest.raises(CodedError) as exc:
        do_create_subject(
            kind=SubjectKind.NATURAL_PERSON,
            name="李四",
            id_type="09",
            id_number="X",
            acting_user=None,
        )
    assert exc.value.code == "ID_TYPE_UNKNOWN"


def test_individual_business_placeholder_needs_business_registration() -> None:
    with pytest.raises(CodedError) as exc:
        do_create_subject(
            kind=SubjectKind.INDIVIDUAL_BUSINESS,
            name="上城区张记小吃店",
            uscc="00000000000000000X",
            acting_user=None,
        )
    assert exc.value.code == "PLACEHOLDER_NEEDS_BUSINESS_REG_NO"
    reg_no = identifiers.make_business_reg_no("330102", "00000001")
    subject = do_create_subject(
        kind=SubjectKind.INDIVIDUAL_BUSINESS,
        name="上城区张记小吃店",
        uscc="00000000000000000X",
        legacy={"business_reg_no": reg_no},
        acting_user=None,
    )
    assert subject.uscc is None
    assert subject.identifiers.get().value == reg_no
    with pytest.raises(IdentifierInvalid) as exc:
        do_create_subject(
            kind=SubjectKind.LEGAL_PERSON,
            name="某公司",
            uscc="00000000000000000X",
            acting_user=None,
        )
    assert exc.value.code == "USCC_PLACEHOLDER_NOT_ALLOWED"


def test_legal_person_needs_code() -> None:
    with pytest.raises(CodedError) as exc:
        do_create_subject(kind=SubjectKind.LEGAL_PERSON, name="某公司", acting_user=None)
    assert exc.value.code == "SUBJECT_USCC_REQUIRED"


def test_rename_keeps_identity_and_history(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(name="杭州旧名科技有限公司")
    do_rename_subject(subject, "杭州新名科技有限公司", effective=date(2024, 6, 1), acting_user=None)
    subject.refresh_from_db()
    assert subject.name == "杭州新名科技有限公司"
    history = list(subject.names.values_list("name", "valid_to"))
    assert history == [("杭州旧名科技有限公司", date(2024, 6, 1)), ("杭州新名科技有限公司", None)]
    event = AuditEvent.objects.filter(event_type=EventType.SUBJECT_RENAMED).get()
    assert event.before == {"name": "杭州旧名科技有限公司"}
    with pytest.raises(CodedError):
        do_rename_subject(
            subject, "杭州新名科技有限公司", effective=date(2024, 7, 1), acting_user=None
        )


def test_legacy_identifier_belongs_to_one_subject(make_subject: Callable[..., Subject]) -> None:
    first, second = make_subject(), make_subject()
    org_code = first.uscc[8:17] if first.uscc else ""
    do_add_subject_identifier(first, "org_code", org_code, acting_user=None)
    # adding it again to the same subject is harmless
    do_add_subject_identifier(first, "org_code", org_code, acting_user=None)
    assert first.identifiers.count() == 1
    with pytest.raises(SubjectIdentityConflict):
        do_add_subject_identifier(second, "org_code", org_code, acting_user=None)
