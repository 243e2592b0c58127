"""The rejected rows of a batch as a spreadsheet to fix and send again.

Why this exists: "Rejected rows download as an XLSX with an error column, to be fixed and
re-sent" (issue 3 §3). The file has the batch's columns exactly as received, the rejected
rows with their values as received, and one more column, ``错误说明 / errors``, naming each
row's problems (row number, field, code, Chinese and English). Every cell passes through
:func:`xinyong.records.files.write_rows_xlsx`, which neutralises formula injection. When the
clerk sends the corrected file back, the engine ignores the error column and removes the
apostrophes the neutralising added (:mod:`xinyong.records.sources`).

Personal ID numbers are kept sealed in the batch rows (:mod:`xinyong.records.protect`); they
are written back in clear only for a reporter of the batch's own department — the people who
sent them — and masked for anyone else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from xinyong.records import protect
from xinyong.records.choices import RowOutcome
from xinyong.records.files import normalise_header, write_rows_xlsx
from xinyong.records.issues import describe
from xinyong.records.models import Batch, BatchRow

#: The column with each row's problems (ignored when the file is sent back).
ERROR_COLUMN = "错误说明 / errors"
ERROR_COLUMN_KEY = normalise_header(ERROR_COLUMN)


def rejected_rows_filename(batch: Batch) -> str:
    return f"batch-{batch.pk}-rejected.xlsx"


def _rows(batch: Batch, *, unmask: bool) -> Iterator[list[Any]]:
    width = len(batch.header)
    rows = (
        BatchRow.objects.filter(batch=batch, outcome=RowOutcome.REJECTED)
        .order_by("row_number")
        .values_list("row_number", "raw", "issues")
        .iterator(chunk_size=2000)
    )
    for number, raw, issues in rows:
        cells = protect.unseal_cells(raw or []) if unmask else protect.shown_cells(raw)
        cells = (list(cells) + [None] * width)[:width]
        yield [*cells, f"第 {number} 行 / row {number}\n{describe(issues)}"]


def write_rejected_rows(batch: Batch, out: IO[bytes], *, unmask: bool) -> None:
    """Write the batch's rejected rows as an .xlsx to ``out`` (streaming)."""
    header = [str(h) for h in batch.header]
    write_rows_xlsx(
        out,
        [*header, ERROR_COLUMN],
        _rows(batch, unmask=unmask),
        sheet_title=f"batch {batch.pk} rejected",
    )
