"""Finding the subject of each row, and creating the subjects not yet known, in bulk.

Why this exists: "Records link to subjects by identifier; an unknown subject is created from
the record, never duplicated" (issue 3). A chunk of 2,000 rows is resolved with three
queries — by unified social credit code, by the keyed hash of a natural person's ID number
(docs/decisions/0006), and by the business registration number of an individual business
reported with the placeholder code ``00000000000000000X`` (RULES §1) — and the unknown ones
are created once each, with core's own checks (``check_create_subject`` and
``check_legacy_identifiers``, imported, not copied). Duplicates inside the chunk cannot occur
(one creation per identity key) and the database is searched first; the inserts themselves
go through :func:`xinyong.records.writers.insert_objects` (``COPY`` on PostgreSQL, as
``do_bulk_create_subjects`` would with ``bulk_create``).

Two batches creating the same subject at the same time: the database's unique constraints
(``core_subject_uscc_unique``, ``core_subject_person_id_unique``, ``core_identifier_unique``)
refuse the second insert with an ``IntegrityError``; the chunk's transaction is then retried
from the start and finds the subject the other batch created. Nothing here writes an audit
event: the chunk's one ``BATCH_CHUNK_PROCESSED`` event carries the created subjects' count,
id range and digest (the same snapshot ``SUBJECT_CREATED`` would hold).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from xinyong.audit.record import digest
from xinyong.core import crypto
from xinyong.core.actions.bulk import SubjectSpec, subject_snapshot
from xinyong.core.actions.subjects import check_create_subject, check_legacy_identifiers
from xinyong.core.choices import LegacyScheme, SubjectKind
from xinyong.core.identifiers import USCC_PLACEHOLDER
from xinyong.core.models import Subject, SubjectIdentifier, SubjectName
from xinyong.errors import CodedError
from xinyong.records.issues import issue
from xinyong.records.prepare import PreparedRow
from xinyong.records.writers import insert_objects, probe_each, use_copy

SubjectKey = tuple[str, ...]


@dataclass
class Resolution:
    """Subjects of the rows of a chunk (by row number) and what was created."""

    subject_ids: dict[int, int] = field(default_factory=dict)
    created: list[Subject] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    identifiers_created: int = 0

    def summary(self) -> dict[str, Any]:
        pks = [s.pk for s in self.created]
        return {
            "count": len(self.created),
            "by_kind": dict(sorted(Counter(s.kind for s in self.created).items())),
            "legacy_identifiers": self.identifiers_created,
            "first_id": min(pks) if pks else None,
            "last_id": max(pks) if pks else None,
            "digest": digest(self.snapshots),
        }


@dataclass
class _Wanted:
    key: SubjectKey
    ref: Any
    rows: list[PreparedRow] = field(default_factory=list)


def _legacy_of(ref: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(getattr(ref, "legacy", None) or {}).items() if v}


def _key(ref: Any) -> SubjectKey | None:
    """How the subject of ``ref`` is found: ("uscc", code), ("person", type, hash) or
    ("legacy", scheme, value). None: nothing to find it by (the row is refused)."""
    if ref.kind == SubjectKind.NATURAL_PERSON:
        fields = check_create_subject(
            kind=ref.kind,
            name=ref.name or "-",
            uscc=None,
            id_type=ref.id_type,
            id_number=ref.id_number,
        )
        return ("person", fields["id_type"], fields["id_number_hash"])
    if ref.uscc and ref.uscc != USCC_PLACEHOLDER:
        return ("uscc", ref.uscc)
    legacy = check_legacy_identifiers(_legacy_of(ref))
    if LegacyScheme.BUSINESS_REG_NO in legacy:
        return ("legacy", LegacyScheme.BUSINESS_REG_NO, legacy[LegacyScheme.BUSINESS_REG_NO])
    for scheme, value in sorted(legacy.items()):
        return ("legacy", scheme, value)
    return None


def _field(item: Any, *roles: str) -> str:
    for role in roles:
        found = item.field_for_role(role)
        if found is not None:
            return str(found.code)
    return ""


def _refuse(row: PreparedRow, item: Any, exc: CodedError) -> None:
    if exc.code.startswith(("SUBJECT_PERSON", "ID_")) or "ID_NUMBER" in exc.code:
        where = _field(item, "person_id_number")
    elif exc.code == "SUBJECT_NAME_REQUIRED":
        where = _field(item, "subject_name")
    elif exc.code in ("PLACEHOLDER_NEEDS_BUSINESS_REG_NO",):
        where = _field(item, "business_reg_no")
    else:
        where = _field(item, "uscc", "subject_name")
    row.reject(issue(where, exc.code, exc.message_zh, exc.message_en))


def resolve_subjects(rows: Sequence[PreparedRow], *, item: Any) -> Resolution:
    """Link every row that is not rejected to its subject, creating unknown subjects.

    A row whose subject cannot be found or created is rejected with core's coded error.
    """
    resolution = Resolution()
    wanted: dict[SubjectKey, _Wanted] = {}
    for row in rows:
        if row.rejected:
            continue
        ref = row.subject
        if ref is None:
            row.reject(
                issue(
                    _field(item, "subject_name"),
                    "SUBJECT_IDENTIFIER_MISSING",
                    "无法确定信用主体：请填写统一社会信用代码，或自然人的证件类型和证件号码。",
                    "The subject cannot be identified: give the unified social credit code, "
                    "or a natural person's ID type and number.",
                )
            )
            continue
        try:
            key = _key(ref)
        except CodedError as exc:
            _refuse(row, item, exc)
            continue
        if key is None:
            row.reject(
                issue(
                    _field(item, "uscc", "business_reg_no"),
                    "SUBJECT_IDENTIFIER_MISSING",
                    "个体工商户没有统一社会信用代码时，必须填报工商注册号。",
                    "An individual business without a unified social credit code needs its "
                    "business registration number.",
                )
            )
            continue
        wanted.setdefault(key, _Wanted(key, ref)).rows.append(row)

    found = _find_existing(wanted)
    for key, (subject_id, name) in found.items():
        for row in wanted[key].rows:
            resolution.subject_ids[row.row_number] = subject_id
            _warn_if_renamed(row, item, name)
    missing = [w for k, w in wanted.items() if k not in found]
    if missing:
        _create(missing, item, resolution)
    return resolution


def _find_existing(wanted: dict[SubjectKey, _Wanted]) -> dict[SubjectKey, tuple[int, str]]:
    by_kind: dict[str, list[SubjectKey]] = {}
    for key in wanted:
        by_kind.setdefault(key[0], []).append(key)
    found: dict[SubjectKey, tuple[int, str]] = {}
    if codes := [k[1] for k in by_kind.get("uscc", ())]:
        for uscc, pk, name in _by_uscc(codes):
            found[("uscc", str(uscc))] = (pk, name)
    if people := by_kind.get("person", []):
        hashes = [k[2] for k in people]
        for id_type, id_hash, pk, name in Subject.objects.filter(
            id_number_hash__in=hashes
        ).values_list("id_type", "id_number_hash", "pk", "name"):
            found[("person", id_type, id_hash)] = (pk, name)
    if legacy := by_kind.get("legacy", []):
        values = [k[2] for k in legacy]
        for scheme, value, pk, name in SubjectIdentifier.objects.filter(
            value__in=values
        ).values_list("scheme", "value", "subject_id", "subject__name"):
            if ("legacy", scheme, value) in wanted:
                found[("legacy", scheme, value)] = (pk, name)
    return found


def _by_uscc(codes: list[str]) -> Iterable[tuple[str | None, int, str]]:
    """(uscc, id, name) of the subjects holding these codes."""
    if not use_copy():
        return Subject.objects.filter(uscc__in=codes).values_list("uscc", "pk", "name")
    # One array parameter instead of 2,000 placeholders, one index probe each
    # (see writers.probe_each).
    with connection.cursor() as cursor:
        cursor.execute(probe_each(Subject, ["uscc", "id", "name"], "uscc"), [codes])
        return list(cursor.fetchall())


def _warn_if_renamed(row: PreparedRow, item: Any, registered_name: str) -> None:
    reported = (row.subject.name or "").strip()
    if reported and registered_name and reported != registered_name:
        row.add_issue(
            issue(
                _field(item, "subject_name"),
                "SUBJECT_NAME_DIFFERS",
                f"主体名称“{reported}”与平台登记的名称“{registered_name}”不同，"
                "记录已关联到该主体；如主体已更名，请核实。",
                f"The subject name {reported!r} differs from the registered name "
                f"{registered_name!r}; the record is linked to that subject. Check whether "
                "the subject was renamed.",
                level="warning",
            )
        )


def _create(missing: list[_Wanted], item: Any, resolution: Resolution) -> None:
    """Create the subjects no look-up found, each after core's own checks
    (``check_create_subject``, ``check_legacy_identifiers``); a spec that fails them rejects
    its rows. Duplicates inside the chunk cannot occur (one spec per identity key), and the
    database was searched by ``_find_existing``: what a concurrent batch created meanwhile is
    caught by the unique constraints (the chunk is then retried)."""
    legacy_taken = _legacy_held(missing)
    seen_legacy: set[tuple[str, str]] = set()
    checked: list[tuple[_Wanted, SubjectSpec, dict[str, str], dict[str, str]]] = []
    for want in missing:
        ref = want.ref
        legacy: dict[str, str] = {}
        try:
            for scheme, value in check_legacy_identifiers(_legacy_of(ref)).items():
                if (scheme, value) in legacy_taken or (scheme, value) in seen_legacy:
                    for row in want.rows:
                        _warn_legacy_held(row, item, scheme, value)
                    continue
                legacy[scheme] = value
            spec = SubjectSpec(
                kind=ref.kind,
                name=ref.name or "",
                uscc=ref.uscc or None,
                id_type=ref.id_type or None,
                id_number=ref.id_number or None,
                legacy=legacy,
            )
            fields = check_create_subject(
                kind=spec.kind,
                name=spec.name,
                uscc=spec.uscc,
                id_type=spec.id_type,
                id_number=spec.id_number,
                legacy=spec.legacy,
                # The row's validation checked the code (catalog.validation).
                uscc_validated=True,
            )
        except CodedError as exc:
            for row in want.rows:
                _refuse(row, item, exc)
            continue
        seen_legacy.update(legacy.items())
        checked.append((want, spec, fields, legacy))
    if not checked:
        return
    subjects: list[Subject] = []
    for _want, spec, fields, _legacy in checked:
        id_number = fields.get("id_number", "")
        subjects.append(
            Subject(
                kind=spec.kind,
                name=spec.name.strip(),
                uscc=fields.get("uscc"),
                division=fields.get("division", ""),
                id_type=fields.get("id_type", ""),
                id_number_encrypted=crypto.encrypt(id_number) if id_number else "",
                id_number_hash=fields.get("id_number_hash", ""),
                id_number_masked=fields.get("id_number_masked", ""),
            )
        )
    created = insert_objects(Subject, subjects)
    names: list[SubjectName] = []
    identifiers: list[SubjectIdentifier] = []
    for subject, (want, spec, fields, legacy) in zip(created, checked, strict=True):
        assert subject.pk is not None, "the insert must give primary keys"
        names.append(SubjectName(subject=subject, name=subject.name))
        identifiers.extend(
            SubjectIdentifier(subject=subject, scheme=scheme, value=value)
            for scheme, value in legacy.items()
        )
        for row in want.rows:
            resolution.subject_ids[row.row_number] = subject.pk
            _warn_if_renamed(row, item, subject.name)
        resolution.snapshots.append(subject_snapshot(spec, fields, legacy))
    insert_objects(SubjectName, names)
    insert_objects(SubjectIdentifier, identifiers)
    resolution.created.extend(created)
    resolution.identifiers_created += len(identifiers)


def _legacy_held(missing: list[_Wanted]) -> set[tuple[str, str]]:
    """Legacy identifiers of the subjects to create that another subject already holds."""
    pairs: set[tuple[str, str]] = set()
    for want in missing:
        try:
            pairs.update(check_legacy_identifiers(_legacy_of(want.ref)).items())
        except CodedError:
            continue
    if not pairs:
        return set()
    values = sorted({v for _s, v in pairs})
    held = SubjectIdentifier.objects.filter(value__in=values).values_list("scheme", "value")
    return {p for p in held if p in pairs}


def _warn_legacy_held(row: PreparedRow, item: Any, scheme: str, value: str) -> None:
    label = LegacyScheme(scheme).label
    row.add_issue(
        issue(
            _field(item, scheme),
            "SUBJECT_LEGACY_ID_HELD",
            f"{label} {value} 已属于平台上的另一主体，未记录到新主体；请信用办核实是否为同一主体。",
            f"{scheme} {value} already belongs to another subject on the platform and was not "
            "recorded for the new subject; the credit office should check whether they are "
            "the same.",
            level="warning",
        )
    )
