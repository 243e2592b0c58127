"""Remembering field values already cleaned in a batch, so that a value repeated on every row
is parsed once.

Why this exists: a department's file repeats most of its values — the penalising authority
and its code, the data source, the categories, the severity, a few decision dates — on every
row, and cleaning a value (an identifier's check character, a code list look-up, a date) is
the larger part of validating a row. :meth:`xinyong.catalog.fields.FieldDef.clean` is a pure
function of (field, value, decision date) with no database access (see its module), so the
engine validates each batch against a copy of the catalog item whose fields remember their
results (:func:`memoised_item`). Free text and personal ID numbers are not remembered (they
rarely repeat, and ID numbers should not linger in memory). The memory is bounded and lives
as long as one batch run. The copy also finds fields by role through a dictionary.
``tests/test_memo.py`` checks that results are identical.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from xinyong.catalog.fields import FieldDef
from xinyong.catalog.queries import CatalogItemDef

#: Values remembered per batch run before the memory is cleared.
MAX_ENTRIES = 50_000

#: Field types not remembered: free text rarely repeats, ID numbers are personal data.
NOT_REMEMBERED = frozenset({"text", "id_number"})

_HASHABLE = (str, int, float, bool, date, type(None))


class _Memory:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, object, date | None], Any] = {}


@dataclasses.dataclass(frozen=True)
class RememberingField(FieldDef):
    """A :class:`FieldDef` that remembers what ``clean`` returned for a value."""

    memory: _Memory = dataclasses.field(default_factory=_Memory, compare=False, repr=False)

    def clean(self, raw: object, *, on: date | None = None) -> Any:
        if not isinstance(raw, _HASHABLE):
            return FieldDef.clean(self, raw, on=on)
        key = (type(raw).__name__, raw, on)
        entries = self.memory.entries
        found = entries.get(key)
        if found is None:
            # FieldError propagates and is not remembered (a refused value is rare).
            found = FieldDef.clean(self, raw, on=on)
            if len(entries) >= MAX_ENTRIES:
                entries.clear()
            entries[key] = found
        return found


@dataclasses.dataclass(frozen=True)
class IndexedItem(CatalogItemDef):
    """A catalog item that finds its fields by role through a dictionary (validation asks
    for a role some 26 times a row; the catalog's own look-up scans the fields)."""

    def __post_init__(self) -> None:
        roles: dict[str, FieldDef] = {}
        for f in self.fields:
            if f.role is not None:
                roles.setdefault(f.role, f)
        object.__setattr__(self, "_roles", roles)

    def field_for_role(self, role: str) -> FieldDef | None:
        found: FieldDef | None = self._roles.get(role)  # type: ignore[attr-defined]
        return found


def memoised_item(item: CatalogItemDef) -> CatalogItemDef:
    """A copy of the catalog item whose non-text fields remember their cleaned values and
    whose fields are found by role through a dictionary."""
    fields: list[FieldDef] = []
    for f in item.fields:
        if f.type in NOT_REMEMBERED or not isinstance(f, FieldDef):
            fields.append(f)
            continue
        values = {x.name: getattr(f, x.name) for x in dataclasses.fields(FieldDef)}
        fields.append(RememberingField(**values))
    values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.init}
    values["fields"] = tuple(fields)
    return IndexedItem(**values)
