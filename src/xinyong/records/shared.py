"""Reading other departments' records under each catalog item's sharing scope (共享查询).

Why this exists: the catalog says of every item whether its records are public (公开), shared
between public bodies only (仅共享) or not disclosed (不予公开), and with whom they are shared
(RULES §5: "Each item states … whether public / shared / not disclosed, sharing scope").
Without this module a department could read only its own records: shared data was not shared.
A department system (token with the ``read_shared`` scope) or a staff member (department
checker or credit-office reviewer, ``security.choices.SCOPE_ROLES``) reads here the records of
one subject that its department may read (docs/decisions/0049-shared-data-reads.md):

- its own department's records, whatever their disclosure;
- another department's records of a **public** item;
- another department's records of a **shared** item whose sharing scope names the reading
  department's kind (``Department.kind``) or ``all_departments``;
- never another department's records of a **not disclosed** item (oversight roles read those
  through the record pages, ``xinyong.records.queries.access_record``).

Only active records are shared: withdrawn, expired and repaired ones are not (repair stops
sharing, docs/decisions/0055). Records the department may not read are left out without a
trace — neither counted nor named — so that their existence does not leak. The stricter of
the disclosure stored on the record (decided when it was reported) and the item's disclosure
in the catalog in force today applies, with today's sharing scope (the edition in force when
the record was reported when the item has left the catalog).

Every read is registered in the query register in the transaction that reads
(``security.actions.record_access``): one row per record read (its catalog item as the field
read), or one row for a look-up that found nothing readable. A read needs a purpose and a
legal basis — a statutory duty naming its legal provision, or the subject's consent naming
the consent's reference (``security.actions.consent.check_basis``: of that subject, for the
reading department, valid today, not revoked, covering the items read). Personal ID numbers
stay masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinyong.catalog.choices import ALL_DEPARTMENTS, Disclosure, FieldType
from xinyong.catalog.errors import CatalogItemUnknown
from xinyong.catalog.queries import CatalogItemDef, catalog_editions, catalog_item
from xinyong.core.lookup import lookup_subject
from xinyong.core.models import Department, Subject
from xinyong.errors import CodedError, NotFound
from xinyong.records import protect
from xinyong.records.choices import RecordStatus
from xinyong.records.errors import RecordNotFound
from xinyong.records.models import Record
from xinyong.security.actions import record_access
from xinyong.security.actions.register import check_access_reason
from xinyong.security.choices import LegalBasis
from xinyong.security.errors import AccessBasisMissing
from xinyong.security.principals import Principal

#: The legal bases a shared read may rest on (seed 003 §七(三): "必须有明确的法律、法规或者
#: 国务院决定、命令作为依据或经本人同意"). Audit and the subject's own request have their own
#: ways in (the register search, self-service).
SHARED_BASES = (LegalBasis.STATUTORY_DUTY, LegalBasis.CONSENT)

#: Disclosures from the most open to the most closed.
_STRICTNESS: dict[str, int] = {
    Disclosure.PUBLIC: 0,
    Disclosure.SHARED: 1,
    Disclosure.NOT_DISCLOSED: 2,
}

#: What the register names when a look-up found nothing the department may read.
LOOKUP_OBJECT = "records.record:shared"


class SubjectCodeInvalid(CodedError):
    status = 422
    code = "SUBJECT_CODE_INVALID"


class SubjectNotFound(NotFound):
    code = "SUBJECT_NOT_FOUND"


@dataclass(frozen=True)
class SharedRecord:
    """A record as shared: the record, its item's definition (None when no loaded catalog has
    it any more) and the disclosure that applied."""

    record: Record
    item: CatalogItemDef | None
    disclosure: str

    def values(self) -> dict[str, Any]:
        """The record's values, with every ID-number field masked (already masked when stored;
        masked again here for fields a supplement names differently)."""
        fields = self.item.fields if self.item is not None else ()
        id_fields = {f.code for f in fields if f.type == FieldType.ID_NUMBER}
        shown: dict[str, Any] = {}
        for code, value in (self.record.values or {}).items():
            personal = code in id_fields or protect.is_personal(code)
            if personal and value not in (None, "") and "*" not in str(value):
                value = protect.mask(value)
            shown[code] = value
        return shown


@dataclass(frozen=True)
class SharedRead:
    """What one shared read returned: the subject, the reading department, how many records
    it may read, the page of them it read, and the register rows written."""

    subject: Subject
    department: Department
    count: int
    records: list[SharedRecord]
    register_ids: list[int]


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def check_shared_basis(purpose: str, basis: str, reference: str) -> tuple[str, str, str]:
    """A purpose, a basis a shared read may rest on, and its reference (the legal provision
    of a statutory duty, the consent's number). ``ACCESS_PURPOSE_REQUIRED`` (422),
    ``ACCESS_BASIS_MISSING`` (403) otherwise. Whether a consent stands is checked with the
    subject (``check_basis``)."""
    basis = (basis or "").strip()
    if not basis or basis not in SHARED_BASES:
        raise AccessBasisMissing(
            message_zh="查询共享信息须说明依据：法定职责（basis=statutory_duty，并在 reference "
            "中写明法律、法规条款）或本人授权（basis=consent，reference 为授权书编号）。",
            message_en="A read of shared information needs a basis: statutory_duty (with the "
            "legal provision in reference) or consent (with the consent's reference).",
            basis=basis,
            allowed=[str(b) for b in SHARED_BASES],
        )
    purpose, basis, reference = check_access_reason(purpose, basis, reference)
    if not reference:
        raise AccessBasisMissing(
            message_zh="依据法定职责查询共享信息时，须在 reference 中写明法律、法规或国务院"
            "决定的条款。",
            message_en="A read on statutory duty names the law, regulation or State Council "
            "act in reference.",
            basis=basis,
        )
    return purpose, basis, reference


def find_subject(code: str) -> Subject:
    """The subject with this unified social credit code, or (natural persons) this resident
    ID number — found through its keyed hash, never by the plain number. ``SUBJECT_CODE_INVALID``
    (422) for anything else, ``SUBJECT_NOT_FOUND`` (404) for a valid code of no subject."""
    valid, subject = lookup_subject(code)
    if not valid:
        raise SubjectCodeInvalid(
            message_zh="subject 须为有效的统一社会信用代码或居民身份证号码。",
            message_en="subject must be a valid unified social credit code or resident ID number.",
            field="subject",
        )
    if subject is None:
        raise SubjectNotFound(
            message_zh="平台中没有该代码对应的信用主体，请核对代码。",
            message_en="No credit subject with this code is known to the platform; check it.",
            field="subject",
        )
    return subject


def check_item_code(code: str) -> str:
    """The item code, upper-cased, if some loaded catalog edition has it (the catalog is
    public: naming an unknown item leaks nothing); ``CATALOG_ITEM_UNKNOWN`` otherwise."""
    wanted = code.strip().upper()
    if not any(e.item(wanted) is not None for e in catalog_editions()):
        raise CatalogItemUnknown(
            message_zh=f"公共信用信息目录中没有目录项 {wanted}。",
            message_en=f"No catalog item {wanted} in the catalog of public credit information.",
            item=wanted,
        )
    return wanted


# --------------------------------------------------------------------------------------------
# Who reads what
# --------------------------------------------------------------------------------------------


class _Definitions:
    """Item definitions by (code, reported on), from today's catalog first."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._found: dict[tuple[str, date], CatalogItemDef | None] = {}

    def get(self, code: str, reported_on: date) -> CatalogItemDef | None:
        key = (code, reported_on)
        if key not in self._found:
            found: CatalogItemDef | None = None
            for day in (self.today, reported_on):
                try:
                    found = catalog_item(code, on=day)
                except CodedError:
                    continue
                break
            self._found[key] = found
        return self._found[key]


def record_definition(record: Record, today: date | None = None) -> CatalogItemDef | None:
    """The definition of ``record``'s item: today's catalog, else the edition in force when
    it was reported (None when no loaded catalog has it)."""
    return _Definitions(today or timezone.localdate()).get(record.item_code, record.reported_on)


def applied_disclosure(record: Record, item: CatalogItemDef | None) -> str:
    """The stricter of the record's disclosure and its item's (a narrowing applies at once; an
    unknown value counts as not disclosed)."""
    stored = _STRICTNESS.get(record.disclosure, 2)
    current = _STRICTNESS.get(item.disclosure, 2) if item is not None else stored
    return [Disclosure.PUBLIC, Disclosure.SHARED, Disclosure.NOT_DISCLOSED][max(stored, current)]


def may_read(
    department: Department, record: Record, item: CatalogItemDef | None, disclosure: str
) -> bool:
    """Whether ``department`` may read ``record`` as shared data (module docstring)."""
    if record.department_id == department.pk:
        return True
    if disclosure == Disclosure.PUBLIC:
        return True
    if disclosure == Disclosure.SHARED and item is not None:
        scope = set(item.sharing_scope)
        return ALL_DEPARTMENTS in scope or department.kind in scope
    return False


def readable_records(
    department: Department,
    subject: Subject,
    *,
    item: str | None = None,
    record_id: int | None = None,
    today: date | None = None,
) -> list[SharedRecord]:
    """The active records of ``subject`` (of ``item``, or the one record ``record_id``) that
    ``department`` may read, by item, newest decision first."""
    definitions = _Definitions(today or timezone.localdate())
    rows = Record.objects.filter(subject=subject, status=RecordStatus.ACTIVE).filter(
        # Not-disclosed records of other departments are never candidates.
        Q(department=department) | ~Q(disclosure=Disclosure.NOT_DISCLOSED)
    )
    if item:
        rows = rows.filter(item_code=item)
    if record_id is not None:
        rows = rows.filter(pk=record_id)
    found = []
    for record in rows.select_related("department").order_by("item_code", "-decision_date", "-pk"):
        definition = definitions.get(record.item_code, record.reported_on)
        disclosure = applied_disclosure(record, definition)
        if may_read(department, record, definition, disclosure):
            found.append(SharedRecord(record, definition, disclosure))
    return found


# --------------------------------------------------------------------------------------------
# The registered read
# --------------------------------------------------------------------------------------------


def _register(
    principal: Principal,
    department: Department,
    subject: Subject,
    shared: Sequence[SharedRecord],
    *,
    purpose: str,
    basis: str,
    reference: str,
    query: dict[str, Any],
) -> list[int]:
    """One register row per record read (its item as the field read), or one for the
    look-up when nothing was readable; a basis that does not stand refuses the whole read."""
    common: dict[str, Any] = {
        "actor": principal,
        "purpose": purpose,
        "legal_basis": basis,
        "basis_reference": reference,
        "subject": subject,
        "department": department,
        "query": query,
    }
    if not shared:
        row = record_access(**common, object_type=LOOKUP_OBJECT, object_id="", fields=())
        return [row.pk]
    return [record_access(**common, obj=s.record, fields=[s.record.item_code]).pk for s in shared]


@transaction.atomic
def read_shared_records(
    principal: Principal,
    subject_code: str,
    *,
    purpose: str,
    basis: str,
    reference: str = "",
    item: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> SharedRead:
    """The records of the subject named by ``subject_code`` that the principal's department
    may read, ``limit`` of them from ``offset``, registered in this transaction. The caller
    (an API handler) shapes its answer inside its own transaction around this call."""
    department = principal.department
    assert department is not None, "require_scope binds the principal to a department"
    purpose, basis, reference = check_shared_basis(purpose, basis, reference)
    subject = find_subject(subject_code)
    item_code = check_item_code(item) if item else None
    readable = readable_records(department, subject, item=item_code)
    page = readable[offset : offset + limit]
    query = {"item": item_code, "offset": offset} if offset else {"item": item_code}
    register_ids = _register(
        principal,
        department,
        subject,
        page,
        purpose=purpose,
        basis=basis,
        reference=reference,
        query=query,
    )
    return SharedRead(subject, department, len(readable), page, register_ids)


@transaction.atomic
def read_shared_record(
    principal: Principal, record_id: int, *, purpose: str, basis: str, reference: str = ""
) -> SharedRecord:
    """One record, if the principal's department may read it as shared data; otherwise
    ``RECORD_NOT_FOUND`` (404) whether it exists or not. Registered in this transaction."""
    department = principal.department
    assert department is not None, "require_scope binds the principal to a department"
    purpose, basis, reference = check_shared_basis(purpose, basis, reference)
    record = Record.objects.filter(pk=record_id).select_related("subject").first()
    found = (
        readable_records(department, record.subject, record_id=record_id)
        if record is not None
        else []
    )
    if not found:
        raise RecordNotFound(
            message_zh=f"没有编号为 {record_id} 的信用记录，或本部门无权查询。",
            message_en=f"No record {record_id}, or your department may not read it.",
            record=record_id,
        )
    shared = found[0]
    _register(
        principal,
        department,
        shared.record.subject,
        [shared],
        purpose=purpose,
        basis=basis,
        reference=reference,
        query={"record": record_id},
    )
    return shared
