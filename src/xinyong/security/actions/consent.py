"""The consent registry's actions and ``check_basis``, the one check of a read's basis.

Legal sources: seeds 000 §2(1) and §3(2), 001 §(十四), 003 §七(三) ("必须有明确的法律、法规或者
国务院决定、命令作为依据或经本人同意"; "禁止任何单位和个人未经授权、强制授权或一次授权终身收集
使用个人信用信息"); 个人信息保护法 art. 13-15.

- ``do_record_consent``: a consent needs a purpose, a scope and an end date; its length may
  not exceed the jurisdiction setting ``security.consent_max_days`` in force on its first day
  (national default 365): a longer one is refused, never shortened silently.
- ``do_revoke_consent``: effective at once; reads after it on that consent are refused.
- ``check_basis(principal, subject, purpose, basis, basis_reference, fields)``: called by
  ``record_access`` for every registered read (so every caller is covered) and callable
  before a read. CONSENT needs a consent of that subject, for the reading department,
  valid today, not revoked, covering the fields; AUDIT needs an auditor (or the platform).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core.choices import Role
from xinyong.core.models import Department, Subject, User
from xinyong.core.permissions import departments_with_role
from xinyong.security.actions.register import check_access_reason
from xinyong.security.choices import LegalBasis
from xinyong.security.errors import AccessBasisMissing, ConsentInvalid, ReasonRequired
from xinyong.security.models import Consent
from xinyong.security.principals import Principal


def consent_max_days(on: date) -> int:
    """The longest consent allowed for a consent starting on ``on``: the jurisdiction
    setting ``security.consent_max_days`` in force that day (national default 365, no
    national number: docs/decisions/0044). The date that counts is the consent's first day
    of validity — the rule in force when the person's authorisation takes effect — so a
    later change of the setting neither shortens nor lengthens consents already given.
    Raises ``SETTING_NOT_FOUND`` when the settings are not loaded (no silent default)."""
    from xinyong.policy.jurisdiction_settings import policy_setting

    return int(policy_setting("security.consent_max_days", on=on).value)


def check_record_consent(
    *, purpose: str, scope: Iterable[str], valid_from: date, valid_until: date | None
) -> tuple[str, list[str]]:
    purpose = " ".join(purpose.split())
    fields = sorted({s.strip() for s in scope if s and s.strip()})
    if not purpose or not fields:
        raise ConsentInvalid(
            message_zh="授权须写明使用目的和范围（可查询的信息项）",
            message_en="a consent states its purpose and its scope (the information covered)",
        )
    if valid_until is None:
        raise ConsentInvalid(
            message_zh="授权必须有截止日期：禁止一次授权终身使用",
            message_en="a consent must end: lifetime consent is not allowed",
        )
    longest = consent_max_days(valid_from)
    days = (valid_until - valid_from).days
    if days < 0 or days > longest:
        raise ConsentInvalid(
            message_zh=f"授权期限为 {days} 天，须在 0 至 {longest} 天之间；请缩短期限后重新登记",
            message_en=f"the consent runs {days} days; it must be 0 to {longest} days — shorten it",
            days=days,
            max_days=longest,
        )
    return purpose, fields


@transaction.atomic
def do_record_consent(
    subject: Subject,
    *,
    department: Department,
    reference: str,
    purpose: str,
    scope: Iterable[str],
    valid_from: date,
    valid_until: date | None,
    evidence: str = "",
    acting_user: User | None,
    actor_label: str = "",
) -> Consent:
    """Register a signed consent of ``subject`` for ``department`` (audited 9501)."""
    purpose, fields = check_record_consent(
        purpose=purpose, scope=scope, valid_from=valid_from, valid_until=valid_until
    )
    reference = reference.strip()
    if not reference:
        raise ConsentInvalid(
            message_zh="请填写授权书编号", message_en="give the consent form's reference"
        )
    assert valid_until is not None
    consent = Consent.objects.create(
        subject=subject,
        department=department,
        reference=reference,
        purpose=purpose,
        scope=fields,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence.strip()[:200],
        recorded_by=acting_user.get_username() if acting_user else actor_label,
    )
    record_event(
        EventType.CONSENT_RECORDED,
        acting_user=acting_user,
        obj=consent,
        department=department,
        subject_id=subject.pk,
        actor_label=actor_label,
        after={
            "reference": reference,
            "purpose": purpose,
            "scope": fields,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return consent


@transaction.atomic
def do_revoke_consent(
    consent: Consent, *, reason: str, acting_user: User | None, actor_label: str = ""
) -> Consent:
    """Withdraw a consent at once (audited 9502); revoking twice is refused."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(message_zh="请说明撤回原因", message_en="give the reason")
    if consent.revoked_at is not None:
        raise ConsentInvalid(
            code="CONSENT_ALREADY_REVOKED",
            message_zh=f"授权 {consent.reference} 已于 {consent.revoked_at:%Y-%m-%d} 撤回",
            message_en=f"consent {consent.reference} is already revoked",
        )
    consent.revoked_at = timezone.now()
    consent.revoked_reason = reason
    consent.save(update_fields=["revoked_at", "revoked_reason"])
    record_event(
        EventType.CONSENT_REVOKED,
        acting_user=acting_user,
        obj=consent,
        department=consent.department,
        subject_id=consent.subject_id,
        actor_label=actor_label,
        after={"reference": consent.reference, "reason": reason},
    )
    return consent


@dataclass(frozen=True)
class Basis:
    purpose: str
    legal_basis: str
    basis_reference: str
    consent: Consent | None = None


def _refuse(zh: str, en: str, reference: str = "") -> AccessBasisMissing:
    if reference:
        return AccessBasisMissing(message_zh=zh, message_en=en, reference=reference)
    return AccessBasisMissing(message_zh=zh, message_en=en)


def check_basis(
    principal: User | Principal | None,
    subject: Subject | None,
    purpose: str,
    basis: LegalBasis | str,
    basis_reference: str = "",
    *,
    fields: Iterable[str] = (),
    department: Department | None = None,
    on: date | None = None,
) -> Basis:
    """The read's basis if it stands, else ``ACCESS_BASIS_MISSING`` (403) or
    ``ACCESS_PURPOSE_REQUIRED`` (422). See the module docstring for the rules."""
    purpose, basis, reference = check_access_reason(purpose, str(basis), basis_reference)
    user = principal.user if isinstance(principal, Principal) else principal
    if isinstance(principal, Principal):
        department = department or principal.department
    if department is None and user is not None:
        # A staff member's session bound to no department reads for their own.
        department = user.primary_department
    if basis == LegalBasis.AUDIT:
        if principal is not None and not (user and departments_with_role(user, Role.AUDITOR)):
            raise _refuse(
                "只有审计员可以依据“审计监督”查询", "only auditors read on the basis of audit"
            )
        return Basis(purpose, basis, reference)
    if basis != LegalBasis.CONSENT:
        return Basis(purpose, basis, reference)
    day = on or timezone.localdate()
    wanted = sorted(set(fields))
    consent = Consent.objects.filter(reference=reference).select_related("department").first()
    if (
        consent is None
        or subject is None
        or consent.subject_id != subject.pk
        or department is None
        or consent.department_id != department.pk
    ):
        raise _refuse(
            f"未找到本人对本部门的有效授权（编号 {reference}）：无授权不得查询个人非公开信息",
            f"no consent {reference} of this person for this department: the read is refused",
            reference=reference,
        )
    if not consent.is_valid_on(day):
        period = f"{consent.valid_from}–{consent.valid_until}"
        state = "已撤回" if consent.revoked_at else f"有效期 {period}"
        raise _refuse(
            f"授权 {reference} 在 {day} 无效（{state}）",
            f"consent {reference} is not valid on {day}",
            reference=reference,
        )
    if not consent.covers(wanted):
        raise _refuse(
            f"授权 {reference} 的范围不包括：{', '.join(sorted(set(wanted) - set(consent.scope)))}",
            f"consent {reference} does not cover {sorted(set(wanted) - set(consent.scope))}",
            reference=reference,
        )
    return Basis(purpose, basis, reference, consent)
