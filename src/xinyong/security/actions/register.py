"""Writing the query register (查询使用登记台帐) and unmasking personal ID numbers.

``record_access`` is called by every read of non-public data (record details, checks,
reports, exports), INSIDE the transaction of the read: a read that fails and rolls back
leaves neither a register row nor an audit event, and a read that succeeds cannot have
skipped its registration. Legal sources: seed 000 §3(1) (明确信息查询使用权限和程序，建立完善
信息查询使用登记台帐和审核制度), seed 001 §(十三), seed 003 §七(二); 个人信息保护法 art. 13 (a
lawful basis for each processing), art. 51 and 54–55.

Unmasking a natural person's ID number (``do_unmask_subject_id``) is such a read: only a
credit office reviewer may do it, with a stated purpose, and it is registered with the event
type 1301 ``PERSONAL_ID_UNMASKED`` (docs/security.md#the-query-register).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC
from typing import Any, Literal

from django.db import models, transaction
from django.utils import timezone

from xinyong.audit.context import current_request_id
from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import digest, record_event
from xinyong.core import crypto
from xinyong.core.choices import Role
from xinyong.core.db import hot_cursor
from xinyong.core.models import Department, Subject, User
from xinyong.core.permissions import require_role
from xinyong.security.choices import ActorKind, LegalBasis
from xinyong.security.errors import NoIdNumber, PurposeRequired
from xinyong.security.models import AccessRecord, RegisterChainHead
from xinyong.security.principals import Principal

#: The role that may unmask ID numbers (docs/decisions/0011-query-register.md). Reviewers of
#: the credit office need the number to tell two people apart in objections, listing and
#: repair; platform administrators run the system and have no such need (separation of
#: duties, 个人信息保护法 art. 51 (四) 合理确定操作权限).
UNMASK_ROLE = Role.CREDIT_OFFICE_REVIEWER


#: The legal bases' values (``LegalBasis.values`` builds a new list on every call).
_BASES = frozenset(LegalBasis.values)


def check_access_reason(
    purpose: str, legal_basis: str, basis_reference: str = ""
) -> tuple[str, str, str]:
    """A non-empty purpose, a known legal basis, and a reference when it is consent."""
    purpose = " ".join(purpose.split())
    if not purpose:
        raise PurposeRequired(
            message_zh="查询非公开信息须填写查询目的",
            message_en="state the purpose of reading non-public information",
        )
    if legal_basis not in _BASES:
        raise PurposeRequired(
            code="ACCESS_BASIS_UNKNOWN",
            message_zh=f"未知的查询依据：{legal_basis}",
            message_en=f"unknown legal basis {legal_basis}",
        )
    basis_reference = basis_reference.strip()
    if legal_basis == LegalBasis.CONSENT and not basis_reference:
        raise PurposeRequired(
            code="CONSENT_REFERENCE_REQUIRED",
            message_zh="依据本人授权查询时须填写授权书编号",
            message_en="a read on consent names the consent's reference",
        )
    return purpose, legal_basis, basis_reference[:200]


def _content(record: AccessRecord) -> dict[str, Any]:
    """What the audit event's digest covers: every column but the id and the event's seq."""
    accessed_at = record.accessed_at
    if accessed_at is not None and accessed_at.tzinfo is not None:
        # In UTC, as the database gives it back: a row written with a local-time "now" must
        # digest the same when it is verified.
        accessed_at = accessed_at.astimezone(UTC)
    return {
        "accessed_at": accessed_at,
        "actor_kind": record.actor_kind,
        "actor_user_id": record.actor_user_id,
        "actor_label": record.actor_label,
        "token_id": record.token_id,
        "department_code": record.department_code,
        "department_name": record.department_name,
        "purpose": record.purpose,
        "legal_basis": record.legal_basis,
        "basis_reference": record.basis_reference,
        "subject_id": record.subject_id,
        "subject_name": record.subject_name,
        "subject_code": record.subject_code,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "fields": record.fields,
        "query": record.query,
        "request_id": record.request_id,
    }


def _build(
    *,
    actor: User | Principal | None,
    purpose: str,
    legal_basis: LegalBasis | str,
    basis_reference: str,
    subject: Subject | None,
    obj: models.Model | None,
    object_type: str,
    object_id: str | int,
    fields: Iterable[str],
    query: Mapping[str, Any] | None,
    department: Department | None,
    actor_label: str,
) -> tuple[AccessRecord, User | None, str, Department | None]:
    """The register row of one read (not saved), its user, label and department; refuses a
    read without a basis that stands (consent module)."""
    from xinyong.security.actions.consent import check_basis

    checked = check_basis(
        actor,
        subject,
        purpose,
        legal_basis,
        basis_reference,
        fields=list(fields),
        department=department,
    )
    purpose, basis, reference = checked.purpose, checked.legal_basis, checked.basis_reference
    user: User | None = None
    token_id: int | None = None
    if isinstance(actor, Principal):
        user = actor.user
        department = department or actor.department
        if actor.token is not None:
            kind, label, token_id = ActorKind.TOKEN, actor.label, actor.token.pk
        else:
            kind, label = ActorKind.USER, actor.label
    elif actor is not None:
        user, kind, label = actor, ActorKind.USER, actor.get_username()
    else:
        kind, label = ActorKind.SYSTEM, actor_label or "system"
    if department is None and user is not None:
        department = user.primary_department
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    elif subject is not None and not object_type:
        object_type, object_id = subject._meta.label_lower, str(subject.pk)
    record = AccessRecord(
        accessed_at=timezone.now(),
        actor_kind=kind,
        actor_user_id=user.pk if user is not None else None,
        actor_label=label[:200],
        token_id=token_id,
        department_code=department.code if department else "",
        department_name=department.name if department else "",
        purpose=purpose,
        legal_basis=basis,
        basis_reference=reference,
        subject_id=subject.pk if subject else None,
        subject_name=subject.name if subject else "",
        subject_code=(subject.uscc or subject.id_number_masked or "") if subject else "",
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(set(fields)),
        query=dict(query) if query is not None else None,
        request_id=current_request_id(),
    )
    return record, user, label, department


def record_access(
    *,
    actor: User | Principal | None,
    purpose: str,
    legal_basis: LegalBasis | str,
    basis_reference: str = "",
    subject: Subject | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    query: Mapping[str, Any] | None = None,
    department: Department | None = None,
    event_type: EventType = EventType.QUERY_REGISTERED,
    actor_label: str = "",
) -> AccessRecord:
    """Register one read of non-public data, with its audit event, in the caller's transaction.

    ``actor`` is the staff member, or the API principal (``request.auth``), or None for the
    platform itself (then ``actor_label`` says which job). ``department`` defaults to the
    token's department or the user's primary department.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_access must run inside the transaction of the read")
    record, user, label, department = _build(
        actor=actor,
        purpose=purpose,
        legal_basis=legal_basis,
        basis_reference=basis_reference,
        subject=subject,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
        query=query,
        department=department,
        actor_label=actor_label,
    )
    event = record_event(
        event_type,
        acting_user=user,
        object_type=record.object_type,
        object_id=record.object_id,
        department=department,
        subject_id=record.subject_id,
        actor_label=label,
        after={
            "access_digest": digest(_content(record)),
            "purpose": record.purpose,
            "legal_basis": record.legal_basis,
            "fields": record.fields,
        },
    )
    record.audit_seq = event.seq
    record.save(force_insert=True)
    return record


# --------------------------------------------------------------------------------------------
# Register chains: the checks' fast path (docs/decisions/0070-register-chains.md)
# --------------------------------------------------------------------------------------------

#: Register chains: a process writes to chain ``pid % REGISTER_CHAINS``, so concurrent
#: writers (worker processes) rarely wait for one another, unlike on the audit chain's head.
REGISTER_CHAINS = 16
#: A chain's head is anchored in the audit chain (event 6003) every this many rows, and by
#: ``do_anchor_register`` (``xinyong checks anchor``, run by the periodic job).
ANCHOR_EVERY = 1000
GENESIS = "0" * 64


def chain_hash(prev_hash: str, seq: int, content_digest: str) -> str:
    """A chained row's hash: over the previous row's hash, its place and its content's
    digest. Computed by PostgreSQL in the head update (one round trip), here elsewhere and
    when verifying: the two must agree (tested)."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{content_digest}".encode()).hexdigest()


def _chained_content(record: AccessRecord) -> str:
    return digest({**_content(record), "chain": record.chain})


def record_access_chained(
    *,
    actor: User | Principal | None,
    purpose: str,
    legal_basis: LegalBasis | str,
    basis_reference: str = "",
    subject: Subject | None = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    query: Mapping[str, Any] | None = None,
    department: Department | None = None,
    actor_label: str = "",
    insert: bool | Literal["caller"] = True,
) -> AccessRecord:
    """Register one read like ``record_access``, in the caller's transaction, but in a
    register chain instead of with an audit event of its own: for reads made hundreds of
    times a second (checks), which would otherwise all queue on the audit chain's head.
    Tampering with the row (change, deletion, insertion) breaks its chain, whose head is
    anchored in the audit chain (``verify_register``). ``insert=False``: the row has its
    place and hash but the caller inserts it, in this transaction (one statement with its
    own rows). ``insert="caller"``: nothing more; the caller puts the row on its chain
    (``chain_place``), advances the head with ``HEAD_ADVANCE_SQL`` and inserts the row in one
    statement, then calls ``chain_reserved``; that statement may be the caller's whole
    transaction (the single check on PostgreSQL: one statement is atomic by itself)."""
    if insert != "caller" and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_access must run inside the transaction of the read")
    record, _user, _label, _department = _build(
        actor=actor,
        purpose=purpose,
        legal_basis=legal_basis,
        basis_reference=basis_reference,
        subject=subject,
        obj=None,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
        query=query,
        department=department,
        actor_label=actor_label,
    )
    if insert == "caller":
        pass  # the caller's statement places and inserts it
    elif insert:
        append_to_chain(record)
    else:
        reserve_chain_link(record)
    return record


def append_to_chain(record: AccessRecord) -> AccessRecord:
    """Insert ``record`` (built, not saved) at the end of this process's register chain:
    ``reserve_chain_link``, then the row."""
    reserve_chain_link(record)
    record.save(force_insert=True)
    return record


def reserve_chain_link(record: AccessRecord) -> AccessRecord:
    """Give ``record`` (built, not saved) its place at the end of this process's register
    chain and its hash; the caller inserts it in the same transaction (``append_to_chain``,
    or the checks' single-statement insert).

    One round trip on PostgreSQL: the head row is advanced and the new hash computed in one
    ``UPDATE … RETURNING``, which also locks the head until the commit (a chain never forks;
    a chain with a reserved place and no row fails ``verify_register``, so the caller must
    insert the row or roll back). Every ``ANCHOR_EVERY`` rows the head goes into the audit
    chain.
    """
    conn = transaction.get_connection()
    chain, content = chain_place(record)
    # Raw SQL: the head must advance and hash in one statement (RegisterChainHead's table).
    with hot_cursor(conn) as cursor:
        for _attempt in range(2):
            if conn.vendor == "postgresql":
                cursor.execute(HEAD_ADVANCE_SQL, [content, chain])
                row = cursor.fetchone()
                if row is not None:
                    seq, prev, row_hash, anchored = row
                    break
            else:
                cursor.execute(
                    "UPDATE security_registerchainhead "
                    "SET last_seq = last_seq + 1, prev_hash = last_hash "
                    "WHERE chain = %s RETURNING last_seq, prev_hash, anchored_seq",
                    [chain],
                )
                row = cursor.fetchone()
                if row is not None:
                    seq, prev, anchored = row
                    row_hash = chain_hash(prev, seq, content)
                    cursor.execute(
                        "UPDATE security_registerchainhead SET last_hash = %s WHERE chain = %s",
                        [row_hash, chain],
                    )
                    break
            cursor.execute(
                "INSERT INTO security_registerchainhead "
                "(chain, last_seq, prev_hash, last_hash, anchored_seq) "
                "VALUES (%s, 0, %s, %s, 0) ON CONFLICT (chain) DO NOTHING",
                [chain, GENESIS, GENESIS],
            )
        else:  # pragma: no cover - the head row exists after the insert above
            raise RuntimeError(f"register chain {chain} has no head")
    return chain_reserved(record, seq, prev, row_hash, anchored)


#: PostgreSQL: advance a chain's head and compute the new row's hash from the locked head's
#: values — the same formula as ``chain_hash`` (a test checks that they agree); every SET
#: expression reads the head's values before the update. Parameters: the row's content
#: digest, the chain. Also used as a CTE by the checks' single insert statement.
HEAD_ADVANCE_SQL = (
    "UPDATE security_registerchainhead "
    "SET last_seq = last_seq + 1, prev_hash = last_hash, "
    "last_hash = encode(sha256(convert_to("
    "last_hash || ':' || (last_seq + 1)::text || ':' || %s, 'UTF8')), 'hex') "
    "WHERE chain = %s RETURNING last_seq, prev_hash, last_hash, anchored_seq"
)


def chain_place(record: AccessRecord) -> tuple[int, str]:
    """Put ``record`` (built, not saved) on this process's chain: (chain, content digest) —
    what ``HEAD_ADVANCE_SQL`` takes."""
    record.chain = os.getpid() % REGISTER_CHAINS
    return record.chain, _chained_content(record)


def chain_reserved(
    record: AccessRecord, seq: int, prev: str, row_hash: str, anchored: int
) -> AccessRecord:
    """Give ``record`` the place the head's advance returned; anchor the chain's head in the
    audit chain every ``ANCHOR_EVERY`` rows (in the caller's transaction, or in one of its
    own after a caller's single statement committed the row)."""
    record.chain_seq = seq
    record.row_hash = row_hash
    record.prev_hash = prev
    if seq - anchored >= ANCHOR_EVERY:
        with transaction.atomic(savepoint=False):
            _anchor(record.chain or 0, seq, row_hash, actor_label="system:register-anchor")
    return record


def _anchor(chain: int, seq: int, row_hash: str, *, actor_label: str) -> None:
    """Write the chain's head into the audit chain (event 6003) and remember it."""
    record_event(
        EventType.REGISTER_ANCHORED,
        acting_user=None,
        object_type="security.registerchain",
        object_id=str(chain),
        actor_label=actor_label,
        after={"chain": chain, "seq": seq, "hash": row_hash},
    )
    RegisterChainHead.objects.filter(pk=chain, anchored_seq__lt=seq).update(anchored_seq=seq)


@transaction.atomic
def do_anchor_register(
    *, acting_user: User | None = None, actor_label: str = "system:register-anchor"
) -> int:
    """Anchor the head of every register chain that grew since its last anchor in the audit
    chain (one event 6003 each); the number of chains anchored. Run by the periodic job
    (``xinyong checks anchor``) so that a quiet chain does not wait ``ANCHOR_EVERY`` rows."""
    label = acting_user.get_username() if acting_user is not None else actor_label
    anchored = 0
    # Every head is locked (one statement, in order) BEFORE the first event takes the audit
    # chain's lock: a check holding its head and anchoring it waits for the audit lock only
    # while this job does not hold it yet — no deadlock.
    heads = list(RegisterChainHead.objects.select_for_update().order_by("pk"))
    for head in heads:
        if head.last_seq > head.anchored_seq:
            _anchor(head.chain, head.last_seq, head.last_hash, actor_label=label)
            anchored += 1
    return anchored


@transaction.atomic
def do_unmask_subject_id(
    subject: Subject,
    *,
    purpose: str,
    acting_user: User,
    legal_basis: LegalBasis | str = LegalBasis.STATUTORY_DUTY,
    basis_reference: str = "",
) -> str:
    """The full ID number of a natural person, for a credit office reviewer with a purpose.

    Refused (and nothing written) without the role or the purpose; otherwise the read is
    registered (event 1301) before the number is returned.
    """
    require_role(acting_user, UNMASK_ROLE)
    check_access_reason(purpose, str(legal_basis), basis_reference)
    subject = Subject.objects.get(pk=subject.pk)
    if not subject.id_number_encrypted:
        raise NoIdNumber(
            message_zh="该主体没有登记证件号码", message_en="this subject has no ID number"
        )
    number = crypto.decrypt(subject.id_number_encrypted)
    record_access(
        actor=acting_user,
        purpose=purpose,
        legal_basis=legal_basis,
        basis_reference=basis_reference,
        subject=subject,
        fields=["id_number"],
        event_type=EventType.PERSONAL_ID_UNMASKED,
    )
    return number


#: Event types of register rows that carry an audit event each (the "row is gone" check).
_REGISTER_EVENT_TYPES = (
    EventType.QUERY_REGISTERED,
    EventType.PERSONAL_ID_UNMASKED,
    EventType.CHECK_MADE,
    EventType.BATCH_CHECK_MADE,
)


def verify_register(records: Sequence[AccessRecord] | None = None) -> list[str]:
    """Problems between the register and the audit chain: a row whose event is missing or
    whose content no longer matches the digest in its event, an event whose row is gone; a
    chained row whose hash or links no longer hold, a gap in a chain, a chain whose rows
    differ from its head or from an anchor in the audit chain (rows changed, deleted or
    inserted after the fact). With ``records``, only those rows (and their neighbours)."""
    problems: list[str] = []
    rows = list(records) if records is not None else list(AccessRecord.objects.order_by("pk"))
    evented = [r for r in rows if r.audit_seq is not None]
    chained = [r for r in rows if r.audit_seq is None and r.chain is not None]
    for row in rows:
        if row.audit_seq is None and (row.chain is None or row.chain_seq is None):
            problems.append(f"access record {row.pk} is in neither the audit trail nor a chain")
    events = {
        e.seq: e
        for e in AuditEvent.objects.filter(seq__in=[r.audit_seq for r in evented]).only(
            "seq", "after"
        )
    }
    for row in evented:
        event = events.get(row.audit_seq or 0)
        if event is None or not isinstance(event.after, dict):
            problems.append(f"access record {row.pk}: audit event {row.audit_seq} is missing")
        elif event.after.get("access_digest") != digest(_content(row)):
            problems.append(f"access record {row.pk} differs from audit event {row.audit_seq}")
    if records is None:
        registered = {r.audit_seq for r in evented}
        for seq, after in AuditEvent.objects.filter(
            event_type__in=_REGISTER_EVENT_TYPES
        ).values_list("seq", "after"):
            if isinstance(after, dict) and "access_digest" in after and seq not in registered:
                problems.append(f"audit event {seq} registers an access whose record is gone")
        problems.extend(_verify_chains(chained))
    else:
        problems.extend(_verify_rows(chained))
    return problems


def _hash_problem(row: AccessRecord) -> str | None:
    assert row.chain_seq is not None
    if chain_hash(row.prev_hash, row.chain_seq, _chained_content(row)) != row.row_hash:
        return f"access record {row.pk} was changed after it was written (chain {row.chain})"
    return None


def _anchors() -> dict[int, list[tuple[int, int, str]]]:
    """(audit seq, chain seq, hash) of every anchor, by chain."""
    found: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for seq, after in AuditEvent.objects.filter(event_type=EventType.REGISTER_ANCHORED).values_list(
        "seq", "after"
    ):
        if isinstance(after, dict):
            found[int(after.get("chain", -1))].append(
                (seq, int(after.get("seq", 0)), str(after.get("hash", "")))
            )
    return found


def _verify_chains(rows: Sequence[AccessRecord]) -> list[str]:
    """Every chain walked from its first row: contiguous places, each row's hash and link,
    the head, and every anchor the audit chain holds for it."""
    problems: list[str] = []
    by_chain: dict[int, list[AccessRecord]] = defaultdict(list)
    for row in rows:
        assert row.chain is not None
        by_chain[row.chain].append(row)
    heads = {h.chain: h for h in RegisterChainHead.objects.all()}
    anchors = _anchors()
    for chain in sorted(set(by_chain) | set(heads) | set(anchors)):
        chain_rows = sorted(by_chain.get(chain, ()), key=lambda r: r.chain_seq or 0)
        hashes: dict[int, str] = {}
        prev, expected = GENESIS, 1
        for row in chain_rows:
            assert row.chain_seq is not None
            if row.chain_seq != expected:
                problems.append(
                    f"register chain {chain}: row {expected} is missing "
                    f"(next present is {row.chain_seq})"
                )
            elif row.prev_hash != prev:
                problems.append(
                    f"register chain {chain}: access record {row.pk} does not link to the "
                    "row before it"
                )
            problem = _hash_problem(row)
            if problem:
                problems.append(problem)
            hashes[row.chain_seq] = row.row_hash
            prev, expected = row.row_hash, row.chain_seq + 1
        last = expected - 1
        head = heads.get(chain)
        if head is not None and (head.last_seq != last or head.last_hash != prev):
            problems.append(
                f"register chain {chain}: its head names row {head.last_seq} but the chain "
                f"ends at row {last}"
            )
        for audit_seq, seq, value in anchors.get(chain, ()):
            if hashes.get(seq) != value:
                problems.append(
                    f"register chain {chain}: row {seq} differs from its anchor in audit "
                    f"event {audit_seq}"
                )
    return problems


def _verify_rows(rows: Sequence[AccessRecord]) -> list[str]:
    """Chained rows one by one: the hash, the link to the row before, the link from the row
    after (or the head when it is the last), the anchor of its place if any."""
    problems: list[str] = []
    anchors = _anchors() if rows else {}
    for row in rows:
        assert row.chain is not None and row.chain_seq is not None
        problem = _hash_problem(row)
        if problem:
            problems.append(problem)
        near = dict(
            AccessRecord.objects.filter(
                chain=row.chain, chain_seq__in=[row.chain_seq - 1, row.chain_seq + 1]
            ).values_list("chain_seq", "prev_hash")
        )
        before = (
            AccessRecord.objects.filter(chain=row.chain, chain_seq=row.chain_seq - 1)
            .values_list("row_hash", flat=True)
            .first()
        )
        if (before if row.chain_seq > 1 else GENESIS) != row.prev_hash:
            problems.append(
                f"register chain {row.chain}: access record {row.pk} does not link to the row "
                "before it"
            )
        if row.chain_seq + 1 in near:
            if near[row.chain_seq + 1] != row.row_hash:
                problems.append(
                    f"register chain {row.chain}: the row after access record {row.pk} does "
                    "not link to it"
                )
        else:
            head = RegisterChainHead.objects.filter(pk=row.chain).first()
            if head is None or head.last_seq != row.chain_seq or head.last_hash != row.row_hash:
                problems.append(
                    f"register chain {row.chain}: the row after access record {row.pk} is missing"
                )
        for audit_seq, seq, value in anchors.get(row.chain, ()):
            if seq == row.chain_seq and value != row.row_hash:
                problems.append(
                    f"register chain {row.chain}: access record {row.pk} differs from its "
                    f"anchor in audit event {audit_seq}"
                )
    return problems
