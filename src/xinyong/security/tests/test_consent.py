"""The consent registry: no lifetime consent, revocation at once, and reads on consent
refused without a valid one (seed 000 §3(2): 禁止未经授权、强制授权或一次授权终身收集使用)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core.choices import Role, SubjectKind
from xinyong.core.models import Department, Subject, User
from xinyong.policy.errors import SettingNotFound
from xinyong.policy.jurisdiction_settings import policy_setting
from xinyong.policy.models import JurisdictionSetting
from xinyong.policy.tests.samples import settings_text
from xinyong.security.actions import (
    check_basis,
    do_record_consent,
    do_revoke_consent,
    do_unmask_subject_id,
    record_access,
)
from xinyong.security.choices import LegalBasis
from xinyong.security.errors import AccessBasisMissing, ConsentInvalid
from xinyong.security.models import AccessRecord, Consent
from xinyong.security.principals import Principal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings_loaded(loaded_policy: object) -> None:
    """The consent maximum is a jurisdiction setting (policy/settings/national.toml)."""


@pytest.fixture
def person(make_subject: Callable[..., Subject]) -> Subject:
    return make_subject("李四", kind=SubjectKind.NATURAL_PERSON)


@pytest.fixture
def checker(make_user: Callable[..., User], bureau: Department) -> User:
    return make_user(Role.DEPARTMENT_CHECKER, department=bureau)


def consent(person: Subject, department: Department, days: int = 90, **kw: object) -> Consent:
    today = timezone.localdate()
    fields = {
        "department": department,
        "reference": kw.pop("reference", "SQ-2026-001"),
        "purpose": "办理公租房资格审核",
        "scope": ["penalties", "lists"],
        "valid_from": today,
        "valid_until": today + timedelta(days=days),
        "acting_user": None,
        "actor_label": "test",
    }
    fields.update(kw)
    return do_record_consent(person, **fields)  # type: ignore[arg-type]


def read(actor: User, person: Subject, reference: str, fields: tuple[str, ...] = ("penalties",)):
    with transaction.atomic():
        return record_access(
            actor=actor, purpose="公租房资格审核", legal_basis=LegalBasis.CONSENT,
            basis_reference=reference, subject=person, fields=fields,
        )  # fmt: skip


def test_a_consent_is_recorded_with_its_audit_event(person: Subject, bureau: Department) -> None:
    c = consent(person, bureau)
    event = AuditEvent.objects.get(event_type=EventType.CONSENT_RECORDED)
    assert event.object_id == str(c.pk) and event.subject_id == person.pk
    assert isinstance(event.after, dict)
    assert event.after["valid_until"] == c.valid_until.isoformat()


@pytest.mark.parametrize(
    ("days", "until_none"), [(366, False), (3650, False), (0, True)], ids=["366", "10y", "none"]
)
def test_lifetime_or_overlong_consent_is_refused(
    person: Subject, bureau: Department, days: int, until_none: bool
) -> None:
    kwargs = {"valid_until": None} if until_none else {}
    with pytest.raises(ConsentInvalid) as refused:
        consent(person, bureau, days=days, **kwargs)
    assert refused.value.code == "CONSENT_INVALID"
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.CONSENT_RECORDED).exists()


def test_the_maximum_is_the_national_setting(person: Subject, bureau: Department) -> None:
    setting = policy_setting("security.consent_max_days", on=timezone.localdate())
    assert (setting.value, setting.unit, setting.jurisdiction) == (365, "days", "national")
    assert setting.unconfirmed  # no national number: our choice (docs/decisions/0044)
    assert consent(person, bureau, days=365).pk


def test_the_maximum_in_force_on_the_first_day_counts(
    person: Subject, bureau: Department, load_policy_text: Callable[..., object]
) -> None:
    """A local edition shortens the maximum to 30 days from 2027-01-01: a consent starting
    before that day may still run a year; one starting on it may not run 31 days."""
    load_policy_text(
        settings_text(
            code="local-consent",
            jurisdiction="local",
            effective_from="2027-01-01",
            key="security.consent_max_days",
            value=30,
        )
    )
    before = date(2026, 12, 31)
    assert consent(person, bureau, valid_from=before, valid_until=before + timedelta(days=365))
    start = date(2027, 1, 1)
    with pytest.raises(ConsentInvalid) as refused:
        consent(person, bureau, reference="SQ-2027-001", valid_from=start,
                valid_until=start + timedelta(days=31))  # fmt: skip
    assert refused.value.details["max_days"] == 30
    assert consent(person, bureau, reference="SQ-2027-002", valid_from=start,
                   valid_until=start + timedelta(days=30))  # fmt: skip


def test_without_the_settings_loaded_nothing_is_recorded(
    person: Subject, bureau: Department
) -> None:
    """No silent default: the maximum is policy data."""
    JurisdictionSetting.objects.filter(key="security.consent_max_days").delete()
    with pytest.raises(SettingNotFound):
        consent(person, bureau)
    assert not Consent.objects.exists()


def test_a_read_on_valid_consent_is_registered(
    person: Subject, bureau: Department, checker: User
) -> None:
    consent(person, bureau)
    row = read(checker, person, "SQ-2026-001")
    assert row.legal_basis == LegalBasis.CONSENT and row.basis_reference == "SQ-2026-001"


def test_a_staff_session_bound_to_no_department_reads_for_its_own(
    person: Subject, bureau: Department, checker: User
) -> None:
    """The API's principal of a staff session has no department until an action binds one;
    a consent of the member's own department still counts."""
    consent(person, bureau)
    basis = check_basis(
        Principal.for_user(checker), person, "审核", LegalBasis.CONSENT, "SQ-2026-001",
        fields=["penalties"],
    )  # fmt: skip
    assert basis.basis_reference == "SQ-2026-001"


def test_reads_without_a_valid_consent_are_refused_and_leave_nothing(
    person: Subject,
    bureau: Department,
    other_bureau: Department,
    checker: User,
    make_subject: Callable[..., Subject],
) -> None:
    c = consent(person, bureau)
    consent(person, other_bureau, reference="SQ-OTHER")
    stranger = make_subject("王五", kind=SubjectKind.NATURAL_PERSON)
    cases = [
        (person, "NO-SUCH", ("penalties",)),  # no consent
        (stranger, "SQ-2026-001", ("penalties",)),  # someone else's consent
        (person, "SQ-OTHER", ("penalties",)),  # another department's consent
        (person, "SQ-2026-001", ("id_number",)),  # outside the scope
    ]
    for subject, reference, fields in cases:
        with pytest.raises(AccessBasisMissing):
            read(checker, subject, reference, fields)
    do_revoke_consent(c, reason="本人撤回", acting_user=None, actor_label="test")
    with pytest.raises(AccessBasisMissing):
        read(checker, person, "SQ-2026-001")
    assert not AccessRecord.objects.exists()
    assert AuditEvent.objects.filter(event_type=EventType.CONSENT_REVOKED).count() == 1


def test_an_expired_consent_is_refused(person: Subject, bureau: Department, checker: User) -> None:
    consent(person, bureau, days=10)
    with pytest.raises(AccessBasisMissing):
        check_basis(
            checker, person, "审核", LegalBasis.CONSENT, "SQ-2026-001",
            fields=["penalties"], on=timezone.localdate() + timedelta(days=11),
        )  # fmt: skip


def test_audit_basis_is_for_auditors_only(person: Subject, checker: User) -> None:
    with pytest.raises(AccessBasisMissing):
        check_basis(checker, person, "抽查", LegalBasis.AUDIT)


def test_unmasking_on_consent_needs_id_number_in_scope(
    person: Subject, office: Department, reviewer: User
) -> None:
    consent(person, office, scope=["penalties"], reference="SQ-ID")
    with pytest.raises(AccessBasisMissing):
        do_unmask_subject_id(
            person, purpose="核对身份", acting_user=reviewer,
            legal_basis=LegalBasis.CONSENT, basis_reference="SQ-ID",
        )  # fmt: skip
    consent(person, office, scope=["id_number"], reference="SQ-ID2")
    number = do_unmask_subject_id(
        person, purpose="核对身份", acting_user=reviewer,
        legal_basis=LegalBasis.CONSENT, basis_reference="SQ-ID2",
    )  # fmt: skip
    assert len(number) == 18
