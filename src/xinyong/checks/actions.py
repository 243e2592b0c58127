"""Making a check (应查必查) and answering "as of date D": the only writers of checks.

A check is a read of the lists that the platform must be able to prove later, so each one
writes, in one transaction: a query-register row with its audit event (6001 ``CHECK_MADE`` or
6002 ``BATCH_CHECK_MADE``, whose digest covers the receipt's SHA-256), the ``Check`` with its
signed receipt, and one ``CheckAnswer`` line per subject. A check that is refused (an invalid
code in a single check, an unknown matter, no purpose, no right to check) writes nothing.

Who may check: a department system whose token has the ``check`` scope, for its own
department; a staff member holding the department-checker role in the department it checks
for (``security.choices.SCOPE_ROLES``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date
from functools import cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from xinyong.audit.context import current_request_id
from xinyong.checks import receipts, signing
from xinyong.checks.choices import Answer, CheckKind
from xinyong.checks.errors import (
    AsOfDateInFuture,
    BatchEmpty,
    BatchTooLarge,
    SubjectCodeInvalid,
)
from xinyong.checks.models import Check, CheckAnswer
from xinyong.checks.queries import (
    Classified,
    MeasureCatalogue,
    SubjectAnswer,
    answer_all,
    answer_one,
    check_matter,
    classify,
    matter_label,
    measure_catalogue,
)
from xinyong.core.choices import Role
from xinyong.core.db import hot_cursor, native_placeholders
from xinyong.core.models import Department, Subject, User
from xinyong.core.permissions import require_role
from xinyong.errors import CodedError, PermissionDenied
from xinyong.security.actions.register import (
    HEAD_ADVANCE_SQL,
    append_to_chain,
    chain_place,
    chain_reserved,
    check_access_reason,
    record_access,
    record_access_chained,
)
from xinyong.security.actions.tokens import confirm_kept_token, confirm_token, token_usable_sql
from xinyong.security.choices import ActorKind, LegalBasis, TokenScope
from xinyong.security.errors import TokenRejected
from xinyong.security.models import AccessRecord
from xinyong.security.principals import Principal

#: The most subjects one batch request may carry (issue 4: up to 10,000).
MAX_BATCH = 10_000
#: Answer lines above which PostgreSQL gets them by COPY rather than INSERT.
COPY_THRESHOLD = 500


# --------------------------------------------------------------------------------------------
# Who
# --------------------------------------------------------------------------------------------


def check_may_check(acting_user: User | Principal, department: Department) -> Principal:
    """The principal that checks for ``department``; refuses (403) a token without the
    ``check`` scope or of another department, and a staff member without the checker role
    there. A token costs no query."""
    if isinstance(acting_user, Principal) and acting_user.token is not None:
        token = acting_user.token
        if TokenScope.CHECK not in acting_user.scopes:
            raise PermissionDenied(
                code="TOKEN_SCOPE_MISSING",
                message_zh="当前凭据没有“核查”权限（check）",
                message_en="these credentials lack the scope check",
                scope=TokenScope.CHECK.value,
            )
        if token.department_id != department.pk:
            raise PermissionDenied(
                code="DEPARTMENT_MISMATCH",
                message_zh=f"当前凭据不能代表{department.name}（{department.code}）核查",
                message_en=f"these credentials cannot check for department {department.code}",
                department=department.code,
            )
        if acting_user.department is not None and acting_user.department.pk == department.pk:
            return acting_user
        return Principal(
            kind=acting_user.kind,
            label=acting_user.label,
            department=department,
            scopes=acting_user.scopes,
            token=token,
            token_confirmed=acting_user.token_confirmed,
        )
    user = acting_user.user if isinstance(acting_user, Principal) else acting_user
    if user is None:
        raise PermissionDenied(message_zh="需要核查权限", message_en="checking needs a checker")
    require_role(user, Role.DEPARTMENT_CHECKER, department)
    return Principal(
        kind=ActorKind.USER,
        label=user.get_username(),
        department=department,
        scopes=frozenset({TokenScope.CHECK.value}),
        user=user,
    )


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """A check as made: the stored row, every answer, and the receipt document."""

    check: Check
    answers: list[SubjectAnswer]
    catalogue: MeasureCatalogue
    access: AccessRecord

    @cached_property
    def document(self) -> dict[str, Any]:
        """The receipt document, built when asked: it parses the signed payload back, which
        for a 100,000-subject batch takes ~0.5 s that a platform job does not need."""
        return receipt_document(self.check)

    @property
    def answer(self) -> SubjectAnswer:
        return self.answers[0]


def _receipt_line(a: SubjectAnswer) -> dict[str, Any]:
    line: dict[str, Any] = {
        "n": a.position + 1,
        "code": a.classified.shown,
        "scheme": a.classified.scheme.value,
        "known": a.subject_known,
        "answer": a.answer,
    }
    if a.subject is not None:
        line["subject_id"] = a.subject.pk
        line["subject_name"] = a.subject.name
    if not a.classified.valid:
        line["error"] = a.classified.error_code
    if a.measures:
        line["applied"] = a.applied_codes
        line["suspended"] = a.suspended_codes
        line["objection_pending"] = a.objection_pending
        line["listings"] = [
            {
                "case_id": x.case_id,
                "reference": x.reference,
                "list_type": x.list_type,
                "decision_number": x.decision_number,
                "decision_date": x.decision_date,
                "listed_on": x.listed_on,
                "term_end": x.term_end,
                "measures_suspended": x.suspended,
            }
            for x in a.listings
        ]
    return line


def _payload(
    *,
    public_id: uuid.UUID,
    kind: str,
    checked_at: Any,
    on: date,
    matter: str,
    purpose: str,
    reference: str,
    principal: Principal,
    department: Department,
    counts: dict[str, int],
    answers: Sequence[SubjectAnswer],
) -> bytes:
    zh, en = matter_label(matter)
    return receipts.canonical(
        {
            "type": receipts.RECEIPT_TYPE,
            "version": receipts.RECEIPT_VERSION,
            "id": str(public_id),
            "kind": kind,
            "issued_at": checked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "answer_for": on,
            "platform": {
                "name": settings.XINYONG["PLATFORM_NAME"],
                "division": settings.XINYONG["PLATFORM_DIVISION"],
            },
            "department": {"code": department.code, "name": department.name},
            "actor": {"kind": str(principal.kind), "label": principal.label},
            "purpose": purpose,
            "reference": reference,
            "matter": {"code": matter, "name_zh": zh, "name_en": en},
            "counts": counts,
            "answers": [_receipt_line(a) for a in answers],
        }
    )


def _counts(answers: Sequence[SubjectAnswer]) -> dict[str, int]:
    tally = Counter(a.answer for a in answers)
    return {
        "subjects": len(answers),
        "restricted": tally[Answer.RESTRICTED],
        "incentive": tally[Answer.INCENTIVE],
        "clear": tally[Answer.CLEAR],
        "invalid": tally[Answer.INVALID],
        "unknown": sum(1 for a in answers if a.classified.valid and a.subject is None),
    }


def _fast_commit_sql() -> str:
    """On PostgreSQL, unless ``XINYONG_CHECK_DURABLE_COMMIT`` is set, the expression that
    makes this check's transaction commit without waiting for the WAL flush
    (``synchronous_commit = off`` for this transaction only), to be evaluated in the
    single check's write (no round trip of its own), or by batches as a statement; ""
    otherwise. Every check appends to a register
    chain whose head stays locked until the commit; waiting for the disk there would cap the
    checks of a chain at one fsync each. A crash may lose the last fraction of a second of
    checks — never a receipt's validity, which is in its signature, and never a chain's
    consistency (the WAL is replayed in order). docs/decisions/0032-batch-checks.md."""
    if connection.vendor != "postgresql":
        return ""
    if os.environ.get("XINYONG_CHECK_DURABLE_COMMIT", "").strip().lower() in {"1", "true", "yes"}:
        return ""
    return "set_config('synchronous_commit', 'off', true)"


def _fast_commit() -> None:
    """``_fast_commit_sql`` as a statement of its own (batches)."""
    expression = _fast_commit_sql()
    if expression:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {expression}")


def _copy_text(value: str) -> str:
    """A value in COPY's text format (backslash, tab, newline and return escaped); chained
    ``replace`` because ``str.translate`` with a table is ten times slower here."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _AnswerCopy:
    """A large batch's answer lines sent by ``COPY`` on a thread of its own while the caller
    builds and signs the receipt: the server's ~1 s of work on 100,000 lines (three indexes)
    overlaps with the Python's (decision 0073). Same connection and transaction — psycopg
    serialises its use, and the caller touches the database again only after ``join``, which
    re-raises what the copy raised. The lines name the check's id, reserved beforehand
    (the answers table has no foreign key to wait for)."""

    def __init__(self, check_id: int, answers: Sequence[SubjectAnswer]) -> None:
        self.check_id = check_id
        self.data = _copy_lines(check_id, answers)
        self.error: BaseException | None = None
        self.raw: Any = connection.connection
        self.thread = threading.Thread(target=self._run, name="check-answer-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        table = CheckAnswer._meta.db_table
        try:
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({_COPY_COLUMNS}) FROM STDIN") as copy,
            ):
                copy.write(self.data)
        except BaseException as exc:  # handed to join()
            self.error = exc

    def join(self) -> None:
        self.thread.join()
        if self.error is not None:
            with connection.wrap_database_errors:  # as Django's errors, like its own cursors'
                raise self.error


_COPY_COLUMNS = "check_request_id, position, subject_code, scheme, subject_id, answer, detail"


def _next_check_id() -> int:
    """The id the check will have (PostgreSQL: from its identity sequence)."""
    table = Check._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, Check._meta.pk.column]
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _copy_lines(check_id: int, answers: Sequence[SubjectAnswer]) -> bytes:
    """The answer lines in COPY's text format, built in one piece (psycopg's ``write_row``
    costs ~10 µs a row)."""
    lines = []
    check_text = str(check_id)
    for a in answers:
        detail = a.detail()
        lines.append(
            "\t".join(
                (
                    check_text,
                    str(a.position),
                    _copy_text(a.classified.shown[:64]),
                    _copy_text(a.classified.scheme.value if a.classified.valid else ""),
                    "\\N" if a.subject is None else str(a.subject.pk),
                    a.answer,
                    "\\N"
                    if detail is None
                    else _copy_text(json.dumps(detail, cls=DjangoJSONEncoder, ensure_ascii=False)),
                )
            )
        )
    lines.append("")
    return "\n".join(lines).encode("utf-8")


def _insert_answers(check: Check, answers: Sequence[SubjectAnswer]) -> None:
    """One line per subject by INSERT (SQLite, and small batches on PostgreSQL; large ones
    go by ``_AnswerCopy``)."""
    rows = [
        (
            check.pk,
            a.position,
            a.classified.shown[:64],
            a.classified.scheme.value if a.classified.valid else "",
            a.subject.pk if a.subject is not None else None,
            a.answer,
            a.detail(),
        )
        for a in answers
    ]
    CheckAnswer.objects.bulk_create(
        [
            CheckAnswer(
                check_request=check,
                position=position,
                subject_code=code,
                scheme=scheme,
                subject_id=subject_id,
                answer=answer,
                detail=json.loads(json.dumps(detail, cls=DjangoJSONEncoder))
                if detail is not None
                else None,
            )
            for (_, position, code, scheme, subject_id, answer, detail) in rows
        ],
        batch_size=2000,
    )


@lru_cache(maxsize=8)
def _columns(model: type[models.Model], skip: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """The concrete fields of ``model`` an insert writes (not the id, not ``skip``)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if f is not model._meta.auto_field and f.name not in skip
    )


@lru_cache(maxsize=8)
def _typed(
    model: type[models.Model], skip: frozenset[str] = frozenset()
) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The placeholders of a row of ``model`` an insert writes, each cast to its column's type
    (``%s::jsonb, %s::timestamp with time zone, …``), and for each value its attribute and the
    field when Django must prepare the value (JSON), else None. PostgreSQL only."""
    fields = _columns(model, skip)
    placeholders = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
    return placeholders, tuple(
        (f.attname, f if f.get_internal_type() == "JSONField" else None) for f in fields
    )


def _values(obj: models.Model, skip: frozenset[str] = frozenset()) -> list[Any]:
    """``obj``'s values for ``_typed``'s placeholders: as they are (psycopg sends them typed),
    JSON prepared by its field as the ORM would save it."""
    _sql, steps = _typed(type(obj), skip)
    return [
        getattr(obj, name)
        if field is None
        else field.get_db_prep_save(getattr(obj, name), connection)
        for name, field in steps
    ]


#: The register row's columns the head's advance fills in (``HEAD_ADVANCE_SQL``).
_CHAIN_COLUMNS = frozenset({"chain_seq", "prev_hash", "row_hash"})
#: The answer line's columns but its check's (the statement takes that from the insert).
_NO_CHECK = frozenset({"check_request"})


@lru_cache(maxsize=2)
def _together_sql(fast_commit: bool) -> str:
    def cols(
        model: type[models.Model], skip: frozenset[str] = frozenset(), prefix: str = ""
    ) -> str:
        return ", ".join(f'{prefix}"{f.column}"' for f in _columns(model, skip))

    check, line, access = (
        Check._meta.db_table,
        CheckAnswer._meta.db_table,
        AccessRecord._meta.db_table,
    )
    no_check = _NO_CHECK
    # The statement is the check's whole transaction (autocommit): ``set_config`` with
    # ``is_local`` holds until its commit (docs/decisions/0074-check-one-statement.md).
    fast = f", {_fast_commit_sql()}" if fast_commit else ""
    # Table and column names from the models. Parameters: the register row's content digest
    # and chain for the head's advance, then the three rows' values, each cast to its
    # column's type (``_typed``; no JSON to build here nor to parse there).
    return native_placeholders(
        f"WITH h AS ({HEAD_ADVANCE_SQL}), "  # noqa: S608
        f"c AS (INSERT INTO {check} ({cols(Check)}) SELECT {_typed(Check)[0]} "
        "WHERE EXISTS (SELECT 1 FROM h) RETURNING id), "
        f"a AS (INSERT INTO {line} (check_request_id, {cols(CheckAnswer, no_check)}) "
        f"SELECT c.id, {_typed(CheckAnswer, no_check)[0]} FROM c), "
        f"r AS (INSERT INTO {access} ({cols(AccessRecord, _CHAIN_COLUMNS)}, "
        "chain_seq, prev_hash, row_hash) "
        f"SELECT {_typed(AccessRecord, _CHAIN_COLUMNS)[0]}, h.last_seq, h.prev_hash, "
        "h.last_hash FROM h RETURNING id) "
        "SELECT (SELECT id FROM c), (SELECT id FROM r), h.last_seq, h.prev_hash, h.last_hash, "
        f"h.anchored_seq{fast} FROM (SELECT 1) one LEFT JOIN h ON true"
    )


def _insert_together(check: Check, answer: SubjectAnswer, access: AccessRecord) -> None:
    """PostgreSQL, a single check: the register chain's head advanced, and the check, its
    answer line and its register row inserted, in ONE statement — one round trip instead of
    four, and none of the ORM's per-insert compilation (~1 ms each) on the path every check
    takes (the row comes from ``record_access_chained(insert="caller")``). The statement is
    atomic by itself: the check runs it without an explicit transaction (no ``BEGIN`` and
    ``COMMIT`` round trips; docs/decisions/0074-check-one-statement.md). Should the chain have
    no head yet (a new chain), the statement inserts nothing and the check, its line and its
    row go the general way (``append_to_chain``), in a transaction of their own."""
    line = CheckAnswer(
        position=answer.position,
        subject_code=answer.classified.shown[:64],
        scheme=answer.classified.scheme.value,
        subject_id=answer.subject.pk if answer.subject is not None else None,
        answer=answer.answer,
        detail=_json_detail(answer.detail()),
    )
    chain, content = chain_place(access)
    with hot_cursor(native=True) as cursor:  # ~60 parameters (see ``hot_cursor``)
        cursor.execute(
            _together_sql(bool(_fast_commit_sql())),
            [
                content,
                chain,
                *_values(check),
                *_values(line, _NO_CHECK),
                *_values(access, _CHAIN_COLUMNS),
            ],
        )
        row = cursor.fetchone()
    assert row is not None
    check_id, access_id, seq, prev, row_hash, anchored = row[:6]
    if access_id is None:  # the chain had no head: nothing was inserted; the general way
        with transaction.atomic():
            check.save(force_insert=True)
            _insert_answers(check, [answer])
            append_to_chain(access)
        return
    _saved(check, check_id)
    _saved(access, access_id)
    chain_reserved(access, seq, prev, row_hash, anchored)


def _saved(obj: models.Model, pk: int) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def _json_detail(detail: dict[str, Any] | None) -> Any:
    """A line's detail as JSON storage gives it back (dates as strings)."""
    if detail is None:
        return None
    return json.loads(json.dumps(detail, cls=DjangoJSONEncoder))


def _subject_for_register(a: SubjectAnswer) -> Subject | None:
    """The register names the subject (its code shown masked for a person)."""
    if a.subject is None:
        return None
    person = a.classified.personal
    return Subject(
        pk=a.subject.pk,
        name=a.subject.name,
        kind=a.subject.kind,
        uscc=None if person else a.classified.normalized,
        id_number_masked=a.classified.shown if person else "",
    )


def _record(
    *,
    kind: str,
    items: Sequence[Classified],
    matter: str,
    purpose: str,
    reference: str,
    principal: Principal,
    department: Department,
    on: date,
    catalogue: MeasureCatalogue,
) -> CheckResult:
    together = _one_statement(kind)
    # A token kept in memory (``Principal.token_confirmed``) is confirmed before anything is
    # written: by the single check's read itself, else by a query of its own.
    kept = principal.token if not principal.token_confirmed else None
    if kind == CheckKind.SINGLE:
        # One query reads the subject and its listings, and confirms a kept token. (On
        # PostgreSQL the write sets its commit mode itself: ``_together_sql``.)
        confirm_at = timezone.now()
        extra, params = (token_usable_sql(), [confirm_at, kept.pk]) if kept else ("", [])
        answer, evaluated, value = answer_one(
            items[0], matter=matter, on=on, catalogue=catalogue, extra_select=extra,
            extra_params=params,
        )  # fmt: skip
        answers = [answer]
        if kept is not None and evaluated:
            confirm_kept_token(kept, value, at=confirm_at)
            kept = None
    else:
        answers = answer_all(items, matter=matter, on=on, catalogue=catalogue)
    if kept is not None:
        confirm_token(kept)
    if not together:
        _fast_commit()  # batches on PostgreSQL (nothing elsewhere)
    copy = None
    if (
        kind != CheckKind.SINGLE
        and len(answers) > COPY_THRESHOLD
        and connection.vendor == "postgresql"
    ):
        copy = _AnswerCopy(_next_check_id(), answers)
    try:
        counts = _counts(answers)
        public_id = uuid.uuid4()
        checked_at = timezone.now()
        payload = _payload(
            public_id=public_id,
            kind=kind,
            checked_at=checked_at,
            on=on,
            matter=matter,
            purpose=purpose,
            reference=reference,
            principal=principal,
            department=department,
            counts=counts,
            answers=answers,
        )
        key_id, signature = signing.sign(payload)
        digest = receipts.sha256_hex(payload)
        query: dict[str, Any] = {
            "check": str(public_id),
            "kind": kind,
            "matter": matter,
            "reference": reference,
            "answer_for": on.isoformat(),
            "receipt_sha256": digest,
            "key_id": key_id,
        }
        single = kind == CheckKind.SINGLE
        if single:
            query["subject_code"] = answers[0].classified.shown
            query["answer"] = answers[0].answer
        else:
            query["counts"] = counts
            query["codes_sha256"] = hashlib.sha256(
                "\n".join(a.classified.shown for a in answers).encode()
            ).hexdigest()
        # The check and its lines first, the register row last: the head of the register chain
        # is locked from the row until the commit (docs/decisions/0070-register-chains.md). The
        # row's hash covers the receipt's SHA-256 (in ``query``), the chain links the rows, and
        # the chain's head is anchored in the audit chain.
        check = Check(
            public_id=public_id,
            kind=kind,
            checked_at=checked_at,
            checked_on=on,
            matter=matter,
            purpose=purpose,
            reference=reference,
            actor_kind=principal.kind,
            actor_user_id=principal.user.pk if principal.user is not None else None,
            actor_label=principal.label[:200],
            token_id=principal.token.pk if principal.token is not None else None,
            department=department,
            department_code=department.code,
            department_name=department.name,
            subject_count=counts["subjects"],
            restricted_count=counts["restricted"],
            incentive_count=counts["incentive"],
            clear_count=counts["clear"],
            invalid_count=counts["invalid"],
            unknown_count=counts["unknown"],
            receipt_payload=payload.decode("utf-8"),
            receipt_sha256=digest,
            signature=signature,
            signature_alg=signing.ALGORITHM,
            key_id=key_id,
            request_id=current_request_id(),
        )
    except BaseException:
        if copy is not None:  # never leave the copy running into the rollback
            copy.thread.join()
        raise
    if copy is not None:
        copy.join()
        check.pk = copy.check_id
        check.save(force_insert=True)
    elif not together:
        check.save(force_insert=True)
        _insert_answers(check, answers)
    access = record_access_chained(
        actor=principal,
        purpose=purpose,
        legal_basis=LegalBasis.STATUTORY_DUTY,
        subject=_subject_for_register(answers[0]) if single else None,
        object_type="checks.check",
        object_id=str(public_id),
        fields=["answer", "measures", "listings"],
        query=query,
        department=department,
        insert="caller" if together else True,
    )
    if together:
        _insert_together(check, answers[0], access)
    return CheckResult(check, answers, catalogue, access)


def _prepare(
    *, matter: str, purpose: str, reference: str, today: date | None
) -> tuple[date, MeasureCatalogue, str, str, str]:
    on = today or timezone.localdate()
    purpose, _basis, _ref = check_access_reason(purpose, LegalBasis.STATUTORY_DUTY)
    catalogue = measure_catalogue(on=on)
    matter = check_matter(matter, catalogue)
    return on, catalogue, matter, purpose, " ".join(reference.split())[:100]


def refuse_invalid(item: Classified) -> None:
    if item.valid:
        return
    raise SubjectCodeInvalid(
        message_zh=f"主体代码 {item.shown} 无效：{item.error_zh}。不作核查结论。",
        message_en=f"the subject code {item.shown} is not valid: {item.error_en}. No answer "
        "is given.",
        rule=item.error_code,
        scheme=item.scheme.value,
    )


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------


def _one_statement(kind: str) -> bool:
    """Whether the check's whole write is ONE statement (a single check on PostgreSQL,
    ``_insert_together``): it is then atomic by itself and needs no explicit transaction."""
    return kind == CheckKind.SINGLE and connection.vendor == "postgresql"


def do_check_subject(
    code: str,
    *,
    matter: str,
    purpose: str,
    department: Department,
    acting_user: User | Principal,
    reference: str = "",
    scheme: str | None = None,
    today: date | None = None,
) -> CheckResult:
    """Check one subject for ``matter`` today and issue a signed receipt.

    Refuses, writing nothing: no right to check (403), an empty purpose
    (``ACCESS_PURPOSE_REQUIRED``), a matter no measure in force names (``CHECK_MATTER_UNKNOWN``), a
    code that is not a valid identifier (``CHECK_SUBJECT_INVALID`` — never "clear"). A valid
    code of a subject the platform does not know is answered "clear" with
    ``subject_known: false``.

    Atomic: on PostgreSQL the check writes ONE statement (the check, its answer line and its
    register row, the register chain advanced), atomic by itself, after one read — no explicit
    transaction, which would cost two round trips on the path every check takes
    (docs/decisions/0074-check-one-statement.md); elsewhere in a transaction.
    """
    try:
        if _one_statement(CheckKind.SINGLE):
            return _check_subject(
                code, matter, purpose, department, acting_user, reference, scheme, today
            )
        with transaction.atomic():
            return _check_subject(
                code, matter, purpose, department, acting_user, reference, scheme, today
            )
    except TokenRejected:
        raise
    except CodedError:
        # A refusal made before the read (a malformed code, an unknown matter): a kept token
        # that is no longer usable is refused as such, not answered about the request.
        token = acting_user.token if isinstance(acting_user, Principal) else None
        if token is not None and not acting_user.token_confirmed:  # type: ignore[union-attr]
            confirm_token(token)
        raise


def _check_subject(
    code: str,
    matter: str,
    purpose: str,
    department: Department,
    acting_user: User | Principal,
    reference: str,
    scheme: str | None,
    today: date | None,
) -> CheckResult:
    principal = check_may_check(acting_user, department)
    on, catalogue, matter, purpose, reference = _prepare(
        matter=matter, purpose=purpose, reference=reference, today=today
    )
    item = classify(code, scheme)
    refuse_invalid(item)
    return _record(
        kind=CheckKind.SINGLE,
        items=[item],
        matter=matter,
        purpose=purpose,
        reference=reference,
        principal=principal,
        department=department,
        on=on,
        catalogue=catalogue,
    )


@transaction.atomic
def do_check_batch(
    codes: Sequence[str],
    *,
    matter: str,
    purpose: str,
    department: Department,
    acting_user: User | Principal,
    reference: str = "",
    today: date | None = None,
    limit: int | None = MAX_BATCH,
) -> CheckResult:
    """Check many subjects for one matter, set-based, with one receipt covering every
    answer. An invalid code is answered ``invalid`` on its line (the others are still
    answered); more than ``limit`` codes is refused (``CHECK_BATCH_TOO_LARGE``, 413), none
    at all too (``CHECK_BATCH_EMPTY``). ``limit=None`` is for the platform's own jobs and
    the benchmark."""
    principal = check_may_check(acting_user, department)
    if not codes:
        raise BatchEmpty(message_zh="没有要核查的主体。", message_en="no subject to check.")
    if limit is not None and len(codes) > limit:
        raise BatchTooLarge(
            message_zh=f"一次最多核查 {limit} 个主体，本次 {len(codes)} 个：请分批提交。",
            message_en=f"at most {limit} subjects per batch, got {len(codes)}: split it.",
            limit=limit,
            given=len(codes),
        )
    on, catalogue, matter, purpose, reference = _prepare(
        matter=matter, purpose=purpose, reference=reference, today=today
    )
    items = [classify(str(code)) for code in codes]
    return _record(
        kind=CheckKind.BATCH,
        items=items,
        matter=matter,
        purpose=purpose,
        reference=reference,
        principal=principal,
        department=department,
        on=on,
        catalogue=catalogue,
    )


# --------------------------------------------------------------------------------------------
# As of date D
# --------------------------------------------------------------------------------------------


@dataclass
class RecordedCheck:
    """What the platform answered to one check made on the day (recorded timeline)."""

    receipt_id: str
    kind: str
    checked_at: Any
    department_code: str
    department_name: str
    actor_label: str
    answer: str
    applied: list[str]
    suspended: list[str]


@dataclass
class AsOfResult:
    on: date
    matter: str
    legal: SubjectAnswer
    recorded: list[RecordedCheck]


def _recorded(
    item: Classified, answer: SubjectAnswer, *, matter: str, on: date, department: Department
) -> list[RecordedCheck]:
    lines = CheckAnswer.objects.filter(
        check_request__matter=matter,
        check_request__checked_on=on,
        check_request__department=department,
    )
    if answer.subject is not None:
        lines = lines.filter(subject_id=answer.subject.pk)
    else:
        lines = lines.filter(subject_code=item.shown, subject__isnull=True)
    result = []
    for line in lines.select_related("check_request").order_by("check_request__checked_at", "pk"):
        check = line.check_request
        measures = (line.detail or {}).get("measures", []) if isinstance(line.detail, dict) else []
        result.append(
            RecordedCheck(
                receipt_id=str(check.public_id),
                kind=check.kind,
                checked_at=check.checked_at,
                department_code=check.department_code,
                department_name=check.department_name,
                actor_label=check.actor_label,
                answer=line.answer,
                applied=sorted({m["code"] for m in measures if m.get("state") == "applied"}),
                suspended=sorted({m["code"] for m in measures if m.get("state") == "suspended"}),
            )
        )
    return result


@transaction.atomic
def do_answer_as_of(
    code: str,
    *,
    matter: str,
    on: date,
    purpose: str,
    department: Department,
    acting_user: User | Principal,
    scheme: str | None = None,
    today: date | None = None,
) -> AsOfResult:
    """Was the subject restricted for ``matter`` on ``on`` (legal timeline: listing terms,
    suspensions and removals as known now, and the measure list in force then), and what
    did the platform answer to the checks ``department`` made that day (recorded timeline)?
    The read is registered (9101). Refuses a day after today (``CHECK_DATE_IN_FUTURE``)."""
    principal = check_may_check(acting_user, department)
    today = today or timezone.localdate()
    if on > today:
        raise AsOfDateInFuture(
            message_zh=f"{on.isoformat()} 尚未到来，无法回答当日的情况。",
            message_en=f"{on.isoformat()} has not come yet; nothing is known about it.",
            on=on.isoformat(),
        )
    purpose, _basis, _ref = check_access_reason(purpose, LegalBasis.STATUTORY_DUTY)
    then = measure_catalogue(on=on)
    matter = check_matter(matter, then, measure_catalogue(on=today))
    item = classify(code, scheme)
    refuse_invalid(item)
    legal = answer_all([item], matter=matter, on=on, catalogue=then)[0]
    recorded = _recorded(item, legal, matter=matter, on=on, department=department)
    record_access(
        actor=principal,
        purpose=purpose,
        legal_basis=LegalBasis.STATUTORY_DUTY,
        subject=_subject_for_register(legal),
        object_type="checks.as_of",
        object_id=on.isoformat(),
        fields=["answer", "measures", "listings", "recorded_checks"],
        query={
            "subject_code": item.shown,
            "matter": matter,
            "on": on.isoformat(),
            "answer": legal.answer,
            "recorded_checks": len(recorded),
        },
        department=department,
    )
    return AsOfResult(on, matter, legal, recorded)


def receipt_document(check: Check) -> dict[str, Any]:
    """The receipt document of a stored check, exactly as it was issued."""
    return receipts.document(
        check.receipt_payload.encode("utf-8"), signature=check.signature, key_id=check.key_id
    )


__all__ = [
    "MAX_BATCH",
    "AsOfResult",
    "CheckResult",
    "check_may_check",
    "do_answer_as_of",
    "do_check_batch",
    "do_check_subject",
    "receipt_document",
]
