"""Rows and files of test data for collection: penalty rows with valid codes, written as
JSON, CSV (UTF-8, GBK, GB18030) or XLSX, headed by field codes or Chinese field names."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from xinyong.core.tests.fixtures import resident_id_for, uscc_for
from xinyong.policy.dates import add_months

#: The CF_* columns of a penalty row, in the order of the national standard.
PENALTY_COLUMNS = [
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_FRDB",
    "CF_XDR_ZJLX",
    "CF_XDR_ZJHM",
    "CF_WSH",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_NR",
    "CF_NR_FK",
    "CF_JDRQ",
    "CF_YXQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_SJLY",
    "CF_SJLYDM",
    "XY_QZCD",
    "BZ",
]

#: Chinese field names of the columns (the CF item of policy/catalog/national-*.toml).
CHINESE_NAMES = {
    "CF_XDR_MC": "行政相对人名称",
    "CF_XDR_LB": "行政相对人类别",
    "CF_XDR_SHXYM": "统一社会信用代码",
    "CF_FRDB": "法定代表人",
    "CF_XDR_ZJLX": "证件类型",
    "CF_XDR_ZJHM": "证件号码",
    "CF_WSH": "行政处罚决定书文号",
    "CF_WFXW": "违法行为类型",
    "CF_SY": "违法事实",
    "CF_YJ": "处罚依据",
    "CF_CFLB": "处罚类别",
    "CF_NR": "处罚内容",
    "CF_NR_FK": "罚款金额（万元）",
    "CF_JDRQ": "处罚决定日期",
    "CF_YXQ": "处罚有效期",
    "CF_CFJG": "处罚机关",
    "CF_CFJGDM": "处罚机关统一社会信用代码",
    "CF_SJLY": "数据来源单位",
    "CF_SJLYDM": "数据来源单位统一社会信用代码",
    "XY_QZCD": "违法行为轻重程度",
    "BZ": "备注",
}


def penalty_row(
    n: int,
    authority: str,
    *,
    uscc: str | None = None,
    decided: date = date(2025, 6, 5),
    person: bool = False,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid penalty row (number ``n``) of the authority with code ``authority``."""
    row: dict[str, Any] = {
        "CF_XDR_MC": f"杭州测试{n}号贸易有限公司" if not person else f"张{n}",
        "CF_XDR_LB": "法人及非法人组织" if not person else "自然人",
        "CF_XDR_SHXYM": "" if person else (uscc or uscc_for()),
        "CF_FRDB": "" if person else "李明",
        "CF_XDR_ZJLX": "01" if person else "",
        "CF_XDR_ZJHM": resident_id_for() if person else "",
        "CF_WSH": f"杭市监罚〔2025〕{n}号",
        "CF_WFXW": "销售不符合标准的产品",
        "CF_SY": "经查，当事人销售的产品经抽检不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "警告；罚款",
        "CF_NR": "警告，并处罚款1.5万元",
        "CF_NR_FK": "1.5",
        "CF_JDRQ": decided.isoformat(),
        "CF_YXQ": add_months(decided, 12).isoformat(),
        "CF_CFJG": "杭州市市场监督管理局",
        "CF_CFJGDM": authority,
        "CF_SJLY": "杭州市市场监督管理局",
        "CF_SJLYDM": authority,
        "XY_QZCD": "一般",
        "BZ": "",
    }
    row.update(overrides)
    return row


def header_for(columns: Sequence[str], *, chinese: bool) -> list[str]:
    return [CHINESE_NAMES.get(c, c) if chinese else c for c in columns]


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = "utf-8",
    chinese: bool = False,
    columns: Sequence[str] = PENALTY_COLUMNS,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header_for(columns, chinese=chinese))
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    chinese: bool = False,
    columns: Sequence[str] = PENALTY_COLUMNS,
) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("处罚")
    sheet.append(header_for(columns, chinese=chinese))
    for row in rows:
        sheet.append([row.get(c) if row.get(c) != "" else None for c in columns])
    workbook.save(path)
    return path


def read_xlsx(path: Path | io.BytesIO) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]
