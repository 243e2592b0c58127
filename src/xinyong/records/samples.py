"""A sample penalty file for the demo: something a department clerk can upload to see
collection work — mostly good rows and a few with the mistakes clerks really make.

``xinyong demo`` writes it under ``var/demo/`` in GBK with Chinese column names (the form a
department's spreadsheet export usually takes), and its output says how to import it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from xinyong.core.models import Department, Subject

#: Columns in the national penalty format (RULES §1), given by their Chinese names.
COLUMNS = [
    ("CF_XDR_MC", "行政相对人名称"),
    ("CF_XDR_LB", "行政相对人类别"),
    ("CF_XDR_SHXYM", "统一社会信用代码"),
    ("CF_FRDB", "法定代表人"),
    ("CF_WSH", "行政处罚决定书文号"),
    ("CF_WFXW", "违法行为类型"),
    ("CF_SY", "违法事实"),
    ("CF_YJ", "处罚依据"),
    ("CF_CFLB", "处罚类别"),
    ("CF_NR", "处罚内容"),
    ("CF_NR_FK", "罚款金额（万元）"),
    ("CF_JDRQ", "处罚决定日期"),
    ("CF_YXQ", "处罚有效期"),
    ("CF_CFJG", "处罚机关"),
    ("CF_CFJGDM", "处罚机关统一社会信用代码"),
    ("CF_SJLY", "数据来源单位"),
    ("CF_SJLYDM", "数据来源单位统一社会信用代码"),
    ("XY_QZCD", "违法行为轻重程度"),
]


@dataclass(frozen=True)
class SampleFile:
    path: Path
    rows: int
    bad_rows: int


def _row(n: int, subject: Subject, department: Department, decided: date) -> dict[str, str]:
    fine = f"{(n % 9 + 1) * 0.5:.1f}"
    return {
        "CF_XDR_MC": subject.name,
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": subject.uscc or "",
        "CF_FRDB": "王示例",
        "CF_WSH": f"示市监罚〔{decided.year}〕{n}号",
        "CF_WFXW": "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
        "CF_SY": "经查，当事人在其经营场所销售的产品经抽样检验不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "警告；罚款" if n % 3 else "罚款",
        "CF_NR": f"警告，并处罚款{fine}万元",
        "CF_NR_FK": fine,
        "CF_JDRQ": decided.isoformat() if n % 2 else decided.strftime("%Y%m%d"),
        "CF_YXQ": (decided + timedelta(days=365)).isoformat(),
        "CF_CFJG": department.name,
        "CF_CFJGDM": department.code,
        "CF_SJLY": department.name,
        "CF_SJLYDM": department.code,
        "XY_QZCD": "一般",
    }


def write_sample_penalties(
    path: Path, *, department: Department, subjects: Sequence[Subject], today: date
) -> SampleFile:
    """Write ``len(subjects)`` good rows and five bad ones, in GBK, with Chinese headers."""
    rows = [
        _row(n, subject, department, today - timedelta(days=3 + n % 20))
        for n, subject in enumerate(subjects, start=1)
    ]
    first = rows[0]
    bad = [
        # a unified social credit code with a wrong check character
        {**_row(901, subjects[0], department, today - timedelta(days=5)),
         "CF_XDR_SHXYM": first["CF_XDR_SHXYM"][:17]
         + ("0" if first["CF_XDR_SHXYM"][17] != "0" else "1")},
        # a penalty category abolished on 2021-07-15 used on a recent decision
        {**_row(902, subjects[1], department, today - timedelta(days=5)),
         "CF_CFLB": "暂扣或者吊销许可证、暂扣或者吊销执照"},
        # the decision number is missing
        {**_row(903, subjects[2], department, today - timedelta(days=5)), "CF_WSH": ""},
        # the fine in 元 instead of 万元
        {**_row(904, subjects[3], department, today - timedelta(days=5)), "CF_NR_FK": "15000元"},
        # the first row sent twice in the same file
        dict(first),
    ]  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for _code, name in COLUMNS])
        for row in [*rows, *bad]:
            writer.writerow([row[code] for code, _name in COLUMNS])
    return SampleFile(path=path, rows=len(rows) + len(bad), bad_rows=len(bad))
