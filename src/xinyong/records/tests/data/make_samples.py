"""Regenerate the sample upload files in this folder: ``python make_samples.py``.

Small files as departments send them, for tests and for trying the upload by hand: a penalty
file saved by Chinese Excel as GBK CSV, a licence file as UTF-8 CSV with BOM using the
field codes of the national standard, a tab-separated export and an .xlsx workbook. The
unified social credit codes carry valid check characters (GB 32100-2015, RULES.md §2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(body17: str) -> str:
    """A unified social credit code: 17 characters plus the GB 32100-2015 check character."""
    total = sum(_ALPHABET.index(c) * w for c, w in zip(body17, _WEIGHTS, strict=True))
    return body17 + _ALPHABET[(31 - total % 31) % 31]


PENALTY_HEADER = [
    "行政相对人名称*",
    "统一社会信用代码",
    "处罚决定书文号（必填）",
    "处罚类别*",
    "处罚决定日期*",
    "罚款金额（万元）",
]
PENALTIES = [
    [
        "某某市㐀记餐饮有限公司",
        uscc("91110105MA01ABCD1"),
        "京朝市监罚〔2024〕101号",
        "罚款",
        "2024-03-05",
        "0.5",
    ],
    [
        "某某建材经营部",
        uscc("92110105MA02EFGH2"),
        "京朝市监罚〔2024〕102号",
        "警告;罚款",
        "20240306",
        "1.2",
    ],
    ["张三", "", "京朝市监罚〔2024〕103号", "警告", "2024-03-07", ""],
]
LICENCE_HEADER = ["XK_XDR_MC", "XK_XDR_SHXYM", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_JDRQ"]
LICENCES = [
    [
        "某某科技有限公司",
        uscc("91310000MA1FL0001"),
        "食品经营许可决定书",
        "沪食许〔2024〕1号",
        "普通",
        "2024-01-02",
    ],
    [
        "某某药房",
        uscc("92310000MA1FL0002"),
        "药品经营许可决定书",
        "沪药许〔2024〕2号",
        "核准",
        "2024-01-03",
    ],
]


def main() -> None:
    with (HERE / "penalties_gbk.csv").open("w", encoding="gbk", newline="") as f:
        for row in [PENALTY_HEADER, *PENALTIES]:
            # 㐀 (CJK Extension A) is not in GBK: the GBK sample spells that name without it.
            f.write(",".join(c.replace("㐀", "王") for c in row) + "\r\n")
    with (HERE / "penalties_gb18030.csv").open("w", encoding="gb18030", newline="") as f:
        for row in [PENALTY_HEADER, *PENALTIES]:
            f.write(",".join(row) + "\r\n")
    with (HERE / "licences_utf8_bom.csv").open("w", encoding="utf-8-sig", newline="") as f:
        for row in [LICENCE_HEADER, *LICENCES]:
            f.write(",".join(row) + "\r\n")
    with (HERE / "licences_tab.txt").open("w", encoding="utf-8", newline="") as f:
        for row in [LICENCE_HEADER, *LICENCES]:
            f.write("\t".join(row) + "\n")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "行政许可"
    sheet.append(LICENCE_HEADER)
    for row in LICENCES:
        sheet.append([*row[:5], dt.date.fromisoformat(row[5])])
    workbook.properties.created = dt.datetime(2024, 1, 1)  # reproducible bytes
    workbook.save(HERE / "licences.xlsx")


if __name__ == "__main__":
    main()
