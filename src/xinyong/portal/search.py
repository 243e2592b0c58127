"""The public subject search: any part of a name, or a code, ranked by relevance.

Why this exists: people find a company by the part of its name they remember ("某某科技" for
"杭州市某某科技有限公司") or by the code on a licence. Over a million subjects a substring
search must use an index, never scan and never count everything a common word matches
(docs/decisions/0060-name-search.md):

- PostgreSQL: ``name ILIKE '%…%'`` served by the ``pg_trgm`` GIN index (migration
  ``portal.0001``); queries of one or two characters (no trigram) by a GIN index of the
  name's one- and two-character pieces (``portal.0003``); prefixes by the
  ``varchar_pattern_ops`` index Django keeps for ``Subject.name``.
- SQLite: the FTS5 ``trigram`` table ``portal_subject_name_fts`` (queries of three characters
  or more); shorter queries read ``core_subject`` with ``LIMIT``.

Ranking, in ONE query: an exact code (unified social credit code, or a legacy registration
number, organisation code … of an organisation) first, then names that start with the query,
then names that contain it; inside each tier shorter names first, then by name. Each tier
reads at most :data:`CANDIDATES` rows, so a query that matches half the table costs the same
as one that matches ten; when a tier is cut the ranking is exact among the candidates read
and the page says that more subjects match. A natural person's ID number is never a search
key (it is stored only encrypted and hashed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.functional import cached_property

from xinyong.core.choices import LegacyScheme, SubjectKind

SEARCH_LIMIT = 20
#: Rows read per tier (prefix, substring) before ranking.
CANDIDATES = 200
#: A query that could be a code: letters and digits only (codes are stored upper-case).
CODE_LIKE = re.compile(r"^[0-9A-Z]{8,20}$")
#: FTS5 trigram needs three characters to use its index.
TRIGRAM = 3

_COLUMNS = "s.id, s.kind, s.name, s.uscc, s.id_number_masked"
_TIERS = {0: "code", 1: "prefix", 2: "substring"}


@dataclass(frozen=True)
class ListingBadge:
    """A list the subject is on now (public states only), for the status at a glance."""

    list_type_code: str
    name_zh: str
    name_en: str
    side: str  # "serious" | "red"
    measures_suspended: bool

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh


@dataclass
class SubjectHit:
    """One search result: only public columns (the masked ID number at most)."""

    id: int
    kind: str
    name: str
    uscc: str | None
    id_number_masked: str
    match: str  # "code" | "prefix" | "substring"
    listings: list[ListingBadge] = field(default_factory=list)
    public_records: int = 0

    @property
    def display_identifier(self) -> str:
        return self.uscc or self.id_number_masked or ""

    @property
    def ref(self) -> str:
        """The subject page's address part: the code when there is one, else the id."""
        return self.uscc or str(self.id)

    def get_kind_display(self) -> str:
        return str(SubjectKind(self.kind).label) if self.kind in SubjectKind.values else self.kind

    @cached_property
    def on_serious_list(self) -> bool:
        return any(b.side == "serious" for b in self.listings)


@dataclass(frozen=True)
class SubjectSearch:
    """A page of search results: at most ``limit`` subjects, and whether more matched."""

    query: str
    subjects: list[SubjectHit]
    truncated: bool


def normalize_query(raw: str) -> str:
    """Trim and collapse inner white space (names are pasted from documents)."""
    return " ".join(raw.split())


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    """An FTS5 phrase (double quotes doubled): with the trigram tokenizer it matches the
    text anywhere in the name."""
    return '"' + text.replace('"', '""') + '"'


def _code_arms(code: str | None) -> tuple[list[str], list[object]]:
    if code is None:
        return [], []
    schemes = list(LegacyScheme.values)
    marks = ", ".join(["%s"] * len(schemes))
    return (
        [
            f"SELECT {_COLUMNS}, 0 AS tier FROM core_subject s WHERE s.uscc = %s",  # noqa: S608 - constant SQL, values are parameters
            f"SELECT {_COLUMNS}, 0 AS tier FROM core_subjectidentifier i "  # noqa: S608 - constant SQL, values are parameters
            f"JOIN core_subject s ON s.id = i.subject_id "
            f"WHERE i.scheme IN ({marks}) AND i.value = %s",
        ],
        [code, *schemes, code],
    )


def _postgresql(query: str, code: str | None) -> tuple[list[str], list[object]]:
    arms, params = _code_arms(code)
    escaped = _like_escape(query)
    arms.append(f"(SELECT {_COLUMNS}, 1 AS tier FROM core_subject s WHERE s.name LIKE %s LIMIT %s)")  # noqa: S608 - constant SQL, values are parameters
    params += [f"{escaped}%", CANDIDATES]
    if len(query) >= TRIGRAM:
        # The pg_trgm GIN index (migration portal.0001).
        arms.append(
            f"(SELECT {_COLUMNS}, 2 AS tier FROM core_subject s WHERE s.name ILIKE %s LIMIT %s)"  # noqa: S608 - constant SQL, values are parameters
        )
        params += [f"%{escaped}%", CANDIDATES]
    else:
        # One or two characters have no trigram: the index of one- and two-character
        # pieces (migration portal.0003), the ILIKE rechecking the case-folded match.
        arms.append(
            f"(SELECT {_COLUMNS}, 2 AS tier FROM core_subject s "  # noqa: S608 - constant SQL, values are parameters
            f"WHERE portal_name_grams(s.name) @> ARRAY[lower(%s)] AND s.name ILIKE %s "
            f"LIMIT %s)"
        )
        params += [query, f"%{escaped}%", CANDIDATES]
    return arms, params


def _sqlite(query: str, code: str | None) -> tuple[list[str], list[object]]:
    arms, params = _code_arms(code)
    # A prefix is a range of the name index (binary collation).
    arms.append(
        f"SELECT * FROM (SELECT {_COLUMNS}, 1 AS tier FROM core_subject s "  # noqa: S608 - constant SQL, values are parameters
        f"WHERE s.name >= %s AND s.name < %s LIMIT %s)"
    )
    params += [query, query + "\U0010ffff", CANDIDATES]
    if len(query) >= TRIGRAM:
        arms.append(
            f"SELECT * FROM (SELECT {_COLUMNS}, 2 AS tier FROM core_subject s WHERE s.id IN ("  # noqa: S608 - constant SQL, values are parameters
            f"SELECT rowid FROM portal_subject_name_fts WHERE portal_subject_name_fts MATCH %s "
            f"LIMIT %s))"
        )
        params += [_fts_phrase(query), CANDIDATES]
    else:
        arms.append(
            f"SELECT * FROM (SELECT {_COLUMNS}, 2 AS tier FROM core_subject s "  # noqa: S608 - constant SQL, values are parameters
            f"WHERE instr(upper(s.name), upper(%s)) > 0 LIMIT %s)"
        )
        params += [query, CANDIDATES]
    return arms, params


def candidate_sql(query: str, *, limit: int) -> tuple[str, list[object]]:
    """The one ranking query for ``query`` (normalised) on the current database."""
    upper = query.upper()
    code = upper if CODE_LIKE.match(upper) else None
    build = _postgresql if connection.vendor == "postgresql" else _sqlite
    arms, params = build(query, code)
    length = "char_length" if connection.vendor == "postgresql" else "length"
    sql = (
        "SELECT id, kind, name, uscc, id_number_masked, MIN(tier) AS tier FROM ("  # noqa: S608 - constant SQL, values are parameters
        + " UNION ALL ".join(arms)
        + ") c GROUP BY id, kind, name, uscc, id_number_masked "
        + f"ORDER BY MIN(tier), {length}(name), name, id LIMIT %s"
    )
    return sql, [*params, limit]


def rank_subjects(query: str, *, limit: int) -> list[SubjectHit]:
    """At most ``limit`` subjects matching the normalised ``query``, best first."""
    sql, params = candidate_sql(query, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        rows = cursor.fetchall()
    return [
        SubjectHit(
            id=row[0],
            kind=row[1],
            name=row[2],
            uscc=row[3],
            id_number_masked=row[4] or "",
            match=_TIERS[int(row[5])],
        )
        for row in rows
    ]


def search_subjects(
    raw_query: str, *, limit: int = SEARCH_LIMIT, with_status: bool = True
) -> SubjectSearch:
    """Subjects matching ``raw_query`` (name part or code), at most ``limit``, best first.

    One query for the ranking (``limit + 1`` rows tell whether more matched, nothing is
    counted); with ``with_status`` two more for the status at a glance of the page's
    subjects (lists they are on, number of records published now).
    """
    query = normalize_query(raw_query)
    if not query:
        return SubjectSearch(query="", subjects=[], truncated=False)
    hits = rank_subjects(query, limit=limit + 1)
    truncated = len(hits) > limit
    hits = hits[:limit]
    if with_status and hits:
        from xinyong.portal.queries import attach_status

        attach_status(hits)
    return SubjectSearch(query=query, subjects=hits, truncated=truncated)


def trigram_ready() -> bool:
    """Whether the database can index Chinese names with trigrams.

    PostgreSQL: ``pg_trgm`` extracts trigrams from a Chinese name only under a UTF-8
    LC_CTYPE (``show_trgm('某某科技')`` is empty under ``C``). SQLite: FTS5's trigram
    tokenizer does not depend on a locale.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_length(show_trgm(%s), 1)", ["某某科技"])
        row = cursor.fetchone()
    return bool(row and row[0])
