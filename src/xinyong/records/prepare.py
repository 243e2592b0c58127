"""Preparing rows for a chunk: validation and derived values, before any transaction.

Why this exists: the work per row that needs no lock — validating against the catalog
(:func:`xinyong.catalog.validation.validate_row`), the publication window, the reporting
deadline and lag, the content digest, sealing personal numbers — is done here, outside the
chunk's transaction, so that the transaction (which holds SQLite's write lock) stays short.
The result, :class:`PreparedRow`, is what the chunk action writes: for a row that becomes a
new record, its columns are made here too (as a ``COPY`` line on PostgreSQL), so that the
importing process only adds the record's id and subject.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from xinyong.audit.record import to_jsonable
from xinyong.catalog.validation import RowValidator
from xinyong.errors import CodedError
from xinyong.records import protect
from xinyong.records.choices import RecordStatus
from xinyong.records.issues import from_row_issue, issue
from xinyong.records.rules import Timeliness, TimelinessCalculator, Window, WindowCalculator
from xinyong.records.writers import copy_escape, copy_text, line_field


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
    # None in the importing process when the record line holds them (see ``__getstate__``).
    values_json: str | None = "{}"
    original_json: str | None = "{}"
    sealed: str = ""
    digest: str = ""
    decision_date: date | None = None
    valid_until: date | None = None
    severity: str = ""
    specific_serious: bool = False
    categories: list[str] = field(default_factory=list)
    window: Window | None = None
    timeliness: Timeliness | None = None
    #: A new record's columns but ``id`` and ``subject_id``
    #: (:data:`xinyong.records.writers.RECORD_FIELDS`) — as one ``COPY`` line in UTF-8 on
    #: PostgreSQL (``record_line``), as a dict elsewhere (``record``).
    record: dict[str, Any] | None = None
    record_line: bytes = b""
    #: ``issues`` as JSON text, made with them; None once they change.
    issues_json: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Sent from a validating worker to the importing process without the JSON texts
        # that the record line holds already (read back from it, for a correction, by
        # ``values`` and ``original``): a third fewer bytes to send and to read.
        if not self.record_line:
            return self.__dict__
        state = dict(self.__dict__)
        state["values_json"] = state["original_json"] = None
        return state

    def _json(self, name: str) -> str:
        text: str | None = getattr(self, f"{name}_json")
        if text is None:
            text = line_field(self.record_line, name)
            setattr(self, f"{name}_json", text)
        return text

    @property
    def values(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self._json("values"))
        return loaded

    @property
    def original(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self._json("original"))
        return loaded

    def add_issue(self, found: dict[str, Any]) -> None:
        self.issues.append(found)
        self.issues_json = None

    def reject(self, found: dict[str, Any]) -> None:
        self.add_issue(found)
        self.rejected = True

    def drop_issues(self, code: str) -> None:
        """Forget the issues with this code (a re-send keeps the first report's timeliness)."""
        if any(i["code"] == code for i in self.issues):
            self.issues = [i for i in self.issues if i["code"] != code]
            self.issues_json = None

    def issues_text(self) -> str | None:
        """The issues as the JSON text stored on the batch row (None: no issues)."""
        if not self.issues:
            return None
        if self.issues_json is None:
            self.issues_json = _compact_json(self.issues)
        return self.issues_json

    @property
    def has_warnings(self) -> bool:
        return any(i.get("level") == "warning" for i in self.issues)


#: ``protect.canonical_json`` and ``json.dumps(…, ensure_ascii=False, separators=(",",
#: ":"))`` with their encoder made once (``json.dumps`` makes one per call when given
#: options); the same text (tested).
_canonical_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
).encode
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _given(values: Mapping[str, Any], code: str) -> bool:
    """A personal value to seal is there (``protect.seal_record``'s rule)."""
    return values.get(code) not in (None, "")


_PLAIN = (str, int, float, bool, type(None))


def jsonable_cells(cells: Sequence[Any]) -> list[Any]:
    """Cells as JSON values (spreadsheet dates and times become ISO strings)."""
    return [c if isinstance(c, _PLAIN) else to_jsonable(c) for c in cells]


@dataclass(frozen=True)
class RecordContext:
    """What a new record of the batch takes from the batch itself."""

    department_id: int
    item_code: str
    record_kind: str
    disclosure: str
    batch_id: int
    channel: str
    received_at: datetime
    #: Make ``PreparedRow.record_line`` (PostgreSQL) rather than ``PreparedRow.record``.
    copy: bool


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
        context: RecordContext | None = None,
    ) -> None:
        self.item = item
        self.context = context
        self.digest = protect.record_digester()
        self.validator = RowValidator(item, remember=True)
        self.columns = [(i, code) for i, code in enumerate(columns) if code is not None]
        self.received_on = received_on
        self.windows = windows
        self.timeliness = timeliness
        self.personal = personal
        self.lines = (
            RecordLines(context, received_on) if context is not None and context.copy else None
        )
        categories = item.field_for_role("categories") if hasattr(item, "field_for_role") else None
        self._categories = getattr(categories, "code_list", None)

    def prepare(self, row_number: int, cells: Sequence[Any]) -> PreparedRow:
        raw: dict[str, Any] = {}
        width = len(cells)
        for index, code in self.columns:
            raw[code] = cells[index] if index < width else None
        row = PreparedRow(row_number=row_number, cells=list(cells))
        checked = self.validator.validate(raw, today=self.received_on)
        row.decision_number = str(checked.decision_number or "")
        if checked.errors or checked.warnings:
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
        canonical = _canonical_json(values)
        row.digest = self.digest(canonical)
        if any(_given(values, code) or _given(original, code) for code in self.personal):
            shown_values, shown_original, row.sealed = protect.seal_record(
                values, original, self.personal
            )
            row.values_json = _canonical_json(shown_values) if row.sealed else canonical
            row.original_json = _canonical_json(shown_original)
        else:  # nothing to seal (protect.seal_record would give them back as they are)
            row.values_json = canonical
            row.original_json = _canonical_json(original)
        if self.context is not None:
            self._record(row)
        if row.issues:
            row.issues_text()
        return row

    def _record(self, row: PreparedRow) -> None:
        """The new record's columns, should the row become one (``RECORD_FIELDS`` but the id
        and the subject, which the chunk decides)."""
        context = self.context
        window, timeliness = row.window, row.timeliness
        assert context is not None and window is not None and timeliness is not None
        # A decision reported after its publication period ended is never shown.
        expired = window.max_end is not None and window.max_end < self.received_on
        if context.copy:
            assert self.lines is not None
            row.record_line = self.lines.line(row, window, timeliness, expired)
            return
        row.record = record_columns(
            row, context, window, timeliness, expired=expired, received_on=self.received_on
        )

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


def record_columns(
    row: PreparedRow,
    context: RecordContext,
    window: Window,
    timeliness: Timeliness,
    *,
    expired: bool,
    received_on: date,
) -> dict[str, Any]:
    """A new record's columns but ``id`` and ``subject_id`` (``RECORD_LINE_FIELDS``)."""
    return {
        "department_id": context.department_id,
        "item_code": context.item_code,
        "record_kind": context.record_kind,
        "decision_number": row.decision_number,
        "decision_date": row.decision_date,
        "valid_until": row.valid_until,
        "values": row.values_json,
        "original": row.original_json,
        "sealed": row.sealed,
        "digest": row.digest,
        "severity": row.severity,
        "specific_serious": row.specific_serious,
        "categories": row.categories,
        "disclosure": context.disclosure,
        "publication_rule": window.rule,
        "published": window.published,
        "publication_from": window.start,
        "publication_min_end": window.min_end,
        "publication_max_end": window.max_end,
        "regime_code": window.regime_code,
        "status": RecordStatus.EXPIRED if expired else RecordStatus.ACTIVE,
        "status_changed_at": context.received_at if expired else None,
        "version": 1,
        "batch_id": context.batch_id,
        "batch_row": row.row_number,
        "channel": context.channel,
        "received_at": context.received_at,
        "first_received_at": context.received_at,
        "reported_on": received_on,
        "reporting_deadline": timeliness.deadline,
        "reporting_lag_working_days": timeliness.lag,
        "reporting_provisional": timeliness.provisional,
        "late": timeliness.late,
        "withdrawal_reason": "",
    }


#: Columns of a record line that are the same for every record of a batch, and those that
#: follow from whether the record is expired.
_BATCH_COLUMNS = frozenset(
    {
        "department_id",
        "item_code",
        "record_kind",
        "disclosure",
        "version",
        "batch_id",
        "channel",
        "received_at",
        "first_received_at",
        "reported_on",
        "withdrawal_reason",
    }
)
_STATUS_COLUMNS = ("status", "status_changed_at")
#: How many windows, timeliness figures or category lists a batch keeps formatted.
_MAX_FORMATTED = 10_000


class RecordLines:
    """Makes a new record's ``COPY`` line (:func:`xinyong.records.writers.record_line`) for
    many rows of one batch: the columns the batch, the window, the timeliness and the status
    decide are formatted once (a batch has few distinct windows and figures), the row's own
    ones per row. Gives exactly ``record_line(record_columns(…)).encode()`` (tested)."""

    def __init__(self, context: RecordContext, received_on: date) -> None:
        self.context = context
        self.received_on = received_on
        self._windows: dict[Window, str] = {}
        self._timeliness: dict[Timeliness, str] = {}
        self._categories: dict[tuple[str, ...], str] = {}

        def sample(expired: bool) -> dict[str, Any]:
            return record_columns(
                PreparedRow(row_number=0, cells=[]),
                context,
                Window(rule="", published="", start=None, min_end=None, max_end=None),
                Timeliness(deadline=None, lag=None, late=False, provisional=False),
                expired=expired,
                received_on=received_on,
            )

        b = {f: copy_text(v) for f, v in sample(False).items() if f in _BATCH_COLUMNS}
        self._status = {
            expired: "\t".join(copy_text(sample(expired)[f]) for f in _STATUS_COLUMNS)
            for expired in (False, True)
        }
        self._head = "\t".join([b["department_id"], b["item_code"], b["record_kind"]])
        self._mid = b["disclosure"]
        self._after_status = "\t".join([b["version"], b["batch_id"]])
        self._after_row = "\t".join(
            [b["channel"], b["received_at"], b["first_received_at"], b["reported_on"]]
        )
        self._tail = b["withdrawal_reason"]

    def _window(self, window: Window) -> str:
        text = self._windows.get(window)
        if text is None:
            if len(self._windows) >= _MAX_FORMATTED:
                self._windows.clear()
            text = self._windows[window] = "\t".join(
                [
                    copy_text(window.rule),
                    copy_text(window.published),
                    copy_text(window.start),
                    copy_text(window.min_end),
                    copy_text(window.max_end),
                    copy_text(window.regime_code),
                ]
            )
        return text

    def _figures(self, timeliness: Timeliness) -> str:
        text = self._timeliness.get(timeliness)
        if text is None:
            if len(self._timeliness) >= _MAX_FORMATTED:
                self._timeliness.clear()
            text = self._timeliness[timeliness] = "\t".join(
                [
                    copy_text(timeliness.deadline),
                    copy_text(timeliness.lag),
                    copy_text(timeliness.provisional),
                    copy_text(timeliness.late),
                ]
            )
        return text

    def _category_text(self, categories: list[str]) -> str:
        key = tuple(categories)
        text = self._categories.get(key)
        if text is None:
            if len(self._categories) >= _MAX_FORMATTED:
                self._categories.clear()
            text = self._categories[key] = copy_text(categories)
        return text

    def line(
        self, row: PreparedRow, window: Window, timeliness: Timeliness, expired: bool
    ) -> bytes:
        decided, until = row.decision_date, row.valid_until
        return "\t".join(
            [
                self._head,
                copy_escape(row.decision_number),
                "\\N" if decided is None else decided.isoformat(),
                "\\N" if until is None else until.isoformat(),
                copy_escape(row.values_json or ""),
                copy_escape(row.original_json or ""),
                copy_escape(row.sealed),
                copy_escape(row.digest),
                copy_text(row.severity),
                "t" if row.specific_serious else "f",
                self._category_text(row.categories),
                self._mid,
                self._window(window),
                self._status[expired],
                self._after_status,
                str(row.row_number),
                self._after_row,
                self._figures(timeliness),
                self._tail,
            ]
        ).encode()


def cells_of(mapping: Mapping[str, Any], header: Sequence[str]) -> list[Any]:
    return [mapping.get(h) for h in header]
