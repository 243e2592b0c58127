"""What is due today and overdue, for the console home page of each staff member.

Why this exists: a clerk or a reviewer starts the day on the console home and must see, with
counts, every piece of work that has a deadline (listing cases, objections, repair reviews,
joint-action feedback, …) without visiting each screen. Each domain app knows its own
deadlines and who may act on them, so each provides one function; this module only lists
them (explicitly, in a fixed order — no discovery, no signals) and adds the results up.

A provider is ``def due_work(user, today) -> list[DueWork]``: one entry per kind of work the
user may act on, with the number due today, overdue, and the page that lists them. It must
apply the app's own row-level scope (``.restrict(user, …)``) and use a bounded number of
queries (counts, not rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.module_loading import import_string

from xinyong.core.models import User


@dataclass(frozen=True)
class DueWork:
    """One kind of work with deadlines, as the console home shows it."""

    key: str  # stable identifier, e.g. "lists.cases"
    label: str | Promise  # what the work is, translated
    url: str  # the page that lists it (filtered to what is due where it can be)
    due_today: int
    overdue: int
    open: int  # all open items of this kind the user may act on, due or not

    @property
    def needs_attention(self) -> bool:
        return bool(self.due_today or self.overdue)


# Providers in the order the home page shows them. Add an app's provider here.
DUE_PROVIDERS: list[str] = [
    "xinyong.lists.due.due_work",
    "xinyong.joint.due.due_work",
    "xinyong.repair.due.due_work",
]


def _providers() -> list[Callable[[User, date], list[DueWork]]]:
    return [import_string(path) for path in DUE_PROVIDERS]


def due_work(user: User, today: date) -> list[DueWork]:
    """Every kind of work with deadlines that ``user`` may act on, in provider order."""
    work: list[DueWork] = []
    for provider in _providers():
        work.extend(provider(user, today))
    return work
