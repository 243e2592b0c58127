"""Fixtures of the policy data, built through the load action (STYLE.md §13).

Tests run against a database where no policy file is loaded. ``loaded_policy`` loads the
shipped files under ``policy/`` exactly as ``xinyong policy load`` does; ``load_policy_text``
loads one edition written in the test (a local supplement, a bad file …).

Register in the root ``conftest.py``: ``pytest_plugins = [..., "xinyong.policy.tests.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xinyong.audit.models import AuditEvent
from xinyong.core.models import User
from xinyong.policy.actions import LoadOutcome, do_load_policy_edition
from xinyong.policy.choices import Origin
from xinyong.policy.files import parse_policy_text
from xinyong.policy.loader import FileOutcome, load_policy_paths

SHIPPED_FILES = (
    10  # 8 calendar years, the regimes, the national settings
    + 4  # list types, the national base measure list, national incentives, national memoranda
    + 4  # catalog: national editions 2021, 2022, 2024 and the example provincial supplement
)


def after(event: AuditEvent) -> dict[str, Any]:
    """An audit event's ``after`` value (typed for the tests)."""
    assert isinstance(event.after, dict), event.after
    return event.after


@pytest.fixture
def loaded_policy(db: None) -> list[FileOutcome]:
    """Every shipped policy file loaded (calendar 2019–2026, regimes, national settings)."""
    outcomes = load_policy_paths(actor_label="test:loaded_policy")
    refused = [o.line() for o in outcomes if o.status != "loaded"]
    assert not refused, refused
    return outcomes


@pytest.fixture
def load_policy_text(db: None) -> Callable[..., LoadOutcome]:
    """Load one edition given as TOML text, through ``do_load_policy_edition``."""

    def load(
        text: str,
        *,
        source: str = "test:edition.toml",
        origin: Origin = Origin.FILE,
        acting_user: User | None = None,
    ) -> LoadOutcome:
        parsed = parse_policy_text(text, source=source)
        return do_load_policy_edition(
            parsed, origin=origin, acting_user=acting_user, actor_label="test"
        )

    return load


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a TOML file under ``tmp_path`` and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
