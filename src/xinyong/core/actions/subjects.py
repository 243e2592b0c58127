"""Creating subjects, recording their legacy identifiers and renaming them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from xinyong.audit.events import EventType
from xinyong.audit.record import record_event
from xinyong.core import crypto, identifiers
from xinyong.core.choices import LegacyScheme, PersonIdType, SubjectKind
from xinyong.core.errors import IdentifierInvalid, SubjectExists, SubjectIdentityConflict
from xinyong.core.models import Department, Subject, SubjectIdentifier, SubjectName, User
from xinyong.errors import CodedError


def check_identifier(
    value: str, scheme: identifiers.IdentifierScheme | str, *, subject_kind: str | None = None
) -> identifiers.ValidationResult:
    """Validate one identifier and raise ``IdentifierInvalid`` with its rule's code."""
    result = identifiers.validate(value, scheme, subject_kind=subject_kind)
    if not result.valid:
        issue = result.errors[0]
        raise IdentifierInvalid(
            issue.code, issue.message_zh, issue.message_en, scheme=str(scheme), value=value
        )
    return result


def _person_hash(id_type: str, normalized: str) -> str:
    return crypto.lookup_hash(f"id{id_type}", normalized)


def check_create_subject(
    *,
    kind: str,
    name: str,
    uscc: str | None,
    id_type: str | None,
    id_number: str | None,
    legacy: Mapping[str, str] | None = None,
    uscc_validated: bool = False,
) -> dict[str, str]:
    """Validate a new subject's identity; return the normalised identity fields.

    ``uscc_validated``: the caller validated ``uscc`` with ``identifiers.validate_uscc`` and
    gives it normalised, not the placeholder (collection's row validation does): it is not
    validated again (docs/decisions/0026). The fields are the same."""
    if kind not in SubjectKind.values:
        raise CodedError("SUBJECT_KIND_UNKNOWN", f"未知的主体类型：{kind}", f"unknown kind {kind}")
    if not name.strip():
        raise CodedError(
            "SUBJECT_NAME_REQUIRED", "主体名称不能为空", "the subject's name is required"
        )
    fields: dict[str, str] = {}
    if kind == SubjectKind.NATURAL_PERSON:
        if uscc:
            raise CodedError(
                "SUBJECT_PERSON_HAS_USCC",
                "自然人不使用统一社会信用代码，请填写证件类型和证件号码",
                "a natural person has no unified social credit code; give the ID type and number",
            )
        if not id_type or not id_number:
            raise CodedError(
                "SUBJECT_PERSON_ID_REQUIRED",
                "自然人必须提供证件类型和证件号码",
                "a natural person needs an ID type and an ID number",
            )
        if id_type not in PersonIdType.values:
            raise CodedError(
                "ID_TYPE_UNKNOWN",
                f"证件类型 {id_type} 不在代码表中（01–05）",
                f"ID type {id_type} is not in the code list (01–05)",
            )
        scheme = identifiers.ID_TYPE_CODES[id_type]
        result = check_identifier(id_number, scheme, subject_kind=kind)
        fields["id_type"] = id_type
        fields["id_number"] = result.normalized
        fields["id_number_hash"] = _person_hash(id_type, result.normalized)
        fields["id_number_masked"] = identifiers.mask_identifier(result.normalized, scheme)
        division = result.parts.get("division")
        if isinstance(division, Mapping) and division.get("code"):
            fields["division"] = str(division["code"])
        return fields
    if uscc and uscc_validated and uscc != identifiers.USCC_PLACEHOLDER:
        # What a valid code gives below: itself and its division (positions 3-8).
        fields["uscc"] = uscc
        fields["division"] = uscc[2:8]
    elif uscc:
        result = check_identifier(uscc, identifiers.IdentifierScheme.USCC, subject_kind=kind)
        if result.parts.get("placeholder"):
            # RULES §1: an individual business reported with 00000000000000000X must give
            # its business registration number instead.
            if not (legacy or {}).get(LegacyScheme.BUSINESS_REG_NO):
                raise CodedError(
                    "PLACEHOLDER_NEEDS_BUSINESS_REG_NO",
                    "使用占位代码 00000000000000000X 的个体工商户必须填报工商注册号",
                    "an individual business reported with the placeholder code must give its "
                    "business registration number",
                )
        else:
            fields["uscc"] = result.normalized
            division = result.parts.get("division")
            if isinstance(division, Mapping):
                fields["division"] = str(division.get("code", ""))
    elif kind != SubjectKind.INDIVIDUAL_BUSINESS:
        raise CodedError(
            "SUBJECT_USCC_REQUIRED",
            "法人、非法人组织和机关必须提供统一社会信用代码",
            "legal persons, organisations and public bodies need a unified social credit code",
        )
    return fields


@transaction.atomic
def do_create_subject(
    *,
    kind: str,
    name: str,
    uscc: str | None = None,
    id_type: str | None = None,
    id_number: str | None = None,
    legacy: Mapping[str, str] | None = None,
    name_since: date | None = None,
    acting_user: User | None,
    department: Department | None = None,
    actor_label: str = "",
) -> Subject:
    """Create a subject after checking that no subject holds any of its identifiers."""
    fields = check_create_subject(
        kind=kind, name=name, uscc=uscc, id_type=id_type, id_number=id_number, legacy=legacy
    )
    legacy_clean = check_legacy_identifiers(legacy or {})
    if fields.get("uscc") and Subject.objects.filter(uscc=fields["uscc"]).exists():
        raise SubjectExists(
            message_zh=f"统一社会信用代码 {fields['uscc']} 已有主体",
            message_en=f"a subject with code {fields['uscc']} already exists",
        )
    if (
        fields.get("id_number_hash")
        and Subject.objects.filter(
            id_type=fields["id_type"], id_number_hash=fields["id_number_hash"]
        ).exists()
    ):
        raise SubjectExists(
            message_zh="该证件号码已有主体", message_en="a subject with this ID number exists"
        )
    for scheme, value in legacy_clean.items():
        if SubjectIdentifier.objects.filter(scheme=scheme, value=value).exists():
            raise SubjectIdentityConflict(
                message_zh=f"{LegacyScheme(scheme).label} {value} 已属于其他主体",
                message_en=f"{scheme} {value} already belongs to another subject",
            )
    id_number = fields.pop("id_number", "")
    subject = Subject.objects.create(
        kind=kind,
        name=name.strip(),
        uscc=fields.get("uscc"),
        division=fields.get("division", ""),
        id_type=fields.get("id_type", ""),
        id_number_encrypted=crypto.encrypt(id_number) if id_number else "",
        id_number_hash=fields.get("id_number_hash", ""),
        id_number_masked=fields.get("id_number_masked", ""),
    )
    SubjectName.objects.create(subject=subject, name=subject.name, valid_from=name_since)
    SubjectIdentifier.objects.bulk_create(
        [SubjectIdentifier(subject=subject, scheme=s, value=v) for s, v in legacy_clean.items()]
    )
    record_event(
        EventType.SUBJECT_CREATED,
        acting_user=acting_user,
        obj=subject,
        subject_id=subject.pk,
        department=department,
        actor_label=actor_label,
        after={
            "kind": kind,
            "name": subject.name,
            "uscc": subject.uscc,
            "id_type": subject.id_type,
            "id_number": subject.id_number_masked,
            "legacy": legacy_clean,
        },
    )
    return subject


def check_legacy_identifiers(legacy: Mapping[str, str]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for scheme, value in legacy.items():
        if not value:
            continue
        if scheme not in LegacyScheme.values:
            raise CodedError(
                "IDENTIFIER_SCHEME_UNKNOWN",
                f"未知的证照类型：{scheme}",
                f"unknown identifier scheme {scheme}",
            )
        clean[scheme] = check_identifier(value, scheme).normalized
    return clean


@transaction.atomic
def do_add_subject_identifier(
    subject: Subject, scheme: str, value: str, *, acting_user: User | None
) -> SubjectIdentifier:
    clean = check_legacy_identifiers({scheme: value})
    ((scheme, normalized),) = clean.items()
    existing = SubjectIdentifier.objects.filter(scheme=scheme, value=normalized).first()
    if existing is not None:
        if existing.subject_id == subject.pk:
            return existing
        raise SubjectIdentityConflict(
            message_zh=f"{normalized} 已属于其他主体",
            message_en=f"{normalized} already belongs to another subject",
        )
    identifier = SubjectIdentifier.objects.create(subject=subject, scheme=scheme, value=normalized)
    record_event(
        EventType.SUBJECT_IDENTIFIER_ADDED,
        acting_user=acting_user,
        obj=subject,
        subject_id=subject.pk,
        after={"scheme": scheme, "value": normalized},
    )
    return identifier


@transaction.atomic
def do_rename_subject(
    subject: Subject,
    new_name: str,
    *,
    effective: date,
    acting_user: User | None,
    actor_label: str = "",
) -> Subject:
    """Record a change of name on ``effective``; the subject keeps its identity."""
    new_name = new_name.strip()
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    if not new_name or new_name == subject.name:
        raise CodedError(
            "SUBJECT_NAME_UNCHANGED",
            "新名称为空或与现名称相同",
            "the new name is empty or unchanged",
        )
    old_name = subject.name
    SubjectName.objects.filter(subject=subject, valid_to__isnull=True).update(valid_to=effective)
    SubjectName.objects.create(subject=subject, name=new_name, valid_from=effective)
    subject.name = new_name
    subject.save(update_fields=["name", "updated_at"])
    record_event(
        EventType.SUBJECT_RENAMED,
        acting_user=acting_user,
        obj=subject,
        subject_id=subject.pk,
        actor_label=actor_label,
        before={"name": old_name},
        after={"name": new_name, "effective": effective},
    )
    return subject
