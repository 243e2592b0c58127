"""Preparing rows for a chunk: validation and derived values, before any transaction.

Why this exists: the work per row that needs no lock — validating against the catalog
(:func:`xinyong.catalog.validation.validate_row`), the publication window, the reporting
deadline and lag, the content digest, sealing personal numbers — is done here, outside the
chunk's transaction, so that the transaction (which holds SQLite's write lock) stays short.
The result, :class:`PreparedRow`, is what the chunk action writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xinyong.audit.record import to_jsonable
from xinyong.catalog.validation import validate_row
from xinyong.errors import CodedError
from xinyong.records import protect
from xinyong.records.issues import from_row_issue, issue
from xinyong.records.rules import Timeliness, TimelinessCalculator, Window, WindowCalculator


@dataclass
class PreparedRow:
    """One row, validated, with everything the chunk action needs to write it."""

    row_number: int
    cells: list[Any]
    issues: list[dict[str, Any]] = field(default_factory=list)
    rejected: bool = False
    decision_number: str = ""
    subject: Any = None  # catalog.validation.SubjectRef
    # The values as stored (personal numbers masked), as JSON text: made once here, in a
    # worker process when there are workers, and copied to the database as they are.
    values_json: str = "{}"
    original_json: str = "{}"
    sealed: str = ""
    digest: str = ""
    decision_date: date | None = None
    valid_until: date | None = None
    severity: str = ""
    specific_serious: bool = False
    categories: list[str] = field(default_factory=list)
    window: Window | None = None
    timeliness: Timeliness | None = None

    @property
    def values(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.values_json)
        return loaded

    @property
    def original(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.original_json)
        return loaded

    def reject(self, found: dict[str, Any]) -> None:
        self.issues.append(found)
        self.rejected = True

    @property
    def has_warnings(self) -> bool:
        return any(i.get("level") == "warning" for i in self.issues)


_PLAIN = (str, int, float, bool, type(None))


def _jsonable_cells(cells: Sequence[Any]) -> list[Any]:
    """Cells as JSON values (spreadsheet dates and times become ISO strings)."""
    return [c if isinstance(c, _PLAIN) else to_jsonable(c) for c in cells]


class RowPreparer:
    """Validates rows of one batch and computes their derived values.

    ``columns`` gives the field code of each header column; ``received_on`` (the batch's
    receipt date, Asia/Shanghai) is "today" for validation and the end of the reporting lag,
    so a resumed batch gives the same answers as an uninterrupted one.
    """

    def __init__(
        self,
        item: Any,
        *,
        columns: Sequence[str | None],
        received_on: date,
        windows: WindowCalculator,
        timeliness: TimelinessCalculator,
        personal: frozenset[str],
    ) -> None:
        self.item = item
        self.columns = [(i, code) for i, code in enumerate(columns) if code is not None]
        self.received_on = received_on
        self.windows = windows
        self.timeliness = timeliness
        self.personal = personal
        categories = item.field_for_role("categories") if hasattr(item, "field_for_role") else None
        self._categories = getattr(categories, "code_list", None)

    def prepare(self, row_number: int, cells: Sequence[Any]) -> PreparedRow:
        raw: dict[str, Any] = {}
        width = len(cells)
        for index, code in self.columns:
            raw[code] = cells[index] if index < width else None
        row = PreparedRow(row_number=row_number, cells=_jsonable_cells(cells))
        checked = validate_row(self.item, raw, today=self.received_on)
        row.decision_number = str(checked.decision_number or "")
        row.issues.extend(from_row_issue(e, level="error") for e in checked.errors)
        row.issues.extend(from_row_issue(w, level="warning") for w in checked.warnings)
        if not checked.ok:
            row.rejected = True
            return row
        row.subject = checked.subject
        row.decision_date = checked.decision_date
        row.valid_until = checked.valid_until
        row.severity = checked.severity or ""
        row.specific_serious = bool(checked.specific_serious)
        row.categories = [str(c) for c in (checked.categories or ())]
        try:
            row.window = self.windows.window(
                decision_date=row.decision_date,
                valid_until=row.valid_until,
                severities=self._severities(row),
                specific_serious=row.specific_serious,
            )
        except CodedError as exc:
            row.reject(issue(self._severity_field(), exc.code, exc.message_zh, exc.message_en))
            return row
        if row.window.no_regime:
            row.issues.append(
                issue(
                    self._date_field(),
                    "PUBLICATION_REGIME_NOT_FOUND",
                    f"决定日期 {row.decision_date} 没有适用的公示制度（最早的制度适用于 "
                    "2019-07-01 起的决定），该记录归集但不公示。",
                    f"No publication regime governs a decision of {row.decision_date} (the "
                    "first applies to decisions from 2019-07-01); the record is collected "
                    "but not published.",
                    level="warning",
                )
            )
        row.timeliness = self.timeliness.timeliness(row.decision_date)
        if row.timeliness.late:
            deadline = row.timeliness.deadline
            assert deadline is not None
            row.issues.append(
                issue(
                    self._date_field(),
                    "REPORTING_LATE",
                    f"报送超期：决定日期后第 {row.timeliness.lag} 个工作日报送，"
                    f"期限为 {self.timeliness.working_days} 个工作日（截至 {deadline}）。",
                    f"Reported late: {row.timeliness.lag} working days after the decision; "
                    f"the deadline is {self.timeliness.working_days} working days "
                    f"({deadline}).",
                    level="warning",
                )
            )
        # Normalised values are JSON already (catalog.fields.to_json); empty ones are left
        # out. The values as received keep what was given, dates of spreadsheets as ISO text.
        values = {code: v for code, v in checked.values.items() if v is not None}
        original = {
            code: v if isinstance(v, _PLAIN) else to_jsonable(v)
            for code, v in raw.items()
            if v is not None and v != ""
        }
        canonical = protect.canonical_json(values)
        row.digest = protect.digest_of(canonical)
        shown_values, shown_original, row.sealed = protect.seal_record(
            values, original, self.personal
        )
        row.values_json = protect.canonical_json(shown_values) if row.sealed else canonical
        row.original_json = protect.canonical_json(shown_original)
        return row

    def _severities(self, row: PreparedRow) -> tuple[str, ...]:
        """The severities the window is the longest of: the row's, and those the catalog's
        penalty-category entries declare (a jurisdiction grading by penalty type; RULES §3
        "several categories: the longest period applies")."""
        found = {row.severity} if row.severity else set()
        if self._categories is not None:
            for code in row.categories:
                entry = self._categories.entry(code)
                severity = getattr(entry, "severity", None) if entry is not None else None
                if severity:
                    found.add(str(severity))
        return tuple(sorted(found)) or ("general",)

    def _date_field(self) -> str:
        return str(getattr(self.item, "date_field", "") or "")

    def _severity_field(self) -> str:
        for f in getattr(self.item, "fields", ()):
            if getattr(f, "role", None) == "severity":
                return str(f.code)
        return self._date_field()


def cells_of(mapping: Mapping[str, Any], header: Sequence[str]) -> list[Any]:
    return [mapping.get(h) for h in header]
