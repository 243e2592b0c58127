"""Key rotation: every encrypted value readable by the newest key alone afterwards."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.core import crypto
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject, User
from xinyong.security.actions.keys import do_rotate_field_keys, key_status
from xinyong.security.actions.twofactor import do_start_totp_enrolment
from xinyong.security.models import TotpDevice

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_id_numbers_and_totp_secrets(
    make_subject: Callable[..., Subject],
    make_user: Callable[..., User],
    settings: Any,
) -> None:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    person = make_subject("李四", kind=SubjectKind.NATURAL_PERSON)
    number = crypto.decrypt(person.id_number_encrypted)
    user = make_user()
    _device, secret = do_start_totp_enrolment(user, acting_user=user)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert {s.column: (s.total, s.under_newest_key) for s in key_status()} == {
        "core.Subject.id_number_encrypted": (1, 0),
        "security.TotpDevice.secret_encrypted": (1, 0),
    }
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "core.Subject.id_number_encrypted: 1 re-encrypted" in out.getvalue()
    event = AuditEvent.objects.get(event_type=EventType.FIELD_KEYS_ROTATED)
    assert (event.after or {})["counts"] == {
        "core.Subject.id_number_encrypted": 1,
        "security.TotpDevice.secret_encrypted": 1,
    }
    assert event.actor_label == "system:keys-rotate"

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    person.refresh_from_db()
    assert crypto.decrypt(person.id_number_encrypted) == number
    assert crypto.decrypt(TotpDevice.objects.get(user=user).secret_encrypted) == secret
    status = StringIO()
    call_command("keys", "status", stdout=status)
    assert "1 of 1 under the newest key" in status.getvalue()
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(person.id_number_encrypted.encode())


def test_rotation_with_nothing_encrypted_still_records_the_event() -> None:
    assert do_rotate_field_keys(acting_user=None, actor_label="test") == {
        "core.Subject.id_number_encrypted": 0,
        "security.TotpDevice.secret_encrypted": 0,
    }
    assert AuditEvent.objects.filter(event_type=EventType.FIELD_KEYS_ROTATED).count() == 1
