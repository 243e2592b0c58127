"""Fuzz tests: whatever bytes are uploaded, reading them ends in rows or a ``FileError``.

Why: an upload is untrusted input handed to three parsers (our CSV decoder, Python's
``zipfile`` and calamine, a Rust library that may panic). Any other exception would reach the
ingestion task as a crash instead of a batch refused with a coded, bilingual message, and a
clerk would see "internal error" instead of what to fix. Examples are bounded so the suite
stays quick; each strategy aims at one parser layer (raw bytes, CSV-like text, damaged
workbooks, well-formed archives holding odd sheet XML).
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xinyong.records.files import FileError, open_table

FUZZ = settings(
    max_examples=max(200, settings().max_examples),  # `make fuzz` raises it
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def read_everything(data: bytes, filename: str) -> None:
    """Read the whole table; only a ``FileError`` may come out."""
    try:
        with open_table(io.BytesIO(data), filename=filename) as reader:
            assert isinstance(reader.header, tuple)
            for number, cells in reader:
                assert number > reader.header_row
                assert isinstance(cells, tuple)
    except FileError as error:
        assert error.code and error.message_zh and error.message_en


@cache
def small_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["行政相对人名称", "处罚决定日期", "罚款金额（万元）"])
    sheet.append(["某某公司", "2024-03-05", 1.5])
    sheet.append(["张三", 20240306, "=1+2"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@FUZZ
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_as_csv(data: bytes) -> None:
    read_everything(data, "upload.csv")


@FUZZ
@given(data=st.binary(max_size=4096), zip_like=st.booleans())
def test_arbitrary_bytes_as_xlsx(data: bytes, zip_like: bool) -> None:
    read_everything(b"PK\x03\x04" + data if zip_like else data, "upload.xlsx")


CSV_ALPHABET = st.sampled_from(
    [",", ";", "\t", '"', "\n", "\r", "\r\n", " ", "a", "1", "=", "中", "𠀀", "\ufeff", "\x00"]
)


@FUZZ
@given(
    text=st.lists(CSV_ALPHABET, max_size=300).map("".join),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_csv_like_text(text: str, encoding: str) -> None:
    read_everything(text.encode(encoding), "upload.csv")


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=8,
    )
)
# Found by CI: a damaged central directory points the local header before the file's start.
@example(changes=[(116_157_407_993_765, 18)])
def test_damaged_workbook(changes: list[tuple[int, int]]) -> None:
    data = bytearray(small_workbook())
    for position, value in changes:
        data[position % len(data)] = value
    read_everything(bytes(data), "upload.xlsx")


SHEET_XML_PIECES = st.sampled_from(
    [
        "<row>",
        '<row r="2">',
        '<row r="99999999999999">',
        "</row>",
        '<c r="A1">',
        '<c r="B2" t="s">',
        '<c r="C3" t="inlineStr"><is><t>中</t></is>',
        '<c t="b">',
        '<c r="XFD1">',
        "<c>",
        "</c>",
        "<v>1</v>",
        "<v>0</v>",
        "<v>44927.5</v>",
        "<v>abc</v>",
        "<v>99999999999999999999</v>",
        "<f>1+2</f>",
        "<c/>",
        "<",
        ">",
        "&amp;",
        "&bogus;",
    ]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(SHEET_XML_PIECES, max_size=40))
def test_well_formed_archive_with_odd_sheet_xml(pieces: list[str]) -> None:
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(pieces) + "</sheetData></worksheet>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small_workbook())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else content)
    read_everything(out.getvalue(), "upload.xlsx")
