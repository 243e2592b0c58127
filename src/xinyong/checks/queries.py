"""What the platform answers to a check, computed for many subjects at once.

Why this exists: a department asks "may I grant matter M to subject S?" one subject at a
time (``GET /api/v1/checks``) or ten thousand at a time (a procurement platform screening
its bidders, ``POST /api/v1/checks/batch``). Both go through the same set-based functions
here, so that a batch costs a handful of queries per few thousand subjects, never one
check per subject:

1. :func:`classify` — validate each code (``xinyong.core.identifiers``) with a fast path for
   well-formed unified social credit codes that gives exactly the verdict of the full
   validation (tested against it);
2. :func:`find_subjects` — the subjects, by code, ID-number hash or legacy identifier;
3. :func:`effective_listings` — the listing cases in legal effect on the day, with their
   decision number and whether their measures are suspended on that day;
4. :func:`evaluate` — the measures of those listings that concern the matter and are on a
   measure list in force (RULES §5: no measure outside the list), applied or suspended,
   and the answer.

Which measures follow from a listing: those the listing decision stated (the snapshot the
decision took from the memoranda in force on the decision date, ``measures_snapshot``) and
that are still on a measure list in force on the day asked about
(docs/decisions/0030-check-answer-rules.md).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import mul
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import translation

from xinyong.checks.choices import Answer, MeasureState
from xinyong.checks.errors import MatterUnknown
from xinyong.core import crypto, identifiers
from xinyong.core.choices import DepartmentKind
from xinyong.core.db import hot_cursor
from xinyong.core.identifiers import IdentifierScheme
from xinyong.core.models import Subject, SubjectIdentifier
from xinyong.lists.choices import CaseState, DocumentKind
from xinyong.lists.models import SuspensionInterval
from xinyong.measures.choices import Matter, MeasureSide
from xinyong.measures.models import Measure
from xinyong.policy.models import in_force_q
from xinyong.security.models import AccessRecord

#: Rows per query when looking many subjects up (well under SQLite's variable limit).
CHUNK = 5000

# --------------------------------------------------------------------------------------------
# Matters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureCatalogue:
    """The measure list in force on a day: measure codes and the matters they name."""

    on: date
    codes: frozenset[str]
    matters: frozenset[str]


#: Seconds a process keeps the measure catalogue of a day (``XINYONG_CHECK_CATALOGUE_TTL``;
#: 5 by default, 0 — no cache — in the test environment). A measure-list edition loaded or
#: retired is seen by checks within that time (docs/decisions/0030-check-answer-rules.md).
_CATALOGUE: dict[date, tuple[float, MeasureCatalogue]] = {}


def _catalogue_ttl() -> float:
    default = "0" if getattr(settings, "ENVIRONMENT", "") == "test" else "5"
    return float(os.environ.get("XINYONG_CHECK_CATALOGUE_TTL", default))


def measure_catalogue(*, on: date) -> MeasureCatalogue:
    """Every measure on a list in force on ``on`` with its matters (one query, or none when
    this process read it less than ``XINYONG_CHECK_CATALOGUE_TTL`` seconds ago)."""
    ttl = _catalogue_ttl()
    now = time.monotonic()
    hit = _CATALOGUE.get(on)
    if ttl > 0 and hit is not None and now - hit[0] < ttl:
        return hit[1]
    catalogue = _read_catalogue(on)
    if ttl > 0:
        if len(_CATALOGUE) > 32:
            _CATALOGUE.clear()
        _CATALOGUE[on] = (now, catalogue)
    return catalogue


def _read_catalogue(on: date) -> MeasureCatalogue:
    codes: set[str] = set()
    matters: set[str] = set()
    for code, items in Measure.objects.filter(in_force_q(on, "edition__")).values_list(
        "code", "matters"
    ):
        codes.add(code)
        matters.update(items or ())
    return MeasureCatalogue(on, frozenset(codes), frozenset(matters))


@lru_cache(maxsize=256)
def matter_label(code: str) -> tuple[str, str]:
    """(Chinese, English) name of a matter code (the code itself if it has no label); the
    labels are code constants, so a process keeps them."""
    if code not in Matter.values:
        return code, code
    with translation.override("zh-hans"):
        zh = str(Matter(code).label)
    with translation.override("en"):
        en = str(Matter(code).label)
    return zh, en


def check_matter(matter: str, catalogue: MeasureCatalogue, *more: MeasureCatalogue) -> str:
    """``matter`` if a measure on a list in force names it (matters are policy data: the
    measure list's ``matters`` column); ``CHECK_MATTER_UNKNOWN`` otherwise."""
    matter = (matter or "").strip()
    known = set(catalogue.matters).union(*(c.matters for c in more))
    if matter in known:
        return matter
    raise MatterUnknown(
        message_zh=(
            f"事项 {matter!r} 不在 {catalogue.on.isoformat()} 有效的措施清单中"
            f"（可选：{', '.join(sorted(known))}）。"
        ),
        message_en=(
            f"matter {matter!r} is named by no measure on a list in force on "
            f"{catalogue.on.isoformat()} (known: {', '.join(sorted(known))})."
        ),
        matter=matter,
        known=sorted(known),
    )


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------

_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_USCC_VALUE = {c: i for i, c in enumerate(identifiers.USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DIGITS = frozenset("0123456789")
_EARLIEST_BIRTH = date(1900, 1, 1)

#: Natural-person schemes and their ID type codes (PersonIdType); looked up by keyed hash.
_PERSON_ID_TYPES = {scheme: code for code, scheme in identifiers.ID_TYPE_CODES.items()}
#: Legacy organisation identifiers, looked up in SubjectIdentifier.
_LEGACY = frozenset(
    {
        IdentifierScheme.ORG_CODE,
        IdentifierScheme.BUSINESS_REG_NO,
        IdentifierScheme.TAX_REG_NO,
        IdentifierScheme.PUBLIC_INSTITUTION_CERT,
        IdentifierScheme.SOCIAL_ORG_CERT,
    }
)


@dataclass(frozen=True)
class Classified:
    """One code as given: its scheme and normalised form, valid or not (with the first
    error of its identifier rule)."""

    raw: str
    normalized: str
    scheme: IdentifierScheme
    valid: bool
    error_code: str = ""
    error_zh: str = ""
    error_en: str = ""

    @property
    def personal(self) -> bool:
        return self.scheme in identifiers.PERSONAL_SCHEMES

    @property
    def shown(self) -> str:
        """What may be stored and shown: a person's number masked (also a mistyped one that
        looks like a person's number), other codes in full."""
        if self.personal:
            return identifiers.mask_identifier(self.normalized, self.scheme)
        return self.normalized


def _dated(norm: str) -> bool:
    """Exactly ``identifiers.guess_scheme``'s test that positions 7–14 are a birth date."""
    try:
        born = date(int(norm[6:10]), int(norm[10:12]), int(norm[12:14]))
    except ValueError:
        return False
    return born >= _EARLIEST_BIRTH


def _fast_uscc(norm: str) -> bool:
    """True when ``norm`` is a USCC that ``guess_scheme`` takes for one and that
    ``validate_uscc`` accepts (no error): the alphabet, the check character, a known
    authority and type, six digits of division. False means "ask the full validation"."""
    if not _USCC_SHAPE.fullmatch(norm):
        return False
    if set(norm[:17]) <= _DIGITS and (norm[17] in _DIGITS or norm[17] == "X") and _dated(norm):
        return False  # might be a resident ID number: let guess_scheme decide
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, norm[:17]), _USCC_WEIGHTS))
    if identifiers.USCC_ALPHABET[(31 - total % 31) % 31] != norm[17]:
        return False
    authority = identifiers.USCC_AUTHORITIES.get(norm[0])
    if authority is None or norm[1] not in authority.types:
        return False
    return set(norm[2:8]) <= _DIGITS


def classify(raw: str, scheme: str | None = None) -> Classified:
    """Validate one code. Without ``scheme`` the scheme is guessed (passports and Taiwan
    permits cannot be guessed: name the scheme for them)."""
    if scheme is None and raw and _fast_uscc(raw):  # already normalised: skip normalize()
        return Classified(raw, raw, IdentifierScheme.USCC, True)
    norm = identifiers.normalize(raw or "")
    if scheme is None and _fast_uscc(norm):
        return Classified(raw, norm, IdentifierScheme.USCC, True)
    kind: IdentifierScheme | None
    if scheme is None:
        kind = identifiers.guess_scheme(norm)
    elif scheme.strip().lower() in {s.value for s in IdentifierScheme}:
        kind = IdentifierScheme(scheme.strip().lower())
    else:
        kind = identifiers.ID_TYPE_CODES.get(scheme.strip())
    if kind is None:
        return Classified(
            raw,
            norm,
            IdentifierScheme.USCC,
            False,
            "CHECK_SCHEME_UNKNOWN",
            f"未知的证件类型 {scheme!r}（可选：{', '.join(s.value for s in IdentifierScheme)}）",
            f"unknown identifier scheme {scheme!r} "
            f"(known: {', '.join(s.value for s in IdentifierScheme)})",
        )
    result = identifiers.validate(norm, kind)
    if result.valid:
        return Classified(raw, result.normalized, kind, True)
    issue = result.errors[0]
    return Classified(
        raw, result.normalized, kind, False, issue.code, issue.message_zh, issue.message_en
    )


# --------------------------------------------------------------------------------------------
# Subjects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRow:
    pk: int
    name: str
    kind: str


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _one_of(model: type[models.Model], name: str, values: Iterable[Any], sql_type: str) -> Q | Any:
    """``name IN values`` — on PostgreSQL as ``= ANY(%s::type[])`` with one array parameter:
    a 5,000-value ``IN`` list costs more to build and to send than to run."""
    values = list(values)
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__in": values})
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    column = field.column
    table = model._meta.db_table
    # Identifiers from the model's metadata; the values travel as one bound parameter.
    return RawSQL(  # noqa: S611
        f'"{table}"."{column}" = ANY(%s::{sql_type}[])', (values,), output_field=BooleanField()
    )


def find_subjects(items: Sequence[Classified]) -> list[SubjectRow | None]:
    """The subject of each valid code (None when unknown or invalid), in order. A few
    queries per ``CHUNK`` codes of each kind: USCC, a person's number (by its keyed hash,
    never in clear), a legacy identifier."""
    by_uscc: dict[str, list[int]] = defaultdict(list)
    by_hash: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_legacy: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if not item.valid:
            continue
        if item.scheme == IdentifierScheme.USCC:
            by_uscc[item.normalized].append(i)
        elif item.scheme in _PERSON_ID_TYPES:
            id_type = _PERSON_ID_TYPES[item.scheme]
            digest = crypto.lookup_hash(f"id{id_type}", item.normalized)
            by_hash[(id_type, digest)].append(i)
        elif item.scheme in _LEGACY:
            by_legacy[(item.scheme.value, item.normalized)].append(i)
    found: list[SubjectRow | None] = [None] * len(items)
    fields = ("pk", "name", "kind")
    for chunk in _chunks(list(by_uscc)):
        for uscc, pk, name, kind in Subject.objects.filter(
            _one_of(Subject, "uscc", chunk, "text")
        ).values_list("uscc", *fields):
            for i in by_uscc[uscc]:
                found[i] = SubjectRow(pk, name, kind)
    hashes = list(by_hash)
    for chunk in _chunks(hashes):
        wanted = {digest for _, digest in chunk}
        for id_type, digest, pk, name, kind in Subject.objects.filter(
            _one_of(Subject, "id_number_hash", wanted, "text")
        ).values_list("id_type", "id_number_hash", *fields):
            for i in by_hash.get((id_type, digest), ()):
                found[i] = SubjectRow(pk, name, kind)
    legacy = list(by_legacy)
    for chunk in _chunks(legacy):
        values = {value for _, value in chunk}
        for scheme, value, pk, name, kind in SubjectIdentifier.objects.filter(
            value__in=values
        ).values_list("scheme", "value", "subject__pk", "subject__name", "subject__kind"):
            for i in by_legacy.get((scheme, value), ()):
                found[i] = SubjectRow(pk, name, kind)
    return found


# --------------------------------------------------------------------------------------------
# Listings in legal effect
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingRow:
    """A listing case in legal effect on the day asked about."""

    case_id: int
    subject_id: int
    list_type: str
    list_type_name_zh: str
    list_type_name_en: str
    side: str
    state: str
    decision_number: str
    decision_date: date | None
    basis_document_type: str
    basis_document_number: str
    department_code: str
    department_name: str
    listed_on: date | None
    term_end: date | None
    removed_on: date | None
    removal_reason: str
    suspended: bool
    suspended_since: date | None
    measures: list[dict[str, Any]]

    @property
    def reference(self) -> str:
        return f"LC-{self.case_id:06d}"


def in_effect_q(on: date) -> Q:
    """Cases whose listing has legal effect on ``on``: entered on or before it, not removed
    by then, and within the term — or suspended, because a pending objection stops the term
    (seed 004: the term resumes from the rejection; docs/decisions/0021)."""
    return (
        Q(state__in=(CaseState.LISTED, CaseState.SUSPENDED, CaseState.REMOVED))
        & Q(listed_on__lte=on)
        & (Q(removed_on__isnull=True) | Q(removed_on__gt=on))
        & (Q(term_end__gte=on) | Q(state=CaseState.SUSPENDED, suspended_since__lte=on))
    )


def suspended_on_q(on: date) -> Exists:
    """The case's measures are suspended on ``on``: an objection against the listing was
    received on or before it and not yet answered then (``until`` is the answer day, on
    which the measures apply again or the listing ends)."""
    return Exists(
        SuspensionInterval.objects.filter(case=OuterRef("pk"), since__lte=on).filter(
            Q(until__isnull=True) | Q(until__gt=on)
        )
    )


# Raw SQL, because this is the hot path of every check (hundreds a second): built by the
# ORM, the listings query (two sub-queries, three joins, twenty columns) cost ~3 ms of Python
# per call to compile, more than running it. The statement is the one ``in_effect_q`` and
# ``suspended_on_q`` describe (a test compares the two); values travel as parameters, the
# names are the models' tables and columns.
_LISTING_SELECT = """
    c.id, c.subject_id, c.list_type_code, lt.name_zh, lt.name_en, lt.side, c.state,
    (SELECT d.number FROM lists_listingdocument d
      WHERE d.case_id = c.id AND d.kind = %s ORDER BY d.id DESC LIMIT 1),
    c.decision_date, c.basis_document_type, c.basis_document_number, dep.code, dep.name,
    c.listed_on, c.term_end, c.removed_on, c.removal_reason,
    EXISTS (SELECT 1 FROM lists_suspensioninterval si WHERE si.case_id = c.id
            AND si.since <= %s AND (si.until IS NULL OR si.until > %s)),
    c.suspended_since, {snapshot}"""
#: PostgreSQL sends only the snapshot's measures that name the matter asked about: a decision's
#: snapshot lists every measure of its memoranda (a few kilobytes of JSON), and decoding 5,000
#: of them cost more than the rest of a batch's listings query. ``evaluate`` filters the same
#: way (by matter, then by the measure list in force), so the answer does not change.
_SNAPSHOT_FOR_MATTER = (
    "jsonb_path_query_array(c.measures_snapshot, '$[*] ? (@.matters[*] == $m)', "
    "jsonb_build_object('m', %s::text))"
)
_LISTING_JOINS = """
    JOIN lists_listtype lt ON lt.id = c.list_type_id
    JOIN core_department dep ON dep.id = c.initiating_department_id"""
_IN_EFFECT_SQL = """c.state IN (%s, %s, %s) AND c.listed_on <= %s
    AND (c.removed_on IS NULL OR c.removed_on > %s)
    AND (c.term_end >= %s OR (c.state = %s AND c.suspended_since <= %s))"""


def _sql_day(on: date) -> Any:
    """A day as a parameter: SQLite compares ISO text."""
    return on if connection.vendor == "postgresql" else on.isoformat()


def _listing_select(matter: str | None) -> tuple[str, list[Any]]:
    """``_LISTING_SELECT`` with its snapshot column (narrowed to ``matter`` on PostgreSQL)."""
    if matter is not None and connection.vendor == "postgresql":
        return _LISTING_SELECT.format(snapshot=_SNAPSHOT_FOR_MATTER), [matter]
    return _LISTING_SELECT.format(snapshot="c.measures_snapshot"), []


def _listing_params(on: date) -> tuple[list[Any], list[Any]]:
    """Parameters of ``_LISTING_SELECT`` (before the snapshot's) and of ``_IN_EFFECT_SQL``."""
    day = _sql_day(on)
    select = [DocumentKind.DECISION.value, day, day]
    where = [
        CaseState.LISTED.value,
        CaseState.SUSPENDED.value,
        CaseState.REMOVED.value,
        day,
        day,
        day,
        CaseState.SUSPENDED.value,
        day,
    ]
    return select, where


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _listing_row(row: Sequence[Any]) -> ListingRow:
    (pk, sid, code, name_zh, name_en, side, state, number, decided, basis_type,
     basis_no, dep_code, dep_name, listed_on, term_end, removed_on, reason,
     suspended, since, measures) = row  # fmt: skip
    if isinstance(measures, str):  # SQLite gives JSON as text
        measures = json.loads(measures)
    return ListingRow(
        case_id=pk,
        subject_id=sid,
        list_type=code,
        list_type_name_zh=name_zh,
        list_type_name_en=name_en,
        side=side,
        state=state,
        decision_number=number or "",
        decision_date=_as_date(decided),
        basis_document_type=basis_type,
        basis_document_number=basis_no,
        department_code=dep_code,
        department_name=dep_name,
        listed_on=_as_date(listed_on),
        term_end=_as_date(term_end),
        removed_on=_as_date(removed_on),
        removal_reason=reason,
        suspended=bool(suspended),
        suspended_since=_as_date(since) if suspended else None,
        measures=list(measures or ()),
    )


def effective_listings(
    subject_ids: Iterable[int], *, on: date, matter: str | None = None, chunk: int = CHUNK
) -> dict[int, list[ListingRow]]:
    """Listing cases in legal effect on ``on`` for each subject (one query per ``CHUNK``
    subjects), with the decision's document number and the suspension on that day; with
    ``matter``, their measures may be narrowed to those naming it."""
    result: dict[int, list[ListingRow]] = defaultdict(list)
    ids = sorted(set(subject_ids))
    select, where = _listing_params(on)
    columns, more = _listing_select(matter)
    select = [*select, *more]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for part in _chunks(ids, chunk):
            if postgres:
                among = "c.subject_id = ANY(string_to_array(%s, ',')::bigint[])"
                values = [",".join(map(str, part))]
            else:
                among, values = f"c.subject_id IN ({', '.join(['%s'] * len(part))})", list(part)
            cursor.execute(
                f"SELECT {columns} FROM lists_listingcase c {_LISTING_JOINS} "  # noqa: S608
                f"WHERE {among} AND {_IN_EFFECT_SQL} ORDER BY c.subject_id, c.id",
                [*select, *values, *where],
            )
            for row in cursor.fetchall():
                listing = _listing_row(row)
                result[listing.subject_id].append(listing)
    return result


#: Codes or subject ids per query of ``_subjects_with_listings`` (one array parameter each).
BIG_CHUNK = 100_000


def _subjects_with_listings(
    items: Sequence[Classified], *, on: date, matter: str
) -> tuple[list[SubjectRow | None], dict[int, list[ListingRow]]]:
    """PostgreSQL: ``find_subjects`` and ``effective_listings`` in big pieces. The USCCs
    (nearly every code of a batch) as one array per ``BIG_CHUNK`` codes, then the listings
    of all subjects found as one array: a 100,000-code batch in two queries instead of
    forty (measured: 1.3 s instead of 5 s; one query joining both was planned badly);
    other codes (persons' numbers, legacy identifiers) the usual way."""
    by_uscc: dict[str, list[int]] = defaultdict(list)
    rest: list[int] = []
    for i, item in enumerate(items):
        if item.valid and item.scheme == IdentifierScheme.USCC:
            by_uscc[item.normalized].append(i)
        elif item.valid:
            rest.append(i)
    found: list[SubjectRow | None] = [None] * len(items)
    listings: dict[int, list[ListingRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Big statements: the JIT compiler would spend more than the queries take.
            cursor.execute("SET LOCAL jit = off")
        for chunk in _chunks(list(by_uscc), BIG_CHUNK):
            # The codes as one comma-joined text (a valid USCC has no comma): adapting a
            # 100,000-element array costs psycopg ~0.2 s, one string nothing.
            cursor.execute(
                "SELECT uscc, id, name, kind FROM core_subject "
                "WHERE uscc = ANY(string_to_array(%s, ','))",
                [",".join(chunk)],
            )
            for code, pk, name, kind in cursor.fetchall():
                subject = SubjectRow(pk, name, kind)
                for i in by_uscc[code]:
                    found[i] = subject
    listings.update(
        effective_listings(
            (s.pk for s in found if s is not None), on=on, matter=matter, chunk=BIG_CHUNK
        )
    )
    if rest:
        others = find_subjects([items[i] for i in rest])
        for i, other in zip(rest, others, strict=True):
            found[i] = other
        more_listings = effective_listings(
            (s.pk for s in others if s is not None), on=on, matter=matter
        )
        for pk, rows in more_listings.items():
            listings[pk] = rows
    return found, listings


class Found(NamedTuple):
    """A single check's read: the subject (None: not known), its listings in effect, and the
    value of the read's ``extra_select`` (None without one)."""

    subject: SubjectRow | None
    listings: list[ListingRow]
    extra: Any = None


def subject_and_listings(
    item: Classified,
    *,
    on: date,
    extra_select: str = "",
    extra_params: Sequence[Any] = (),
    matter: str | None = None,
) -> Found | None:
    """One valid code's subject and its listings in effect on ``on`` in ONE query (a single
    check's read); None when the code is of a kind looked up elsewhere (legacy identifiers).
    ``extra_select`` is an SQL expression evaluated with the query, its parameters
    ``extra_params`` (the confirmation of a token kept in memory, saving a round trip); its
    value is ``Found.extra``."""
    if item.scheme == IdentifierScheme.USCC:
        match, values = "s.uscc = %s", [item.normalized]
    elif item.scheme in _PERSON_ID_TYPES:
        id_type = _PERSON_ID_TYPES[item.scheme]
        match = "s.id_number_hash = %s AND s.id_type = %s"
        values = [crypto.lookup_hash(f"id{id_type}", item.normalized), id_type]
    else:
        return None
    select, where = _listing_params(on)
    columns, more = _listing_select(matter)
    select = [*select, *more]
    extra = f", {extra_select}" if extra_select else ""
    # The subject row is always returned (LEFT JOIN); an unknown code returns no row — or,
    # with extra_select, one row of NULLs so that the expression is still evaluated.
    source = (
        f"(SELECT 1 AS one) x LEFT JOIN core_subject s ON {match}" if extra else
        "core_subject s"
    )  # fmt: skip
    sql = (
        f"SELECT s.id, s.name, s.kind, {columns}{extra} FROM {source} "  # noqa: S608
        f"LEFT JOIN (lists_listingcase c {_LISTING_JOINS}) "
        f"ON c.subject_id = s.id AND {_IN_EFFECT_SQL} "
        + ("" if extra else f"WHERE {match} ")
        + "ORDER BY s.id, c.id"
    )
    params = [
        *select,
        *(extra_params if extra else []),
        *(values if extra else []),
        *where,
        *([] if extra else values),
    ]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    subject: SubjectRow | None = None
    listings: list[ListingRow] = []
    value = rows[0][-1] if extra and rows else None
    for row in rows:
        if row[0] is None:
            continue
        if subject is None:
            subject = SubjectRow(row[0], row[1], row[2])
        elif row[0] != subject.pk:
            break
        if row[3] is not None:
            listings.append(_listing_row(row[3:23]))
    return Found(subject, listings, value)


# --------------------------------------------------------------------------------------------
# The answer
# --------------------------------------------------------------------------------------------


def implementing_body_zh(kinds: Iterable[str], codes: Iterable[str]) -> str:
    """The implementing body in words (department kinds, then named departments)."""
    return _body_zh(tuple(kinds), tuple(codes))


@lru_cache(maxsize=256)
def _body_zh(kinds: tuple[str, ...], codes: tuple[str, ...]) -> str:
    known = set(DepartmentKind.values)
    with translation.override("zh-hans"):
        labels = [str(DepartmentKind(k).label) if k in known else k for k in kinds]
    return "、".join([*labels, *codes])


@dataclass
class MeasureOutcome:
    """One measure that concerns the matter, from one listing, applied or suspended."""

    code: str
    name_zh: str
    name_en: str
    side: str
    state: str
    legal_basis: str
    implementing_department_kinds: list[str]
    implementing_department_codes: list[str]
    memoranda: list[dict[str, str]]
    case_id: int
    unconfirmed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "side": self.side,
            "state": self.state,
            "legal_basis": self.legal_basis,
            "implementing_body_zh": implementing_body_zh(
                self.implementing_department_kinds, self.implementing_department_codes
            ),
            "implementing_department_kinds": list(self.implementing_department_kinds),
            "implementing_department_codes": list(self.implementing_department_codes),
            "memoranda": [dict(m) for m in self.memoranda],
            "case_id": self.case_id,
            "unconfirmed": self.unconfirmed,
        }


@dataclass
class SubjectAnswer:
    """The answer about one code."""

    position: int
    classified: Classified
    subject: SubjectRow | None
    answer: str
    measures: list[MeasureOutcome] = field(default_factory=list)
    listings: list[ListingRow] = field(default_factory=list)

    @property
    def subject_known(self) -> bool:
        return self.subject is not None

    @property
    def objection_pending(self) -> bool:
        return any(listing.suspended for listing in self.listings)

    @property
    def applied_codes(self) -> list[str]:
        return sorted({m.code for m in self.measures if m.state == MeasureState.APPLIED})

    @property
    def suspended_codes(self) -> list[str]:
        return sorted({m.code for m in self.measures if m.state == MeasureState.SUSPENDED})

    def listing_dict(self, listing: ListingRow) -> dict[str, Any]:
        return {
            "case_id": listing.case_id,
            "reference": listing.reference,
            "list_type": listing.list_type,
            "list_type_name_zh": listing.list_type_name_zh,
            "list_type_name_en": listing.list_type_name_en,
            "side": listing.side,
            "state": listing.state,
            "decision_number": listing.decision_number,
            "decision_date": listing.decision_date,
            "basis_document_type": listing.basis_document_type,
            "basis_document_number": listing.basis_document_number,
            "initiating_department_code": listing.department_code,
            "initiating_department_name": listing.department_name,
            "listed_on": listing.listed_on,
            "term_end": listing.term_end,
            "removed_on": listing.removed_on,
            "removal_reason": listing.removal_reason,
            "measures_suspended": listing.suspended,
            "suspended_since": listing.suspended_since,
            "objection_pending": listing.suspended,
        }

    def detail(self) -> dict[str, Any] | None:
        """What is stored with the answer line (None for a plain "clear")."""
        if not self.classified.valid:
            return {
                "error": {
                    "code": self.classified.error_code,
                    "message_zh": self.classified.error_zh,
                    "message_en": self.classified.error_en,
                }
            }
        if not self.measures:
            return None
        return {
            "objection_pending": self.objection_pending,
            "measures": [m.as_dict() for m in self.measures],
            "listings": [self.listing_dict(x) for x in self.listings],
        }


def evaluate(
    position: int,
    item: Classified,
    subject: SubjectRow | None,
    listings: Sequence[ListingRow],
    *,
    matter: str,
    catalogue: MeasureCatalogue,
) -> SubjectAnswer:
    """The answer for one code from its listings in effect: restricted when a dishonesty
    measure on the matter applies; incentive when none does but an incentive does; clear
    otherwise. Suspended measures are reported, never applied (seed 004)."""
    if not item.valid:
        return SubjectAnswer(position, item, subject, Answer.INVALID)
    if not listings:
        return SubjectAnswer(position, item, subject, Answer.CLEAR)
    outcomes: list[MeasureOutcome] = []
    relevant: list[ListingRow] = []
    for listing in listings:
        found = False
        for m in listing.measures:
            if matter not in (m.get("matters") or ()) or m.get("code") not in catalogue.codes:
                continue
            found = True
            outcomes.append(
                MeasureOutcome(
                    code=m["code"],
                    name_zh=m.get("name_zh", ""),
                    name_en=m.get("name_en", ""),
                    side=m.get("side", MeasureSide.PUNISHMENT),
                    state=MeasureState.SUSPENDED if listing.suspended else MeasureState.APPLIED,
                    legal_basis=m.get("legal_basis", ""),
                    implementing_department_kinds=list(m.get("implementing_department_kinds", [])),
                    implementing_department_codes=list(m.get("implementing_department_codes", [])),
                    memoranda=list(m.get("memoranda", [])),
                    case_id=listing.case_id,
                    unconfirmed=bool(m.get("unconfirmed", False)),
                )
            )
        if found:
            relevant.append(listing)
    applied = [m for m in outcomes if m.state == MeasureState.APPLIED]
    if any(m.side == MeasureSide.PUNISHMENT for m in applied):
        answer = Answer.RESTRICTED
    elif any(m.side == MeasureSide.INCENTIVE for m in applied):
        answer = Answer.INCENTIVE
    else:
        answer = Answer.CLEAR
    return SubjectAnswer(position, item, subject, answer, outcomes, relevant)


def answer_all(
    items: Sequence[Classified], *, matter: str, on: date, catalogue: MeasureCatalogue
) -> list[SubjectAnswer]:
    """Every code's answer for ``matter`` on ``on``, set-based (see the module docstring)."""
    if connection.vendor == "postgresql":
        subjects, listings = _subjects_with_listings(items, on=on, matter=matter)
    else:
        subjects = find_subjects(items)
        listings = effective_listings(
            (s.pk for s in subjects if s is not None), on=on, matter=matter
        )
    return [
        evaluate(
            i,
            item,
            subject,
            listings.get(subject.pk, ()) if subject is not None else (),
            matter=matter,
            catalogue=catalogue,
        )
        for i, (item, subject) in enumerate(zip(items, subjects, strict=True))
    ]


def answer_one(
    item: Classified,
    *,
    matter: str,
    on: date,
    catalogue: MeasureCatalogue,
    extra_select: str = "",
    extra_params: Sequence[Any] = (),
) -> tuple[SubjectAnswer, bool, Any]:
    """One code's answer, in one query for a USCC or a person's number (the single check's
    hot path), else as ``answer_all``; whether ``extra_select`` was evaluated (with
    ``extra_params``), and its value."""
    found = (
        subject_and_listings(
            item, on=on, extra_select=extra_select, extra_params=extra_params, matter=matter
        )
        if item.valid
        else None
    )
    if found is None:
        return answer_all([item], matter=matter, on=on, catalogue=catalogue)[0], False, None
    answer = evaluate(0, item, found.subject, found.listings, matter=matter, catalogue=catalogue)
    return answer, bool(extra_select), found.extra


def register_entry(check: Any) -> AccessRecord | None:
    """The query-register row a check wrote (in its transaction, just after the check)."""
    return (
        AccessRecord.objects.filter(
            accessed_at__gte=check.checked_at,
            accessed_at__lt=check.checked_at + timedelta(minutes=10),
            object_type="checks.check",
            object_id=str(check.public_id),
        )
        .order_by("pk")
        .first()
    )
