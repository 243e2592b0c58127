"""The recompute hook of the lists app (registered in ``xinyong.workdays.recompute``).

Why this exists: a deadline counted across a year whose holiday arrangement is not loaded is
stored as provisional with the years it crossed
(docs/decisions/0002-uncovered-calendar-years.md). When such a year is loaded or retired, the
calendar load action calls :func:`recompute_provisional_deadlines` inside its transaction; it
selects the provisional deadlines of cases in bulk and recomputes each through
``do_recompute_listing_deadline`` (idempotent, audited).
"""

from __future__ import annotations

from xinyong.lists.actions import do_recompute_listing_deadline
from xinyong.lists.models import ListingCase
from xinyong.workdays.recompute import RecomputeRequest


def recompute_provisional_deadlines(request: RecomputeRequest) -> int:
    """Recompute the provisional deadlines that crossed one of ``request.years``; return how
    many changed."""
    changed = 0
    candidates = ListingCase.objects.filter(due_provisional=True).values_list(
        "pk", "due_uncovered_years"
    )
    for pk, years in candidates:
        if request.years & set(years or ()) and do_recompute_listing_deadline(
            pk,
            acting_user=request.acting_user,
            actor_label=request.actor_label or "system:recompute",
        ):
            changed += 1
    return changed
