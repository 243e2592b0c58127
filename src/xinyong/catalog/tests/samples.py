# ruff: noqa: E501 — catalog TOML lines are long by nature (one field per line).
"""Small catalog texts and rows the tests start from (valid; tests break them on purpose)."""

from __future__ import annotations

from datetime import date
from typing import Any

from xinyong.core import identifiers

#: A minimal provincial supplement: one item, one code list, one field set.
SUPPLEMENT = """
kind = "catalog"
code = "test-supplement"
edition = "1"
effective_from = 2024-01-01
jurisdiction = "provincial"
legal_source = "测试补充目录"
title_zh = "测试补充目录"
title_en = "Test supplement"

[[categories]]
code = "test"
name_zh = "测试类"
name_en = "Test category"

[[code_lists]]
code = "subject_category"
name_zh = "行政相对人类别"
name_en = "Subject category"
entries = [
  { code = "01", name_zh = "法人及非法人组织", name_en = "Legal person", subject_kind = "legal_person" },
  { code = "02", name_zh = "自然人", name_en = "Natural person", subject_kind = "natural_person" },
]

[[code_lists]]
code = "id_type"
name_zh = "证件类型"
name_en = "ID type"
entries = [{ code = "01", name_zh = "身份证", name_en = "Resident ID" }]

[[code_lists]]
code = "doc_type"
name_zh = "文书类型"
name_en = "Document type"
entries = [{ code = "01", name_zh = "判决书", name_en = "Judgment" }]

[[field_sets]]
code = "subject"
fields = [
  { code = "{p}_MC", name_zh = "名称", name_en = "Name", type = "text", max_length = 100, required = true, role = "subject_name" },
  { code = "{p}_LB", name_zh = "类别", name_en = "Category", type = "code", code_list = "subject_category", required = true, role = "subject_category" },
  { code = "{p}_DM", name_zh = "统一社会信用代码", name_en = "USCC", type = "uscc", role = "uscc" },
]

[[items]]
code = "T_ONE"
name_zh = "测试目录项"
name_en = "Test item"
category = "test"
record_kind = "other"
legal_basis = "测试依据"
disclosure = "public"
sharing_scope = ["all_departments"]
publication_rule = { type = "fixed", months = 12 }
reporting_deadline_working_days = 3
subject_kinds = ["legal_person", "natural_person"]
reporter_kinds = ["credit_office"]
key_field = "T_WH"
date_field = "T_RQ"
fields = [
  { use = "subject", prefix = "T" },
  { code = "T_WH", name_zh = "文号", name_en = "Number", type = "text", required = true },
  { code = "T_RQ", name_zh = "日期", name_en = "Date", type = "date", required = true },
]
"""


def supplement(**replace: str) -> str:
    """:data:`SUPPLEMENT` with text replaced (``old=new`` pairs given as a dict of strings)."""
    text = SUPPLEMENT
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def uscc(org_body: str = "12345678", authority: str = "9", org_type: str = "1") -> str:
    """A valid unified social credit code (division 330100, 杭州市)."""
    return identifiers.make_uscc(authority, org_type, "330100", org_body)


AUTHORITY = uscc("00000001", "1", "1")


def penalty_row(**values: Any) -> dict[str, Any]:
    """A valid penalty (CF) row of a legal person decided on 2023-06-01; ``values`` override
    (``None`` removes a field)."""
    row: dict[str, Any] = {
        "CF_XDR_MC": "杭州示例科技有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": uscc(),
        "CF_FRDB": "张三",
        "CF_WSH": "杭市监罚〔2023〕12号",
        "CF_WFXW": "虚假宣传",
        "CF_SY": "在其网站上作虚假宣传",
        "CF_YJ": "《中华人民共和国反不正当竞争法》第二十条",
        "CF_CFLB": "警告；罚款",
        "CF_NR": "警告并处罚款一万五千元",
        "CF_NR_FK": "1.5",
        "CF_JDRQ": "2023-06-01",
        "CF_YXQ": "2024-06-01",
        "CF_CFJG": "杭州市市场监督管理局",
        "CF_CFJGDM": AUTHORITY,
        "CF_SJLY": "杭州市市场监督管理局",
        "CF_SJLYDM": AUTHORITY,
    }
    for key, value in values.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    return row


def licence_row(**values: Any) -> dict[str, Any]:
    """A valid licence (XK) row of a legal person decided on 2023-06-01."""
    row: dict[str, Any] = {
        "XK_XDR_MC": "杭州示例科技有限公司",
        "XK_XDR_LB": "01",
        "XK_XDR_SHXYM": uscc(),
        "XK_FRDB": "张三",
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": "杭市监许〔2023〕8号",
        "XK_XKLB": "普通",
        "XK_NR": "食品经营许可",
        "XK_JDRQ": "2023-06-01",
        "XK_YXQZ": "2023-06-01",
        "XK_YXQZI": "2028-05-31",
        "XK_XKJG": "杭州市市场监督管理局",
        "XK_XKJGDM": AUTHORITY,
    }
    for key, value in values.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    return row


TODAY = date(2025, 6, 2)
