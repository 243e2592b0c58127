"""Recomputing provisional deadlines when the calendar changes: an explicit list of hooks.

Why this exists: a deadline computed across a year whose holiday arrangement is not loaded is
*provisional* (``docs/decisions/0002-uncovered-calendar-years.md``). Apps that store such
deadlines (objections, repair, lists …) keep the provisional flag and the uncovered years
with them; when an arrangement is loaded (or retired), the calendar-load action calls every
hook listed in :data:`RECOMPUTE_HOOKS`, in order, inside its own transaction, so stored
deadlines never disagree with the loaded calendar.

Registering is editing this list — one dotted path per line, reviewed like any code — not an
import-time side effect: the list is the one place that says who is recomputed. A hook
receives a :class:`RecomputeRequest` and returns how many stored deadlines it changed. It
must be idempotent and work in bulk (select what is provisional for ``years`` and call its
own actions). Example for a later app::

    RECOMPUTE_HOOKS = [
        "xinyong.objections.deadlines.recompute_provisional_deadlines",
    ]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from xinyong.core.models import User

#: Dotted paths of the recompute hooks, called in this order.
RECOMPUTE_HOOKS: list[str] = [
    # Listing cases: objection windows, objection answers, publication and removal deadlines.
    "xinyong.lists.deadlines.recompute_provisional_deadlines",
    # Records: reporting deadlines and lags of dual-publicity records.
    "xinyong.records.deadlines.recompute_provisional_deadlines",
]


@dataclass(frozen=True)
class RecomputeRequest:
    """What changed: ``years`` whose arrangement was ``loaded`` or ``retired`` by
    ``edition`` (a label such as ``calendar/cn-holiday-arrangement@2027``)."""

    years: frozenset[int]
    reason: str  # "loaded" | "retired"
    edition: str
    acting_user: User | None
    actor_label: str = ""


RecomputeHook = Callable[[RecomputeRequest], int]


def run_recompute_hooks(request: RecomputeRequest) -> dict[str, int]:
    """Call every hook of :data:`RECOMPUTE_HOOKS`; return ``{path: changed count}``.

    Must run inside the transaction that changed the calendar (the load and retire actions
    call it), so a failing hook refuses the change instead of leaving stale deadlines.
    """
    results: dict[str, int] = {}
    for path in RECOMPUTE_HOOKS:
        hook: RecomputeHook = import_string(path)
        results[path] = int(hook(request))
    return results
