"""Reads of public subject data for the portal (and, later, the public API).

Only what may be shown to the public leaves here: results are ``Subject`` rows whose
``display_identifier`` is the unified social credit code or the masked ID number. The
encrypted ID number and its look-up hash are never loaded (``.only``), so a template cannot
print them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from xinyong.core.models import Subject

SEARCH_LIMIT = 20
# The columns a public search result may use: what ``display_identifier`` and
# ``get_kind_display`` read, and nothing personal beyond the masked ID number.
PUBLIC_SUBJECT_FIELDS = ("id", "kind", "name", "uscc", "id_number_masked")


@dataclass(frozen=True)
class SubjectSearch:
    """A page of search results: at most ``limit`` subjects, and whether more matched."""

    query: str
    subjects: list[Subject]
    truncated: bool


def normalize_query(raw: str) -> str:
    """Trim and collapse inner white space (names are pasted from documents)."""
    return " ".join(raw.split())


def search_subjects(raw_query: str, *, limit: int = SEARCH_LIMIT) -> SubjectSearch:
    """Subjects whose name contains the query, or whose USCC equals it, ordered by name.

    A unified social credit code is matched exactly (upper-cased, as codes are stored);
    a name by case-insensitive substring. One query: ``limit + 1`` rows tell whether the
    result was cut without counting the whole table.
    """
    query = normalize_query(raw_query)
    if not query:
        return SubjectSearch(query="", subjects=[], truncated=False)
    rows = list(
        Subject.objects.filter(Q(name__icontains=query) | Q(uscc=query.upper()))
        .only(*PUBLIC_SUBJECT_FIELDS)
        .order_by("name", "id")[: limit + 1]
    )
    return SubjectSearch(query=query, subjects=rows[:limit], truncated=len(rows) > limit)
