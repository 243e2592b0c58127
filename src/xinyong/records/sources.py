"""Row sources: what the engine reads a batch from — JSON rows (the API) or a table file
(CSV or XLSX, through :mod:`xinyong.records.files`).

Why this exists: the three channels must give the same outcome for the same rows. The engine
sees one shape whatever the channel: the header as received, the field code of each column,
and ``(row_number, cells)`` pairs. Header problems (missing, unknown or repeated columns) are
found by the same :func:`xinyong.records.files.map_header` for JSON keys and for file
headers, and fail the whole batch before any row is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

from xinyong.records import protect
from xinyong.records.files import (
    DEFAULT_MAX_BYTES,
    TableReader,
    map_header,
    normalise_header,
    open_table,
    unneutralise_cell,
)


class RowSource(AbstractContextManager["RowSource"], Protocol):
    """A batch's rows, streamed, with the header as received."""

    @property
    def header(self) -> list[str]: ...

    @property
    def columns(self) -> tuple[str | None, ...]:
        """Field code of each header column (None: a blank column)."""

    @property
    def format(self) -> str: ...

    @property
    def encoding(self) -> str: ...

    @property
    def rows_total(self) -> int | None: ...

    @property
    def total_bytes(self) -> int | None: ...

    @property
    def progress(self) -> float | None:
        """Share of the source read so far (0–1), None if unknown."""

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]: ...


def accepted_headers(item: Any) -> dict[str, str]:
    """Header texts the item accepts (codes, Chinese names, aliases) → field code."""
    accepted: dict[str, str] = dict(item.header_map())
    for f in item.fields:
        accepted.setdefault(f.code, f.code)
    return accepted


def required_columns(item: Any) -> list[str]:
    """Columns a submission must have: the fields required for every row (RULES §1 *)."""
    return [f.code for f in item.fields if getattr(f, "required", False)]


def personal_codes(item: Any) -> frozenset[str]:
    """Field codes of ``item`` whose values are personal ID numbers (sealed, never kept in
    clear; xinyong.records.protect)."""
    return frozenset(
        f.code
        for f in item.fields
        if getattr(f, "type", "") == "id_number" or protect.is_personal(f.code)
    )


class JsonRows:
    """Rows of a JSON submission: a list of objects keyed by field code (``CF_WSH`` …) or
    field name. The header is every key in order of first appearance; rows count from 1."""

    format = "json"
    encoding = "utf-8"
    total_bytes = None

    def __init__(self, data: Sequence[Mapping[str, Any]], item: Any) -> None:
        self.data = data
        seen: dict[str, None] = {}
        for row in data:
            for key in row:
                seen.setdefault(str(key), None)
        self.header = list(seen)
        mapping = map_header(self.header, accepted_headers(item), required=required_columns(item))
        self.columns = mapping.columns
        self._read = 0

    @property
    def rows_total(self) -> int | None:
        return len(self.data)

    @property
    def progress(self) -> float | None:
        return self._read / len(self.data) if self.data else None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(self.data, start=1):
            self._read = number
            yield number, [row.get(key) for key in self.header]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class TableRows:
    """Rows of a CSV or XLSX file, streamed by :func:`xinyong.records.files.open_table`.

    Row numbers are the ones a clerk sees in Excel (the header is row 1). A rejected-rows
    spreadsheet sent back after fixing (:mod:`xinyong.records.exports`) is recognised by its
    error column: that column is ignored, and the apostrophe our export put before values a
    spreadsheet would take for a formula is removed again.
    """

    rows_total = None

    def __init__(
        self,
        path: Path,
        item: Any,
        *,
        filename: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        from xinyong.records.exports import ERROR_COLUMN_KEY

        self.reader: TableReader = open_table(path, filename=filename, max_bytes=max_bytes)
        try:
            self.header = list(self.reader.header)
            self.resent = any(normalise_header(h) == ERROR_COLUMN_KEY for h in self.header)
            mapped = ["" if normalise_header(h) == ERROR_COLUMN_KEY else h for h in self.header]
            mapping = map_header(mapped, accepted_headers(item), required=required_columns(item))
        except BaseException:
            self.reader.close()
            raise
        self.columns = mapping.columns

    @property
    def format(self) -> str:
        return self.reader.format

    @property
    def encoding(self) -> str:
        return self.reader.encoding or ""

    @property
    def total_bytes(self) -> int | None:
        return self.reader.total_bytes

    @property
    def progress(self) -> float | None:
        return self.reader.progress

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        if not self.resent:
            return iter(self.reader)
        return ((n, [unneutralise_cell(c) for c in cells]) for n, cells in self.reader)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.reader.close()
