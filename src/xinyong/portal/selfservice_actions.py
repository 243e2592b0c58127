"""State changes of subject self-service (STYLE.md §1): creating a subject's demo account,
recording a subject's log-in. Both audited (events 8902 and 8903)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.models import Subject, User
from xinyong.portal.selfservice_errors import SubjectAccountExists, SubjectPasswordTooShort
from xinyong.portal.selfservice_models import SubjectAccount

#: The shortest password the demo back-end accepts.
MIN_PASSWORD_LENGTH = 12


def check_create_subject_account(subject: Subject, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SubjectPasswordTooShort(MIN_PASSWORD_LENGTH)
    if SubjectAccount.objects.filter(subject=subject).exists():
        raise SubjectAccountExists


@transaction.atomic
def do_create_subject_account(
    subject: Subject, *, password: str, acting_user: User | None, actor_label: str = ""
) -> SubjectAccount:
    """Give ``subject`` a self-service account with ``password`` (stored as a Django password
    hash). ``acting_user`` is the staff member who set it up (None: a command or the demo,
    named by ``actor_label``). Event 8902 ``SUBJECT_ACCOUNT_CREATED`` (never the password)."""
    check_create_subject_account(subject, password)
    account = SubjectAccount.objects.create(subject=subject, password=make_password(password))
    record_event(
        EventType.SUBJECT_ACCOUNT_CREATED,
        acting_user=acting_user,
        obj=account,
        subject_id=subject.pk,
        actor_label=actor_label or "system:selfservice",
        after={"subject": subject.pk, "backend": "password"},
    )
    return account


@transaction.atomic
def do_record_subject_login(subject: Subject, *, backend: str, acting_user: None = None) -> None:
    """A subject logged in to ``/me/`` through ``backend`` (its dotted path). Event 8903
    ``SUBJECT_LOGGED_IN``; the account's last log-in time when it has one. The subject is no
    user of the platform: the event names it by ``actor_label`` ``subject:<id>``."""
    now = timezone.now()
    SubjectAccount.objects.filter(subject=subject).update(last_login_at=now)
    record_event(
        EventType.SUBJECT_LOGGED_IN,
        acting_user=acting_user,
        object_type="core.subject",
        object_id=subject.pk,
        subject_id=subject.pk,
        actor_label=f"subject:{subject.pk}",
        after={"backend": backend},
    )
