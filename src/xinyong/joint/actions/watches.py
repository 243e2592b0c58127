"""Watches (re-screening, issue 4 §6): register a grant to be watched, end the watch."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.lookup import lookup_subject
from xinyong.core.models import Department, Subject, User
from xinyong.joint.errors import (
    WatchDuplicate,
    WatchMatterUnknown,
    WatchNotFound,
    WatchReferenceRequired,
    WatchSubjectCodeInvalid,
    WatchSubjectUnknown,
)
from xinyong.joint.models import Watch
from xinyong.measures.choices import Matter


def find_subject_by_code(code: str) -> Subject:
    """The subject with this unified social credit code or resident ID number (looked up by
    its keyed hash). An invalid code is refused as invalid — never treated as "unknown"."""
    valid, subject = lookup_subject(code)
    if not valid:
        value = (code or "").strip().upper()
        raise WatchSubjectCodeInvalid(
            message_zh=f"{value!r} 不是有效的统一社会信用代码或居民身份证号码。",
            message_en=f"{value!r} is not a valid unified social credit code or resident ID "
            "number.",
            field="subject",
        )
    if subject is None:
        raise WatchSubjectUnknown(
            message_zh="平台中没有该代码对应的信用主体，请核对代码。",
            message_en="no credit subject with this code is known to the platform; check it.",
            field="subject",
        )
    return subject


def check_register_watch(
    department: Department, subject: Subject, matter: str, grant_reference: str
) -> str:
    if matter not in Matter.values:
        raise WatchMatterUnknown(
            message_zh=f"事项 {matter!r} 无效（可选：{', '.join(Matter.values)}）。",
            message_en=f"matter {matter!r} is unknown (one of {', '.join(Matter.values)}).",
            field="matter",
        )
    reference = " ".join((grant_reference or "").split())
    if not reference or len(reference) > 100:
        raise WatchReferenceRequired(
            message_zh="请填写授予事项的文号或编号（不超过100字）。",
            message_en="give the grant's reference (licence, contract or award number; at most "
            "100 characters).",
            field="grant_reference",
        )
    if Watch.objects.filter(
        department=department, subject=subject, matter=matter, grant_reference=reference,
        active=True,
    ).exists():  # fmt: skip
        raise WatchDuplicate(
            message_zh=f"已登记对该主体事项（{reference}）的复查关注。",
            message_en=f"this grant ({reference}) is already watched.",
        )
    return reference


@transaction.atomic
def do_register_watch(
    department: Department,
    *,
    subject: Subject,
    matter: str,
    grant_reference: str,
    granted_on: date | None = None,
    note: str = "",
    acting_user: User | None,
    actor_label: str = "",
) -> Watch:
    """Watch a grant of ``department`` to ``subject`` for ``matter`` (the caller checked the
    actor may act for the department with scope ``check``)."""
    reference = check_register_watch(department, subject, matter, grant_reference)
    watch = Watch.objects.create(
        department=department,
        subject=subject,
        matter=matter,
        grant_reference=reference,
        granted_on=granted_on,
        note=note.strip()[:300],
        created_by=acting_user,
        created_by_label=((acting_user.get_username() if acting_user else actor_label) or "system")[
            :200
        ],
    )
    record_event(
        EventType.JOINT_WATCH_REGISTERED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=watch,
        department=department,
        subject_id=subject.pk,
        after={"matter": matter, "grant_reference": reference, "granted_on": granted_on},
    )
    return watch


@transaction.atomic
def do_end_watch(watch: Watch | int, *, acting_user: User | None, actor_label: str = "") -> Watch:
    """Stop watching (the grant ended or was revoked). Items already sent stay."""
    pk = watch.pk if isinstance(watch, Watch) else watch
    locked = Watch.objects.select_for_update().filter(pk=pk).select_related("department").first()
    if locked is None:
        raise WatchNotFound(
            message_zh=f"关注 {pk} 不存在。", message_en=f"watch {pk} does not exist."
        )
    if not locked.active:
        return locked
    locked.active = False
    locked.ended_at = timezone.now()
    locked.save(update_fields=["active", "ended_at"])
    record_event(
        EventType.JOINT_WATCH_ENDED,
        acting_user=acting_user,
        actor_label=actor_label,
        obj=locked,
        department=locked.department,
        subject_id=locked.subject_id,
        after={"grant_reference": locked.grant_reference, "matter": locked.matter},
    )
    return locked
