"""Test set-up shared by every app: database checks and fixtures built through actions."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every run, so a red CI always points at a change
# in the code, never at the luck of the draw; `make fuzz` explores with fresh random seeds and
# many more examples (docs/decisions/0025-reproducible-property-tests.md).
hypothesis_settings.register_profile("default", derandomize=True, database=None)
hypothesis_settings.register_profile(
    "fuzz", derandomize=False, max_examples=5000, database=None, print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

pytest_plugins = ["xinyong.core.tests.fixtures", "xinyong.policy.tests.fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_setup: None, django_db_blocker: object) -> None:
    """With XINYONG_REQUIRE_POSTGRES=1 (CI), a run that fell back to SQLite fails."""
    if os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1":
        assert connection.vendor == "postgresql", "PostgreSQL required but tests use SQLite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (XINYONG_DATABASE_URL=postgres://…)")
    if os.environ.get("XINYONG_DATABASE_URL", "").startswith("postgres"):
        return
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip_pg)


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("XINYONG_DATABASE_URL", "sqlite (embedded default)")
    return f"xinyong database: {url.split('@')[-1]}"
