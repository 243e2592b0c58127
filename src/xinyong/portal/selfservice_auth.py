"""Pluggable authentication of subjects for the self-service pages (``/me/``).

Why this exists: a subject (a company through its representative, a person) must prove who it
is before it sees its full record. In production that proof comes from the provincial
government-service identity platform (政务服务统一身份认证: a legal person's or a natural
person's account there, usually by redirect and a signed assertion); in the demo, from a
password set for the subject (:class:`PasswordBackend`, ``SubjectAccount``).

The interface (docs/portal.md, "Self-service"):

- ``XINYONG_SUBJECT_AUTH_BACKENDS`` (a setting; default :data:`DEFAULT_BACKENDS`) lists dotted
  paths of back-end classes, tried in order;
- a back-end has ``name`` (shown nowhere, recorded in the log-in's audit event) and
  ``authenticate(request, code, secret) -> Subject | None``: the subject the code names when
  the secret proves it, else None. A back-end that redirects to an identity platform would
  implement its callback view and then call :func:`login_subject` itself.

The subject's session is separate from the staff log-in: only the subject's id (and the
back-end) under :data:`SESSION_KEY`; never ``django.contrib.auth.login``, so a subject is
never a user, holds no role and reaches no console page. Logging a subject in cycles the
session key (no fixation); logging out forgets only the subject.
"""

from __future__ import annotations

import re
from typing import Protocol

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest
from django.utils.module_loading import import_string

from xinyong.core import crypto
from xinyong.core.models import Subject
from xinyong.portal.queries import public_subjects
from xinyong.portal.selfservice_actions import do_record_subject_login
from xinyong.portal.selfservice_models import SubjectAccount

SESSION_KEY = "xinyong_subject"
DEFAULT_BACKENDS = ("xinyong.portal.selfservice_auth.PasswordBackend",)

_USCC = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
# A hash of no password, checked when no account matches, so that an unknown code costs as
# much time as a wrong password (no account enumeration by timing).
_DUMMY_HASH = make_password(None)


class SubjectBackend(Protocol):
    name: str

    def authenticate(self, request: HttpRequest, code: str, secret: str) -> Subject | None: ...


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def subject_for_code(code: str) -> Subject | None:
    """The subject a log-in code names: a unified social credit code, or a resident ID number
    (found through its keyed hash: numbers are never stored in clear)."""
    code = normalize_code(code)
    if _RESIDENT_ID.match(code):
        found = Subject.objects.filter(
            id_type="01", id_number_hash=crypto.lookup_hash("id01", code)
        ).first()
        if found is not None:
            return found
    if _USCC.match(code):
        return Subject.objects.filter(uscc=code).first()
    return None


class PasswordBackend:
    """The demo back-end: the subject's code and the password of its ``SubjectAccount``."""

    name = "password"

    def authenticate(self, request: HttpRequest, code: str, secret: str) -> Subject | None:
        subject = subject_for_code(code)
        account = (
            SubjectAccount.objects.filter(subject=subject).first() if subject is not None else None
        )
        if account is None:
            check_password(secret, _DUMMY_HASH)
            return None
        return subject if check_password(secret, account.password) else None


def backends() -> list[tuple[str, SubjectBackend]]:
    paths = getattr(settings, "XINYONG_SUBJECT_AUTH_BACKENDS", DEFAULT_BACKENDS)
    return [(path, import_string(path)()) for path in paths]


def authenticate_subject(
    request: HttpRequest, code: str, secret: str
) -> tuple[Subject, str] | None:
    """The subject and the back-end path that accepted ``code`` and ``secret``, or None."""
    for path, backend in backends():
        subject = backend.authenticate(request, code, secret)
        if subject is not None:
            return subject, path
    return None


def login_subject(request: HttpRequest, subject: Subject, backend: str) -> None:
    """Remember ``subject`` in the session (its own key; a staff log-in is left alone)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"id": subject.pk, "backend": backend}
    do_record_subject_login(subject, backend=backend)


def logout_subject(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_subject(request: HttpRequest) -> Subject | None:
    """The subject logged in to this session, or None."""
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    try:
        pk = int(held.get("id") or 0)
    except (TypeError, ValueError):
        return None
    return public_subjects().filter(pk=pk).first()
