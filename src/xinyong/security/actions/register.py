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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from xinyong.audit.context import current_request_id
from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.audit.record import digest, record_event
from xinyong.core import crypto
from xinyong.core.choices import Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.permissions import require_role
from xinyong.security.choices import ActorKind, LegalBasis
from xinyong.security.errors import NoIdNumber, PurposeRequired
from xinyong.security.models import AccessRecord
from xinyong.security.principals import Principal

#: The role that may unmask ID numbers (docs/decisions/0011-query-register.md). Reviewers of
#: the credit office need the number to tell two people apart in objections, listing and
#: repair; platform administrators run the system and have no such need (separation of
#: duties, 个人信息保护法 art. 51 (四) 合理确定操作权限).
UNMASK_ROLE = Role.CREDIT_OFFICE_REVIEWER


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
    if legal_basis not in LegalBasis.values:
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
    return {
        "accessed_at": record.accessed_at,
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
            "purpose": purpose,
            "legal_basis": basis,
            "fields": record.fields,
        },
    )
    record.audit_seq = event.seq
    record.save(force_insert=True)
    return record


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


def verify_register(records: Sequence[AccessRecord] | None = None) -> list[str]:
    """Problems between the register and the audit chain: a row whose event is missing or
    whose content no longer matches the digest in its event, an event whose row is gone."""
    problems: list[str] = []
    rows = list(records) if records is not None else list(AccessRecord.objects.order_by("pk"))
    events = {
        e.seq: e
        for e in AuditEvent.objects.filter(seq__in=[r.audit_seq for r in rows]).only("seq", "after")
    }
    for row in rows:
        event = events.get(row.audit_seq)
        if event is None or not isinstance(event.after, dict):
            problems.append(f"access record {row.pk}: audit event {row.audit_seq} is missing")
        elif event.after.get("access_digest") != digest(_content(row)):
            problems.append(f"access record {row.pk} differs from audit event {row.audit_seq}")
    if records is None:
        registered = set(AccessRecord.objects.values_list("audit_seq", flat=True))
        for seq, after in AuditEvent.objects.filter(
            event_type__in=[EventType.QUERY_REGISTERED, EventType.PERSONAL_ID_UNMASKED]
        ).values_list("seq", "after"):
            if isinstance(after, dict) and "access_digest" in after and seq not in registered:
                problems.append(f"audit event {seq} registers an access whose record is gone")
    return problems
