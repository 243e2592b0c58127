"""Reading the tables departments upload, and writing rejected rows back to them.

Departments report credit records (双公示 licences and penalties, see RULES.md §1) as CSV or
XLSX files exported from whatever their office systems produce. This module turns such a file
into a stream of ``(row number, cells)`` and nothing more: it knows encodings, delimiters,
spreadsheets and hostile archives, but nothing of the catalog or of validation (the ingestion
code maps columns with :func:`map_header` and checks values itself).

Why it is built this way:

* **Streaming.** A department may send a million rows. CSV is decoded and parsed in 64 KiB
  chunks, so memory stays flat however long the file is (a test pins this with tracemalloc).
  A single CSV record is capped (1 MiB of text, the csv module's field limit) so an unclosed
  quote cannot swallow the rest of the file into one row. XLSX cannot be streamed this way:
  python-calamine materialises the chosen sheet, so for XLSX memory is bounded instead by
  checks made *before* calamine opens anything (see :class:`XlsxLimits`).
* **Encodings.** Chinese Excel and WPS save CSV as GBK by default, newer ones as UTF-8 with or
  without a BOM. GBK is a subset of GB18030, so GBK files are decoded as GB18030 (which also
  covers characters outside GBK such as 㐀). The encoding is decided on the first 64 KiB that
  contain a non-ASCII byte; while a file is pure ASCII (field codes in the header, numbers and
  dates in the first rows) nothing is decided yet, so a GBK file whose first Chinese character
  comes late is still read correctly. A byte that does not fit the decided encoding later on
  raises ``FILE_ENCODING_UNSUPPORTED`` naming the line, after every earlier row was yielded.
* **Hostile XLSX.** An XLSX is a zip archive: a few kilobytes can expand to gigabytes (zip
  bomb), and one cell at ``XFD1048576`` makes calamine allocate the whole dense rectangle.
  So the archive's declared sizes are checked, every member is inflated once in a streaming
  pass that verifies its real size and CRC (calamine's zip reader does not stop at the
  declared size), and the rows and columns referenced by the sheets are counted on the way.
* **Errors a clerk can act on.** Every refusal is a :class:`FileError` with a stable code and
  a message in Chinese and English that says what to do (save as .xlsx, save as "CSV UTF-8",
  close the quote on line 12 ...). Row numbers are the ones a clerk sees in Excel: the header
  is row 1 and blank rows are skipped but still counted.
* **Formula injection.** Rejected rows go back to the clerk as a spreadsheet; a value such as
  ``=HYPERLINK(...)`` that came in as data must not become a live formula in our file
  (OWASP "CSV injection"), so every cell we write passes through :func:`neutralise_cell`.

No Django settings are needed to use this module (``CodedError`` only reads the active
language when its ``message`` property is used).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import datetime as dt
import difflib
import itertools
import math
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Self, TextIO, cast

import openpyxl
import python_calamine
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from xinyong.errors import CodedError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_XLSX_LIMITS",
    "FILE_ERROR_CODES",
    "FileError",
    "HeaderMapping",
    "TableReader",
    "XlsxLimits",
    "column_letter",
    "detect_encoding",
    "map_header",
    "neutralise_cell",
    "normalise_header",
    "open_table",
    "unneutralise_cell",
    "write_rows_csv",
    "write_rows_xlsx",
]

DEFAULT_MAX_BYTES: Final = 200 * 1024 * 1024
SAMPLE_BYTES: Final = 64 * 1024
"""How much is read at a time, and the minimum sample the encoding is decided on."""
MAX_LINE_BYTES: Final = 4 * 1024 * 1024
"""A physical CSV line longer than this is not a table (probably a binary file)."""
MAX_RECORD_CHARS: Final = 1024 * 1024
"""A CSV record (one row, possibly over several lines) larger than this is an unclosed quote."""

FILE_ERROR_CODES: Final = frozenset(
    {
        "FILE_EMPTY",
        "FILE_TOO_LARGE",
        "FILE_TYPE_UNSUPPORTED",
        "FILE_ENCODING_UNSUPPORTED",
        "FILE_MALFORMED",
        "FILE_NO_HEADER",
        "XLSX_INVALID",
        "XLSX_ZIP_BOMB",
        "XLSX_TOO_MANY_CELLS",
        "XLSX_NO_SHEET",
        "COLUMN_UNKNOWN",
        "COLUMN_MISSING",
        "COLUMN_DUPLICATE",
    }
)
"""Every code this module raises. Codes are stable: never renamed, never reused."""

_SAVE_AS_ZH: Final = (
    "请用 Excel 或 WPS 打开后“另存为” .xlsx 工作簿或“CSV UTF-8（逗号分隔）”文件再上传。"
)
_SAVE_AS_EN: Final = (
    'Open it in Excel or WPS and "Save As" an .xlsx workbook or "CSV UTF-8 (comma delimited)", '
    "then upload that."
)


class FileError(CodedError):
    """An uploaded file that cannot be read as a table, with a stable code (see
    :data:`FILE_ERROR_CODES`) and details such as ``line``, ``row``, ``offset``, ``columns``."""

    code = "FILE_INVALID"


def _error(code: str, zh: str, en: str, **details: Any) -> FileError:
    assert code in FILE_ERROR_CODES, code
    status = {"FILE_TOO_LARGE": 413, "FILE_TYPE_UNSUPPORTED": 415}.get(code)
    return FileError(code, zh, en, status=status, **details)


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:g} MiB"


# --------------------------------------------------------------------------------------------
# Header mapping
# --------------------------------------------------------------------------------------------

_INVISIBLE_RE: Final = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_ANNOTATION_RE: Final = re.compile(
    r"[(\[【〔](?:必填|必填项|必录|选填|非必填|可选|可空|required|optional)[)\]】〕]$",
    re.IGNORECASE,
)


def normalise_header(text: str) -> str:
    """The key a header cell is matched on.

    Full-width forms become half-width (NFKC: ``ＸＫ＿ＸＤＲ＿ＭＣ`` → ``XK_XDR_MC``, ``（`` →
    ``(``); BOM and zero-width characters and all whitespace (templates often break a long
    name over two lines) are removed; a required marker (``*`` before or after, or a trailing
    ``（必填）``/``(选填)``) is dropped; letters are case-folded. Parentheses that are part of a
    name, as in ``罚款金额（万元）``, are kept.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = "".join(text.split())
    while True:
        stripped = _ANNOTATION_RE.sub("", text.strip("*"))
        if stripped == text:
            break
        text = stripped
    return text.casefold()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


@dataclasses.dataclass(frozen=True)
class HeaderMapping:
    """How the columns of a file map to catalog field codes.

    ``columns[i]`` is the field code of file column ``i`` or ``None`` (a blank header, or an
    unknown one when unknown columns are ignored). ``unknown``, ``missing`` and ``duplicates``
    list the problems found; :func:`map_header` raises unless only ignored unknowns remain.
    """

    columns: tuple[str | None, ...]
    unknown: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()

    @property
    def field_index(self) -> dict[str, int]:
        """Field code → index of the file column that carries it."""
        return {code: i for i, code in enumerate(self.columns) if code is not None}


def _describe_column(index: int, text: str) -> tuple[str, str]:
    return (f"第 {column_letter(index)} 列“{text}”", f'column {column_letter(index)} "{text}"')


def map_header(
    header: Sequence[str],
    accepted: Mapping[str, str],
    *,
    required: Iterable[str] = (),
    ignore_unknown: bool = False,
) -> HeaderMapping:
    """Map header cells to field codes.

    ``accepted`` maps a header text (the field code, its Chinese name, any alias) to the
    field code; keys are normalised here with :func:`normalise_header`, so the catalog may
    pass them as written. ``required`` lists field codes that must be present.

    Raises a :class:`FileError` listing every problem at once; its code is the first of
    ``COLUMN_DUPLICATE``, ``COLUMN_UNKNOWN`` (unless ``ignore_unknown``) and
    ``COLUMN_MISSING`` that applies. ``FILE_NO_HEADER`` when not a single column is
    recognised: the first non-empty row is then not a header at all (a title row above it,
    or data without a header).
    """
    norm_accepted: dict[str, str] = {}
    display: dict[str, str] = {}  # normalised key -> the key as the catalog wrote it
    for key, code in accepted.items():
        norm = normalise_header(key)
        if norm_accepted.setdefault(norm, code) != code:
            raise ValueError(f"header {key!r} is accepted for two fields")
        display.setdefault(norm, key)

    columns: list[str | None] = []
    unknown_idx: list[int] = []
    first_seen: dict[str, int] = {}
    duplicate_idx: dict[str, list[int]] = {}
    for index, text in enumerate(header):
        norm = normalise_header(text)
        field = norm_accepted.get(norm) if norm else None
        if norm and field is None:
            unknown_idx.append(index)
        if field is not None:
            if field in first_seen:
                duplicate_idx.setdefault(field, [first_seen[field]]).append(index)
            else:
                first_seen[field] = index
        columns.append(field)

    missing = tuple(code for code in dict.fromkeys(required) if code not in first_seen)
    unknown = tuple(header[i] for i in unknown_idx)
    duplicates = tuple(duplicate_idx)
    mapping = HeaderMapping(tuple(columns), unknown, missing, duplicates)

    if not first_seen and any(normalise_header(text) for text in header):
        raise _error(
            "FILE_NO_HEADER",
            "第一行非空行中没有可识别的列名。表头必须是第一行（请删除表头上方的标题行），"
            "列名使用数据标准中的字段代码或中文名称。",
            "No column name in the first non-empty row is recognised. The header must be the "
            "first row (delete any title rows above it) and use the field codes or Chinese "
            "names of the data standard.",
            header=list(header),
        )

    def aliases(code: str) -> str:
        names = [
            display[norm]
            for norm, c in norm_accepted.items()
            if c == code and norm != normalise_header(code)
        ]
        return f"{code}（{'、'.join(names)}）" if names else code

    problems_zh: list[str] = []
    problems_en: list[str] = []
    details: dict[str, Any] = {}
    codes: list[str] = []
    if duplicates:
        codes.append("COLUMN_DUPLICATE")
        parts_zh, parts_en = [], []
        for code, indexes in duplicate_idx.items():
            described = [_describe_column(i, header[i]) for i in indexes]
            parts_zh.append(f"{aliases(code)}：{'、'.join(d[0] for d in described)}")
            parts_en.append(f"{code}: {', '.join(d[1] for d in described)}")
        problems_zh.append("同一字段出现多列，请只保留一列——" + "；".join(parts_zh) + "。")
        problems_en.append(
            "Several columns carry the same field; keep one: " + "; ".join(parts_en) + "."
        )
        details["duplicates"] = {
            code: [column_letter(i) for i in idx] for code, idx in duplicate_idx.items()
        }
    if unknown and not ignore_unknown:
        codes.append("COLUMN_UNKNOWN")
        unmapped = [n for n, c in norm_accepted.items() if c not in first_seen] or list(
            norm_accepted
        )
        suggestions: dict[str, list[str]] = {}
        parts_zh, parts_en = [], []
        for index in unknown_idx:
            text = header[index]
            close = difflib.get_close_matches(normalise_header(text), unmapped, n=3, cutoff=0.6)
            names = list(dict.fromkeys(display[n] for n in close))
            suggestions[text] = names
            zh, en = _describe_column(index, text)
            if names:
                zh += f"（是否应为：{'、'.join(names)}？）"
                en += f" (did you mean: {', '.join(names)}?)"
            parts_zh.append(zh)
            parts_en.append(en)
        problems_zh.append(
            "无法识别的列：" + "；".join(parts_zh) + "。请改为数据标准中的字段代码或中文名称，"
            "或删除该列。"
        )
        problems_en.append(
            "Unknown columns: " + "; ".join(parts_en) + ". Rename them to a field code or "
            "Chinese name of the data standard, or delete them."
        )
        details["unknown"] = list(unknown)
        details["suggestions"] = suggestions
    if missing:
        codes.append("COLUMN_MISSING")
        problems_zh.append("缺少必填列：" + "、".join(aliases(c) for c in missing) + "。")
        problems_en.append("Required columns are missing: " + ", ".join(missing) + ".")
        details["missing"] = list(missing)
    if codes:
        raise _error(codes[0], "".join(problems_zh), " ".join(problems_en), **details)
    return mapping


# --------------------------------------------------------------------------------------------
# Encoding detection and incremental decoding
# --------------------------------------------------------------------------------------------

_NON_ASCII_RE: Final = re.compile(rb"[\x80-\xff]")


def _encoding_error(
    offset: int | None, line: int | None, problem_zh: str, problem_en: str
) -> FileError:
    where_zh = where_en = ""
    if offset is not None:
        where_zh = f"第 {line} 行（第 {offset} 字节）" if line else f"第 {offset} 字节"
        where_en = f"at line {line} (byte {offset}) " if line else f"at byte {offset} "
    details: dict[str, Any] = {}
    if offset is not None:
        details["offset"] = offset
    if line is not None:
        details["line"] = line
    return _error(
        "FILE_ENCODING_UNSUPPORTED",
        f"无法识别文件编码：{where_zh}{problem_zh}。支持的编码为 UTF-8（可带 BOM）和 "
        "GBK/GB18030。" + _SAVE_AS_ZH,
        f"Cannot decode the file: {where_en}{problem_en}. Supported encodings are UTF-8 (with "
        "or without BOM) and GBK/GB18030. " + _SAVE_AS_EN,
        **details,
    )


def _first_decode_error(sample: bytes, encoding: str, final: bool) -> int | None:
    """Offset of the first byte ``encoding`` rejects, or None if the sample decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(sample, final)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file from a sample of its first bytes.

    Returns ``"utf-8-sig"`` (BOM), ``"utf-8"`` (also for pure ASCII) or ``"gb18030"`` (GBK
    files included). The sample may stop in the middle of a character: a truncated sequence
    at its end is accepted. Pass at least 64 KiB when the file is that long: a short sample
    of GBK text can happen to be valid UTF-8. Raises ``FILE_ENCODING_UNSUPPORTED`` naming
    the byte offset (and line) for UTF-16 files, files with NUL bytes (binary or UTF-16) and
    bytes that are neither UTF-8 nor GB18030.
    """
    if sample.startswith(codecs.BOM_UTF8):
        bad = _first_decode_error(sample[3:], "utf-8", final=False)
        if bad is not None:
            offset = bad + 3
            raise _encoding_error(
                offset,
                sample.count(b"\n", 0, offset) + 1,
                "的内容不是 UTF-8（文件以 UTF-8 BOM 开头）",
                "the content is not UTF-8 although the file starts with a UTF-8 BOM",
            )
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _encoding_error(
            None,
            None,
            "文件是 UTF-16 编码（Excel“Unicode 文本”格式）",
            'the file is UTF-16 (Excel "Unicode Text")',
        )
    nul = sample.find(b"\x00")
    if nul >= 0:
        raise _encoding_error(
            nul,
            sample.count(b"\n", 0, nul) + 1,
            "有空字符（NUL）：这不是文本文件，或是不带 BOM 的 UTF-16",
            "there is a NUL byte: this is not a text file, or it is UTF-16 without a BOM",
        )
    utf8_bad = _first_decode_error(sample, "utf-8", final=False)
    if utf8_bad is None:
        return "utf-8"
    gb_bad = _first_decode_error(sample, "gb18030", final=False)
    if gb_bad is None:
        return "gb18030"
    # Where the file breaks: UTF-8 if UTF-8 text came before its first bad byte (GBK text is
    # almost never valid multi-byte UTF-8), else wherever GB18030 fails.
    offset = gb_bad if sample[:utf8_bad].isascii() else utf8_bad
    raise _encoding_error(
        offset,
        sample.count(b"\n", 0, offset) + 1,
        "的字节既不是有效的 UTF-8 也不是有效的 GBK/GB18030",
        "the bytes are neither valid UTF-8 nor valid GBK/GB18030",
    )


# --------------------------------------------------------------------------------------------
# Formula injection
# --------------------------------------------------------------------------------------------

_FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise_cell(value: object) -> object:
    """A value safe to write into a spreadsheet cell we produce.

    Strings that a spreadsheet could take for a formula (starting with ``= + - @``, a tab or
    a carriage return, or the full-width ``＝ ＋ － ＠`` that some input methods produce and
    some spreadsheet programs accept) get a leading apostrophe, as OWASP recommends against
    CSV/formula injection. Other values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise_cell(value: object) -> object:
    """Undo :func:`neutralise_cell`, for a clerk re-uploading a corrected rejected-rows file.

    ``'-5`` becomes ``-5`` again; an apostrophe not followed by a trigger is kept.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_TRIGGERS):
        return value[1:]
    return value


# --------------------------------------------------------------------------------------------
# Opening a table
# --------------------------------------------------------------------------------------------

Row = tuple[object, ...]


@dataclasses.dataclass(frozen=True)
class XlsxLimits:
    """What an XLSX may cost, checked before calamine opens it.

    calamine holds the chosen sheet as one dense rectangle (about 90 bytes a cell, measured
    with python-calamine 0.9 on a 200,000 × 10 sheet), so the rectangle is what is limited:
    ``max_cells`` (20 million, about 2 GiB) still admits a full-height Excel sheet of 19
    columns; more belongs in a CSV, which streams. Rows and columns are counted from the
    cells that hold a value, as calamine does (styled empty cells do not count).

    The archive rules are the usual zip-bomb heuristics: legitimate workbooks measured
    11-17× compression, so the whole archive may expand more than ``max_ratio`` times only
    while it stays under ``ratio_floor``; one member may not expand more than
    ``max_member_ratio`` times once over ``member_floor`` (deflate's ceiling is about 1032×);
    and nothing may expand past ``max_uncompressed``.
    """

    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cells: int = 20_000_000
    max_ratio: float = 20.0
    ratio_floor: int = 100 * 1024 * 1024
    max_member_ratio: float = 250.0
    member_floor: int = 10 * 1024 * 1024
    max_uncompressed: int = 2 * 1024 * 1024 * 1024
    max_members: int = 10_000


DEFAULT_XLSX_LIMITS: Final = XlsxLimits()


class TableReader:
    """The rows of an uploaded table, read while they are iterated.

    Made by :func:`open_table`, which has already read the header (the first non-empty row;
    ``header_row`` is its number, normally 1). Iterating yields ``(row_number, cells)``:
    ``row_number`` is the row a clerk sees in Excel, completely empty rows are skipped but
    counted; ``cells`` is the raw tuple: ``str`` for CSV; ``str``, ``int``, ``float``,
    ``bool``, ``date``, ``datetime``, ``time``, ``timedelta`` or ``None`` for XLSX. A row may
    be shorter or longer than the header: the caller compares (XLSX rows and header have
    trailing empty cells removed; CSV ones are as written, so a trailing ``,`` gives an extra
    empty cell).

    Progress: ``bytes_read`` of ``total_bytes`` for CSV (``total_bytes`` is None for a
    stream of unknown length); for XLSX both count rows, the row reached and the last row of
    the sheet. ``progress`` gives the fraction either way. Iterate once; use it as a context
    manager or call :meth:`close`.
    """

    format: str
    encoding: str | None
    delimiter: str | None
    sheet_name: str | None
    header: tuple[str, ...]
    header_row: int
    bytes_read: int
    total_bytes: int | None

    def __init__(
        self,
        fmt: str,
        rows: Iterator[tuple[int, Row]],
        closer: contextlib.ExitStack,
        *,
        total: int | None = None,
        sheet_name: str | None = None,
    ) -> None:
        self.format = fmt
        self.encoding = None
        self.delimiter = None
        self.sheet_name = sheet_name
        self.bytes_read = 0
        self.total_bytes = total
        self._rows = rows
        self._closer = closer
        first = next(rows, None)
        if first is None:
            raise _error(
                "FILE_EMPTY",
                "文件是空的：没有表头，也没有数据行。"
                + (f"（读取的是第一个可见工作表“{sheet_name}”。）" if sheet_name else ""),
                "The file is empty: it has neither a header nor data rows."
                + (f' (Read the first visible sheet, "{sheet_name}".)' if sheet_name else ""),
                **({"sheet": sheet_name} if sheet_name else {}),
            )
        self.header_row = first[0]
        self.header = tuple(_header_text(v) for v in first[1])

    @property
    def progress(self) -> float | None:
        """How far iteration has got, from 0 to 1 (None when the total is unknown)."""
        if not self.total_bytes:
            return None
        return min(1.0, self.bytes_read / self.total_bytes)

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        return self._rows

    def close(self) -> None:
        self._closer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_empty(cells: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_CSV_EXTENSIONS: Final = frozenset({".csv", ".txt", ".tsv"})
_XLSX_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm"})
_OTHER_FORMATS: Final = {
    ".xls": ("Excel 97-2003 工作簿（.xls）", "An Excel 97-2003 workbook (.xls)"),
    ".et": ("WPS 表格文件（.et）", "A WPS spreadsheet (.et)"),
    ".xlsb": ("Excel 二进制工作簿（.xlsb）", "An Excel binary workbook (.xlsb)"),
    ".ods": ("OpenDocument 表格（.ods）", "An OpenDocument spreadsheet (.ods)"),
    ".numbers": ("Numbers 表格", "A Numbers spreadsheet"),
}


def _unsupported(kind_zh: str, kind_en: str, **details: Any) -> FileError:
    return _error(
        "FILE_TYPE_UNSUPPORTED",
        f"不支持的文件类型：{kind_zh}。只接受 .xlsx 工作簿和 CSV 文件。" + _SAVE_AS_ZH,
        f"{kind_en} is not supported; only .xlsx workbooks and CSV files are. " + _SAVE_AS_EN,
        **details,
    )


def _too_large(max_bytes: int, size: int | None = None) -> FileError:
    return _error(
        "FILE_TOO_LARGE",
        f"文件超过 {_mib(max_bytes)} 的上限，请拆分为多个文件分别上传。",
        f"The file is larger than the {_mib(max_bytes)} limit; split it into several files.",
        max_bytes=max_bytes,
        **({"size": size} if size is not None else {}),
    )


class _Prefixed:
    """A non-seekable stream with the bytes already read for sniffing put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            if size < 0:
                return head + self.stream.read()
            return head if len(head) >= size else head + self.stream.read(size - len(head))
        return self.stream.read(size)


def open_table(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    xlsx_limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
) -> TableReader:
    """Open an uploaded CSV or XLSX file and read its header row.

    ``source`` is a path or a binary stream, read from its current position (a stream is
    left open; a file opened here is closed with the reader). ``filename`` supplies the
    extension for a stream, e.g. the upload's original name. A path that cannot be opened
    raises ``OSError``: that is the caller's mistake, not the clerk's.

    Where the content is unambiguous it decides: a zip archive is read as XLSX even when
    renamed .csv, an OLE2 file (.xls, or a password-protected workbook) is refused. Otherwise
    the extension does: .csv, .txt and .tsv (or none) are CSV, .xlsx and .xlsm are XLSX
    (macros are never run: only cell values are read). Raises :class:`FileError`.
    """
    stack = contextlib.ExitStack()
    try:
        path: Path | None = None
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            filename = filename or path.name
            stream: IO[bytes] = stack.enter_context(path.open("rb"))
        else:
            stream = source
            name = filename or getattr(source, "name", None)
            filename = name if isinstance(name, str) else None
        extension = os.path.splitext(filename)[1].lower() if filename else ""

        size = _remaining_size(stream)
        if size is not None and size > max_bytes:
            raise _too_large(max_bytes, size)
        if size is not None:
            here = stream.tell()
            head = stream.read(8)
            stream.seek(here)
        else:
            head = b""
            while len(head) < 8 and (more := stream.read(8 - len(head))):
                head += more  # a pipe may return fewer bytes than asked
            stream = cast(IO[bytes], _Prefixed(head, stream))  # read() is all we use
        if not head:
            raise _error("FILE_EMPTY", "文件是空的（0 字节）。", "The file is empty (0 bytes).")

        if head.startswith(_OLE_MAGIC):
            raise _unsupported(
                "Excel 97-2003 工作簿（.xls）和设置了密码的工作簿",
                "An Excel 97-2003 workbook (.xls) or a password-protected workbook",
                detected="ole2",
            )
        if head.startswith(_ZIP_MAGIC):
            return _open_xlsx(stream, path, extension, stack, size, max_bytes, xlsx_limits)
        if extension in _XLSX_EXTENSIONS:
            raise _error(
                "XLSX_INVALID",
                "文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的 CSV 或网页）。"
                + _SAVE_AS_ZH,
                "The file is named .xlsx but is not an Excel workbook (perhaps a renamed CSV "
                "or a web page). " + _SAVE_AS_EN,
            )
        if extension in _OTHER_FORMATS:
            raise _unsupported(*_OTHER_FORMATS[extension], extension=extension)
        if extension and extension not in _CSV_EXTENSIONS:
            raise _unsupported(f"“{extension}”文件", f"A {extension} file", extension=extension)
        return _open_csv(stream, stack, size, max_bytes)
    except BaseException:
        stack.close()
        raise


def _remaining_size(stream: IO[bytes]) -> int | None:
    """Bytes from the current position to the end of a seekable stream, else None."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end - here


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _open_csv(
    stream: IO[bytes], stack: contextlib.ExitStack, size: int | None, max_bytes: int
) -> TableReader:
    source = _CsvSource(stream, max_bytes)
    reader = TableReader("csv", source.rows(), stack, total=size)
    source.reader = reader
    reader.bytes_read = source.bytes_read
    reader.encoding = source.encoding_name
    reader.delimiter = source.delimiter
    return reader


class _CsvSource:
    """Decodes and parses a CSV stream chunk by chunk (see the module docstring)."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.reader: TableReader | None = None
        self.encoding: str | None = None  # None while everything read so far was ASCII
        self.delimiter: str | None = None
        self.newline = "\n"
        self.bytes_read = 0
        self.lines_done = 0  # physical lines handed to the csv module
        self.record_chars = 0  # characters handed over since the current record began
        self.record_line = 1  # the physical line the current record began on
        self.record_row = 1  # and its row number

    @property
    def encoding_name(self) -> str:
        return self.encoding or "utf-8"

    def _read(self) -> bytes:
        chunk = self.stream.read(SAMPLE_BYTES)
        self.bytes_read += len(chunk)
        if self.bytes_read > self.max_bytes:
            raise _too_large(self.max_bytes)
        if self.reader is not None:
            self.reader.bytes_read = self.bytes_read
        return chunk

    # -- bytes -> blocks of whole lines ------------------------------------------------------

    def _blocks(self) -> Iterator[tuple[bytes, int]]:
        """Byte blocks ending on a line break (or at the end of the file), with offsets.

        A line-break byte never occurs inside a UTF-8 or GB18030 multi-byte character, so
        each block decodes on its own. While the encoding is undecided, a block is held
        back until 64 KiB follow its first non-ASCII byte: that is the sample deciding it.
        """
        data = self._read()
        if b"\n" not in data and b"\r" in data:
            self.newline = "\r"  # classic Mac OS line endings
        newline = self.newline.encode()
        if data.startswith(codecs.BOM_UTF8):
            self.encoding = "utf-8-sig"
        detect_encoding(data)  # early and clear: UTF-16, binary, undecodable first 64 KiB
        base = 0
        while True:
            chunk = self._read()
            if not chunk:
                if data:
                    yield data, base
                return
            data += chunk
            cut = data.rfind(newline) + 1
            if cut == 0:
                if len(data) > MAX_LINE_BYTES:
                    raise _error(
                        "FILE_MALFORMED",
                        f"文本第 {self.lines_done + 1} 行长于 {_mib(MAX_LINE_BYTES)}，"
                        "这不是表格文件。" + _SAVE_AS_ZH,
                        f"Line {self.lines_done + 1} is longer than {_mib(MAX_LINE_BYTES)}: "
                        "this is not a table. " + _SAVE_AS_EN,
                        line=self.lines_done + 1,
                    )
                continue
            if self.encoding is None:
                first = _NON_ASCII_RE.search(data, 0, cut)
                if first is not None and len(data) - first.start() < SAMPLE_BYTES:
                    continue  # too little to decide on yet
            yield data[:cut], base
            base += cut
            data = data[cut:]

    # -- blocks -> decoded lines ------------------------------------------------------------

    def _lines(self) -> Iterator[str]:
        """Decoded physical lines, each ending with its line break (but perhaps the last)."""
        for block, base in self._blocks():
            newline = self.newline.encode()
            start = 0
            if self.encoding is None:
                first = _NON_ASCII_RE.search(block)
                if first is None:
                    yield from self._split(block.decode("ascii"))
                    continue
                start = block.rfind(newline, 0, first.start()) + 1
                yield from self._split(block[:start].decode("ascii"))
                try:
                    self.encoding = detect_encoding(block[start : start + SAMPLE_BYTES])
                except FileError as exc:
                    bad = start + exc.details["offset"]
                    raise _encoding_error(
                        base + bad,
                        self.lines_done + block.count(newline, start, bad) + 1,
                        "的字节既不是有效的 UTF-8 也不是有效的 GBK/GB18030",
                        "the bytes are neither valid UTF-8 nor valid GBK/GB18030",
                    ) from None
                if self.reader is not None:
                    self.reader.encoding = self.encoding
            if base + start == 0 and self.encoding == "utf-8-sig":
                start = len(codecs.BOM_UTF8)
            encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding_name
            try:
                text = block[start:].decode(encoding)
            except UnicodeDecodeError as exc:
                bad = start + exc.start
                good = block.rfind(newline, start, bad) + 1
                if good > start:
                    yield from self._split(block[start:good].decode(encoding))
                name = self.encoding_name.upper().removesuffix("-SIG")
                raise _encoding_error(
                    base + bad,
                    self.lines_done + 1,
                    f"的字节不是 {name}，与文件前面部分的编码不一致"
                    "（文件可能由不同编码的内容拼接而成）",
                    f"the bytes are not {name} like the part of the file before them (it may "
                    "be pieced together from differently encoded parts)",
                ) from None
            if base + start == 0 and text.startswith("\ufeff"):
                text = text[1:]  # a GB18030 byte order mark
            yield from self._split(text)

    def _split(self, text: str) -> Iterator[str]:
        newline = self.newline
        parts = text.split(newline)
        last = parts.pop()
        for part in parts:
            self.lines_done += 1
            self.record_chars += len(part) + 1
            if self.record_chars > MAX_RECORD_CHARS:
                raise self._unclosed_quote()
            yield part + newline
        if last:  # only at the end of the file: blocks end on a line break
            self.lines_done += 1
            self.record_chars += len(last)
            if self.record_chars > MAX_RECORD_CHARS:
                raise self._unclosed_quote()
            yield last

    # -- lines -> rows ----------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, Row]]:
        lines = self._lines()
        buffered: list[str] = []
        for line in lines:
            buffered.append(line)
            self.record_chars = 0
            if line.strip():
                break
        self.delimiter = _sniff_delimiter(buffered[-1] if buffered else "")
        if self.reader is not None:
            self.reader.delimiter = self.delimiter
        records = csv.reader(
            itertools.chain(buffered, lines),
            delimiter=self.delimiter,
            quotechar='"',
            doublequote=True,
            skipinitialspace=False,
            strict=True,
        )
        row_number = 0
        while True:
            self.record_line = records.line_num + 1
            self.record_row = row_number + 1
            self.record_chars = 0
            try:
                record = next(records)
            except StopIteration:
                return
            except csv.Error as exc:
                raise self._malformed(str(exc), row_number + 1, records.line_num) from None
            except FileError as exc:
                exc.details.setdefault("row", row_number + 1)
                raise
            row_number += 1
            if not _is_empty(record):
                yield row_number, tuple(record)

    def _unclosed_quote(self, reason: str = "") -> FileError:
        row, line = self.record_row, self.record_line
        return _error(
            "FILE_MALFORMED",
            f'第 {row} 行（从文本第 {line} 行开始）没有结束，可能是双引号（"）没有配对。'
            '请检查该行的双引号：值中的双引号要写成两个（""）。',
            f"Row {row} (starting on line {line}) never ends: probably an unclosed double "
            'quote ("). Check the quotes on that line; a quote inside a value is written '
            'twice ("").',
            row=row,
            line=line,
            **({"reason": reason} if reason else {}),
        )

    def _malformed(self, reason: str, row: int, line: int) -> FileError:
        if "field larger than field limit" in reason or "unexpected end of data" in reason:
            return self._unclosed_quote(reason)
        if "new-line character" in reason:
            return _error(
                "FILE_MALFORMED",
                f"第 {row} 行（文本第 {line} 行）的值中有换行符（回车符 CR）但没有用双引号括起来。"
                "请删除该换行，或用 Excel 或 WPS 重新另存为 CSV。",
                f"Row {row} (line {line}) has a line break (carriage return) inside a value "
                "that is not in double quotes. Remove it, or save the file as CSV again from "
                "Excel or WPS.",
                row=row,
                line=line,
                reason=reason,
            )
        return _error(
            "FILE_MALFORMED",
            f"第 {row} 行（文本第 {line} 行）的双引号位置不对：整个值要用双引号括起来，"
            '值中的双引号要写成两个（""）。',
            f"Row {row} (line {line}) has a misplaced double quote: enclose the whole value "
            'in double quotes and write a quote inside a value twice ("").',
            row=row,
            line=line,
            reason=reason,
        )


def _sniff_delimiter(line: str) -> str:
    """Comma, tab or semicolon: whichever the header line has most of (comma on a tie)."""
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts.values())
    return next(d for d, n in counts.items() if n == best) if best else ","


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def _invalid_xlsx(reason: str, **details: Any) -> FileError:
    return _error(
        "XLSX_INVALID",
        "文件不是有效的 .xlsx 工作簿（已损坏，或不是 Excel 格式）。" + _SAVE_AS_ZH,
        "The file is not a valid .xlsx workbook (it is damaged or not in Excel format). "
        + _SAVE_AS_EN,
        reason=reason,
        **details,
    )


def _zip_bomb(limits: XlsxLimits, **details: Any) -> FileError:
    return _error(
        "XLSX_ZIP_BOMB",
        f"工作簿解压后过大：解压后不得超过 {_mib(limits.max_uncompressed)}，超过 "
        f"{_mib(limits.ratio_floor)} 时不得超过压缩大小的 {limits.max_ratio:g} 倍。"
        "请删除多余的工作表、图片和带格式的空白区域，或拆分文件；大批量数据请用 CSV 上传。",
        f"The workbook expands too much: at most {_mib(limits.max_uncompressed)} "
        f"uncompressed, and at most {limits.max_ratio:g} times its compressed size once over "
        f"{_mib(limits.ratio_floor)}. Delete extra sheets, pictures and formatted empty "
        "areas, or split the file; upload large data as CSV.",
        **details,
    )


_END_RECORD: Final = b"PK\x05\x06"
_ZIP64_LOCATOR: Final = b"PK\x06\x07"
_INFLATE_CHUNK: Final = 1024 * 1024


def _check_end_record(stream: IO[bytes], size: int, limits: XlsxLimits) -> None:
    """Refuse ZIP64 and archives with too many members before ``zipfile`` lists them all.

    The record is located the way :mod:`zipfile` locates it (the last 22 bytes, else the
    last signature within the trailing 64 KiB comment area), so both see the same archive.
    """
    tail_start = max(0, size - 22 - 0xFFFF)
    stream.seek(tail_start)
    tail = stream.read()
    if tail[-22:-18] == _END_RECORD and tail[-2:] == b"\0\0":
        pos = len(tail) - 22
    else:
        pos = tail.rfind(_END_RECORD)
        if pos < 0 or pos + 22 > len(tail):
            raise _invalid_xlsx("no zip end of central directory record")
    _, _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", tail[pos : pos + 22])
    if tail[max(0, pos - 20) : pos - 16] == _ZIP64_LOCATOR or 0xFFFFFFFF in (cd_size, cd_offset):
        raise _zip_bomb(limits, reason="ZIP64 archive")
    if entries > limits.max_members:
        raise _zip_bomb(limits, reason="too many members", members=entries)


def _inflate(stream: IO[bytes], info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    """The member's content, inflated in chunks and verified: the deflate stream must end
    exactly at the declared size with the declared CRC (a lying header is a known bomb)."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise _error(
            "XLSX_INVALID",
            "工作簿设置了密码。请取消密码后另存为 .xlsx 再上传。",
            "The workbook is password-protected. Remove the password, save as .xlsx and "
            "upload that.",
            reason="encrypted member",
            member=name,
        )
    if not 0 <= info.header_offset <= size - 30:
        raise _invalid_xlsx("local header outside the file", member=name)
    stream.seek(info.header_offset)
    local = stream.read(30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise _invalid_xlsx("bad local header", member=name)
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > size:
        raise _invalid_xlsx("member runs past the end of the file", member=name)
    stream.seek(start)
    remaining = info.compress_size
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _invalid_xlsx("stored member sizes differ", member=name)
        while remaining:
            data = stream.read(min(_INFLATE_CHUNK, remaining))
            if not data:
                raise _invalid_xlsx("truncated member", member=name)
            remaining -= len(data)
            produced += len(data)
            crc = zlib.crc32(data, crc)
            yield data
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        while remaining and not inflater.eof:
            raw = stream.read(min(_INFLATE_CHUNK, remaining))
            if not raw:
                raise _invalid_xlsx("truncated member", member=name)
            remaining -= len(raw)
            while raw:
                try:
                    data = inflater.decompress(raw, _INFLATE_CHUNK)
                except zlib.error as exc:
                    raise _invalid_xlsx(f"corrupt member: {exc}", member=name) from None
                raw = inflater.unconsumed_tail
                produced += len(data)
                if produced > info.file_size:
                    raise _invalid_xlsx("member larger than declared", member=name)
                crc = zlib.crc32(data, crc)
                yield data
        if not inflater.eof:
            raise _invalid_xlsx("member does not end where declared", member=name)
    else:
        raise _invalid_xlsx(f"compression method {info.compress_type}", member=name)
    if produced != info.file_size or crc != info.CRC:
        raise _invalid_xlsx("member size or CRC mismatch", member=name)


# Element names may carry a namespace prefix (``<x:c>``); calamine matches local names.
# A cell holding a value (calamine skips self-closing, valueless cells), with its reference
# if it has one (a cell without one goes after the previous cell of its row).
_CELL_RE: Final = re.compile(
    rb"<(?:c|[\w.-]+:c)(?=[\s/>])(?:[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)(\d+)[\"'])?[^>]*(?<!/)>"
)
_CELL_NO_REF_RE: Final = re.compile(rb"<(?:c|[\w.-]+:c)(?=[\s/>])(?![^>]*\sr\s*=)[^>]*(?<!/)>")
# A row, with its reference if it has one (a row without one follows the previous row).
_ROW_RE: Final = re.compile(rb"<(?:row|[\w.-]+:row)(?=[\s/>])(?:[^>]*?\sr\s*=\s*[\"'](\d+)[\"'])?")
_HUGE: Final = 10**12  # stands for any reference too long to be a real row number


def _max_number(digits: list[bytes]) -> int:
    if max(map(len, digits)) > 12:
        return _HUGE
    return max(map(int, digits))


def _column_number(letters: bytes) -> int:
    if len(letters) > 8:
        return _HUGE
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


class _SheetScanner:
    """Bounds the rows and columns calamine would allocate for a sheet part, from its XML,
    fed in chunks. Over-estimates in odd files (cells without references), never under."""

    def __init__(self) -> None:
        self.carry = b""
        self.max_row = 0  # from cell references
        self.max_col = 0
        self.max_row_tag = 0  # from row references, for rows and cells without one
        self.rows_without_ref = 0
        self.cells_without_ref = 0
        self.run_without_ref = 0  # in the current row
        self.max_run_without_ref = 0

    def feed(self, data: bytes) -> None:
        data = self.carry + data
        cut = data.rfind(b"<")
        if cut < 0 or data.find(b">", cut) >= 0:
            cut = len(data)  # every tag in data is complete
        self.carry = data[cut:]
        if len(self.carry) > _INFLATE_CHUNK:
            raise _invalid_xlsx("unterminated XML tag")
        self._scan(data[:cut])

    def finish(self) -> None:
        self._scan(self.carry)
        self.carry = b""

    def _scan(self, text: bytes) -> None:
        cells = _CELL_RE.findall(text)
        without_ref = False
        if cells:
            columns = set(map(itemgetter(0), cells))
            without_ref = b"" in columns
            columns.discard(b"")
            if columns:
                longest = max(map(len, columns))
                widest = max(c.upper() for c in columns if len(c) == longest)
                self.max_col = max(self.max_col, _column_number(widest))
                rows = [r for r in map(itemgetter(1), cells) if r]
                self.max_row = max(self.max_row, _max_number(rows))
        row_refs = _ROW_RE.findall(text)
        if row_refs:
            numbered = [r for r in row_refs if r]
            self.rows_without_ref += len(row_refs) - len(numbered)
            if numbered:
                self.max_row_tag = max(self.max_row_tag, _max_number(numbered))
        if not without_ref:
            if row_refs:
                self.run_without_ref = 0
            return
        position = 0
        for row in _ROW_RE.finditer(text):
            self._count_run(len(_CELL_NO_REF_RE.findall(text, position, row.start())))
            self.run_without_ref = 0
            position = row.end()
        self._count_run(len(_CELL_NO_REF_RE.findall(text, position)))

    def _count_run(self, cells: int) -> None:
        self.cells_without_ref += cells
        self.run_without_ref += cells
        self.max_run_without_ref = max(self.max_run_without_ref, self.run_without_ref)

    @property
    def rows(self) -> int:
        if not self.cells_without_ref:
            return self.max_row
        return max(self.max_row, self.max_row_tag + self.rows_without_ref)

    @property
    def columns(self) -> int:
        return self.max_col + self.max_run_without_ref


def _check_archive(stream: IO[bytes], size: int, limits: XlsxLimits) -> None:
    """Everything that must hold before calamine may open the workbook."""
    _check_end_record(stream, size, limits)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises many types on garbage: all mean "not a zip"
        raise _invalid_xlsx(f"not a zip archive: {exc}") from None
    names = {info.filename.lower() for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise _unsupported(*_OTHER_FORMATS[".xlsb"], detected="xlsb")
        if "content.xml" in names:
            raise _unsupported(*_OTHER_FORMATS[".ods"], detected="ods")
        raise _invalid_xlsx("zip archive without xl/workbook.xml (not a workbook)")
    if len(infos) > limits.max_members:
        raise _zip_bomb(limits, reason="too many members", members=len(infos))

    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed or (
        total > limits.ratio_floor and total > limits.max_ratio * size
    ):
        raise _zip_bomb(limits, uncompressed=total, compressed=size)
    for info in infos:
        if info.file_size > limits.member_floor and info.file_size > limits.max_member_ratio * max(
            info.compress_size, 1
        ):
            raise _zip_bomb(
                limits,
                member=info.filename,
                uncompressed=info.file_size,
                compressed=info.compress_size,
            )

    for info in infos:
        scanner = _SheetScanner()
        for data in _inflate(stream, info, size):
            scanner.feed(data)
        scanner.finish()
        rows, columns = scanner.rows, scanner.columns
        if (
            rows > limits.max_rows
            or columns > limits.max_columns
            or rows * columns > limits.max_cells
        ):
            raise _error(
                "XLSX_TOO_MANY_CELLS",
                f"工作簿中的工作表（{info.filename}，含隐藏的工作表）有数据的区域达到 {rows} 行 × "
                f"{columns} 列，超过上限：最多 {limits.max_rows} 行、{limits.max_columns} 列、"
                f"共 {limits.max_cells} 个单元格。请删除多余的行、列和工作表，或拆分文件；"
                "大批量数据请用 CSV 上传。",
                f"A worksheet of the workbook ({info.filename}, hidden sheets included) has "
                f"data over {rows} rows × {columns} columns, beyond the limits of "
                f"{limits.max_rows} rows, {limits.max_columns} columns and {limits.max_cells} "
                "cells. Delete extra rows, columns and sheets, or split the file; upload "
                "large data as CSV.",
                member=info.filename,
                rows=rows,
                columns=columns,
            )


def _calamine_call[T](call: Callable[[], T]) -> T:
    """Run a calamine call; whatever it raises on a damaged file, even a Rust panic (which
    pyo3 raises as a ``BaseException``), becomes ``XLSX_INVALID``."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except python_calamine.PasswordError:
        raise _error(
            "XLSX_INVALID",
            "工作簿设置了密码。请取消密码后另存为 .xlsx 再上传。",
            "The workbook is password-protected. Remove the password, save as .xlsx and "
            "upload that.",
            reason="password",
        ) from None
    except BaseException as exc:
        raise _invalid_xlsx(f"{type(exc).__name__}: {exc}") from None


def _close_quietly(workbook: python_calamine.CalamineWorkbook) -> None:
    with contextlib.suppress(Exception):
        workbook.close()


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return value or None  # calamine gives "" for empty and error cells
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_FLOAT_INT:
        return int(value)  # 20230101.0 -> 20230101
    return value


# Integers beyond 2**53 are not exact in a float: such a cell (an 18-digit code typed as a
# number) has already lost digits in Excel, so it stays a float for the caller to refuse
# with a "format the column as text" hint rather than passing on a plausible wrong code.
_EXACT_FLOAT_INT: Final = 2**53


def _trim(cells: tuple[object, ...]) -> tuple[object, ...]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return cells[:end]


def _open_xlsx(
    stream: IO[bytes],
    path: Path | None,
    extension: str,
    stack: contextlib.ExitStack,
    size: int | None,
    max_bytes: int,
    limits: XlsxLimits,
) -> TableReader:
    if size is None or stream.tell() != 0:
        # zipfile and calamine both need a seekable file that starts with the archive.
        spool = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by stack)
        size = 0
        while chunk := stream.read(_INFLATE_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            spool.write(chunk)
        spool.seek(0)
        stream, path = spool, None
    _check_archive(stream, size, limits)
    stream.seek(0)
    if path is not None and extension in _XLSX_EXTENSIONS:
        workbook = _calamine_call(lambda: python_calamine.CalamineWorkbook.from_path(path))
    else:
        workbook = _calamine_call(lambda: python_calamine.CalamineWorkbook.from_filelike(stream))
    stack.callback(_close_quietly, workbook)
    visible = [
        meta.name
        for meta in _calamine_call(lambda: workbook.sheets_metadata)
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        and meta.visible == python_calamine.SheetVisibleEnum.Visible
    ]
    if not visible:
        raise _error(
            "XLSX_NO_SHEET",
            "工作簿中没有可见的工作表。请把数据放在第一个工作表中并取消隐藏。",
            "The workbook has no visible worksheet. Put the data on the first sheet and unhide it.",
        )
    name = visible[0]
    sheet = _calamine_call(lambda: workbook.get_sheet_by_name(name))
    start = sheet.start
    end = sheet.end
    pad: tuple[None, ...] = (None,) * (start[1] if start else 0)
    total = end[0] + 1 if end else 0

    def rows() -> Iterator[tuple[int, Row]]:
        # python-calamine yields rows from row 1 of the sheet (leading empty rows included)
        # but columns from the first one holding data; padding restores column letters.
        iterator = _calamine_call(sheet.iter_rows)
        number = 0
        while True:
            raw = _calamine_call(lambda: next(iterator, None))
            if raw is None:
                return
            number += 1
            if reader is not None:
                reader.bytes_read = number
            cells = _trim(pad + tuple(_xlsx_value(v) for v in raw))
            if not _is_empty(cells):
                yield number, cells

    reader: TableReader | None = None
    reader = TableReader("xlsx", rows(), stack, total=total, sheet_name=name)
    return reader


# --------------------------------------------------------------------------------------------
# Writing rejected rows
# --------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry (openpyxl refuses them); they can arrive in a CSV value.
_ILLEGAL_XML_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_MAX_CHARS: Final = 32767
_EXCEL_DIGITS: Final = 15  # Excel keeps 15 significant digits of a number


def _xlsx_cell(value: object) -> object:
    """A value openpyxl writes as Excel shows it, neutralised against formula injection."""
    if value is None or isinstance(value, bool | dt.timedelta):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**_EXCEL_DIGITS else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        exact = value.is_finite() and len(value.as_tuple().digits) <= _EXCEL_DIGITS
        return value if exact else str(value)
    if isinstance(value, dt.datetime | dt.time):
        return value if value.tzinfo is None else value.isoformat()  # Excel has no zones
    if isinstance(value, dt.date):
        return value
    text = _ILLEGAL_XML_RE.sub("\ufffd", value if isinstance(value, str) else str(value))
    if len(text) > _EXCEL_MAX_CHARS:
        text = text[: _EXCEL_MAX_CHARS - 1] + "…"
    return neutralise_cell(text)


def _sheet_title(title: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31]
    return title or "Sheet1"


def write_rows_xlsx(
    out: IO[bytes] | str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Sheet1",
) -> None:
    """Write a header and rows as an .xlsx, streaming (openpyxl write-only mode).

    Every cell goes through :func:`neutralise_cell`; characters XML cannot hold become
    U+FFFD; text over Excel's 32,767 characters is cut; integers of 15 digits or more and
    time-zone-aware datetimes are written as text so Excel shows them unchanged. The header
    is bold and frozen.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(value))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    workbook.save(out)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return str(neutralise_cell(value))
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number we hold cannot be a formula
    return str(neutralise_cell(str(value)))


def write_rows_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a header and rows as CSV to a text stream the caller opened.

    Open it with ``encoding="utf-8-sig", newline=""`` so that Excel detects UTF-8. Strings
    go through :func:`neutralise_cell`; dates are written as ``YYYY-MM-DD``.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
