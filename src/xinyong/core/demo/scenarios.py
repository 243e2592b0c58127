"""Demo scenarios: work in progress that makes the demo show every procedure, not empty pages.

Why this exists: the base demo (``load.py``) creates departments, staff and subjects. A new
user following the README should also find listing cases in every state, records to look
up, objections and repair applications to handle, checks that answer "restricted". Each
domain app knows how to drive its own procedure through its own actions, so each provides a
scenario function; this module only lists them (explicitly, in order — a later scenario may
rely on an earlier one) and runs them inside the demo's one transaction.

A scenario is ``def load(context: DemoContext) -> list[str]``: it creates what it needs
through the app's actions, with legal dates counted back from ``context.today`` so that
deadlines fall due around the day the demo is loaded, and returns lines the ``demo``
command prints (what was created and where to see it).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.module_loading import import_string

from xinyong.core.choices import SubjectKind
from xinyong.core.models import Department, Subject, User

# Scenarios in the order they run. Add an app's scenario here.
DEMO_SCENARIOS: list[str] = [
    "xinyong.lists.demo.load",
    "xinyong.repair.demo.load",
    "xinyong.portal.demo.load",
]


@dataclass
class DemoContext:
    """What a scenario may use: the demo's departments (by plan key, e.g. ``"market"``), its
    staff accounts (by username), its subjects, the day the demo is loaded, and a seeded
    random generator (the same demo every time for the same seed)."""

    today: date
    departments: dict[str, Department]
    users: dict[str, User]
    subjects: list[Subject]
    rng: random.Random
    taken: set[int] = field(default_factory=set)

    def pick(self, kind: str = SubjectKind.LEGAL_PERSON) -> Subject:
        """A subject of ``kind`` no earlier scenario has used."""
        candidates = [s for s in self.subjects if s.kind == kind and s.pk not in self.taken]
        subject = self.rng.choice(candidates)
        self.taken.add(subject.pk)
        return subject


def run_scenarios(context: DemoContext) -> list[str]:
    """Run every scenario of :data:`DEMO_SCENARIOS`; return the lines they report."""
    lines: list[str] = []
    for path in DEMO_SCENARIOS:
        scenario: Callable[[DemoContext], list[str]] = import_string(path)
        lines.extend(scenario(context))
    return lines
