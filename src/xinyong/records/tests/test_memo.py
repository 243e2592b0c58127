"""Validating against the remembering copy of a catalog item gives exactly what validating
against the item gives (xinyong.records.memo)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from xinyong.catalog.queries import catalog_item
from xinyong.catalog.validation import validate_row
from xinyong.records.memo import RememberingField, memoised_item
from xinyong.records.tests.factories import penalty_row
from xinyong.records.tests.test_channels import mixed_rows

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 16)


def test_remembered_validation_is_identical(loaded_policy: Any) -> None:
    item = catalog_item("CF", on=TODAY)
    fast = memoised_item(item)
    assert any(isinstance(f, RememberingField) for f in fast.fields)
    rows = mixed_rows("11330100000000019E")
    rows += [penalty_row(n, "11330100000000019E", XY_QZCD="轻微") for n in range(3)]
    rows += [dict(r, CF_JDRQ=date(2025, 6, 5)) for r in rows[:20]]  # spreadsheet dates
    for _ in range(2):  # the second pass is served from memory
        for raw in rows:
            plain = validate_row(item, raw, today=TODAY)
            remembered = validate_row(fast, raw, today=TODAY)
            assert remembered.values == plain.values
            assert remembered.errors == plain.errors
            assert remembered.warnings == plain.warnings
            assert remembered.subject == plain.subject
            assert (remembered.severity, remembered.categories) == (
                plain.severity,
                plain.categories,
            )
    for role in ("uscc", "severity", "categories", "subject_name", "nothing"):
        mine, theirs = fast.field_for_role(role), item.field_for_role(role)
        assert getattr(mine, "code", None) == getattr(theirs, "code", None)
