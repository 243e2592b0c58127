"""Row validation (RULES §1–§3, issue 3 item 4): every rule, every problem of a row reported
with its field, a stable code and messages in Chinese and English."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from xinyong.catalog.fields import FIELD_ERROR_CODES
from xinyong.catalog.queries import CatalogItemDef, catalog_item
from xinyong.catalog.tests.samples import TODAY, licence_row, penalty_row, uscc
from xinyong.catalog.validation import (
    ROW_ERROR_CODES,
    ROW_WARNING_CODES,
    ValidatedRow,
    validate_row,
)
from xinyong.core import identifiers
from xinyong.policy.loader import FileOutcome

pytestmark = pytest.mark.usefixtures("loaded_policy")

ON = date(2025, 6, 1)  # the 2024 edition (placeholder date 2025-01-01) is in force


def item(code: str) -> CatalogItemDef:
    return catalog_item(code, on=ON)


def check(code: str, row: dict[str, Any], *, today: date = TODAY) -> ValidatedRow:
    result = validate_row(item(code), row, today=today)
    known = FIELD_ERROR_CODES | ROW_ERROR_CODES | identifiers.ERROR_CODES
    for issue in result.errors:
        assert issue.code in known, issue
        assert issue.message_zh and issue.message_en
    for issue in result.warnings:
        assert issue.code in ROW_WARNING_CODES | identifiers.WARNING_CODES, issue
    return result


def errors(result: ValidatedRow) -> list[tuple[str | None, str]]:
    return [(e.field, e.code) for e in result.errors]


def warnings(result: ValidatedRow) -> list[tuple[str | None, str]]:
    return [(w.field, w.code) for w in result.warnings]


# -- a good row ---------------------------------------------------------------------------------


def test_a_valid_penalty_row() -> None:
    result = check("CF", penalty_row())
    assert result.ok, result.errors
    assert result.decision_number == "杭市监罚〔2023〕12号"
    assert result.decision_date == date(2023, 6, 1)
    assert result.valid_until == date(2024, 6, 1)
    assert result.categories == ("01", "03")
    assert (result.severity, result.specific_serious) == ("general", False)
    assert warnings(result) == [("XY_QZCD", "SEVERITY_DEFAULTED")]
    assert result.values["CF_NR_FK"] == "1.5"
    assert result.values["CF_JDRQ"] == "2023-06-01"
    assert result.values["CF_XDR_LB"] == "01"
    assert result.values["CF_CFLB"] == ["01", "03"]
    assert result.values["CF_GSJZQ"] is None
    assert set(result.values) == {f.code for f in item("CF").fields}
    subject = result.subject
    assert subject is not None
    assert (subject.kind, subject.name, subject.uscc) == (
        "legal_person",
        "杭州示例科技有限公司",
        uscc(),
    )
    assert (subject.id_type, subject.id_number, dict(subject.legacy)) == (None, None, {})


def test_a_valid_licence_row_with_names_for_codes() -> None:
    result = check("XK", licence_row())
    assert result.ok, result.errors
    assert result.values["XK_XKLB"] == "01"
    assert result.valid_until == date(2028, 5, 31)
    assert result.severity is None and result.categories == ()


@pytest.mark.parametrize("raw", ["2023-06-01", "20230601", "2023/06/01", date(2023, 6, 1)])
def test_both_date_formats_and_spreadsheet_dates(raw: object) -> None:
    result = check("CF", penalty_row(CF_JDRQ=raw, CF_YXQ="20240601"))
    assert result.ok, result.errors
    assert result.decision_date == date(2023, 6, 1)


def test_spreadsheet_values() -> None:
    row = penalty_row(CF_XDR_LB=1, CF_NR_FK=1.5, CF_JDRQ=date(2023, 6, 1), CF_YXQ=20240601)
    result = check("CF", row)
    assert result.ok, result.errors
    assert result.values["CF_XDR_LB"] == "01" and result.values["CF_NR_FK"] == "1.5"


# -- every error of a row -----------------------------------------------------------------------


def test_all_errors_of_a_row_are_collected_in_field_order() -> None:
    row = penalty_row(
        CF_XDR_MC="",
        CF_FRDB=None,
        CF_CFLB="吊销执照；罚款",
        CF_NR_FK="15000元",
        CF_JDRQ="2023-6-1",
        CF_CFJGDM="123",
        FOO="bar",
    )
    result = check("CF", row)
    assert not result.ok
    assert errors(result) == [
        ("CF_XDR_MC", "FIELD_REQUIRED"),
        ("CF_FRDB", "FIELD_REQUIRED"),
        ("CF_NR_FK", "FIELD_AMOUNT_IN_YUAN"),
        ("CF_JDRQ", "FIELD_DATE_INVALID"),
        ("CF_CFJGDM", "USCC_BAD_LENGTH"),
    ]
    assert ("FOO", "FIELD_NOT_IN_CATALOG") in warnings(result)
    # With the decision date unreadable, the categories are accepted from either period.
    assert result.values["CF_CFLB"] == ["L05", "03"]
    assert result.subject is None  # no name


def test_messages_say_what_was_found_and_what_is_expected() -> None:
    result = check("CF", penalty_row(CF_JDRQ="2023-03-01", CF_CFLB="吊销执照"))
    (issue,) = result.errors
    assert (issue.field, issue.code) == ("CF_CFLB", "FIELD_CODE_NOT_IN_FORCE")
    assert (
        "处罚类别”（CF_CFLB）中的“吊销执照”是2021年7月15日前的旧类别，决定日期2023-03-01"
        "应使用新类别：吊销许可证件" in issue.message_zh
    )
    assert "decisions before 2021-07-15" in issue.message_en


# -- penalty categories by decision date --------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "categories", "ok"),
    [
        ("2021-07-14", "暂扣或者吊销许可证、暂扣或者吊销执照；罚款", True),
        ("2021-07-14", "吊销许可证件", False),
        ("2021-07-14", "通报批评", False),
        ("2021-07-15", "吊销许可证件；罚款", True),
        ("2021-07-15", "吊销执照", False),
        ("2021-07-15", "没收违法所得、没收非法财物", True),
    ],
)
def test_penalty_categories_either_side_of_2021_07_15(
    decided: str, categories: str, ok: bool
) -> None:
    row = penalty_row(CF_JDRQ=decided, CF_YXQ="2022-07-15", CF_CFLB=categories)
    result = check("CF", row, today=TODAY)
    # 2021 decisions have no regime problem: both are under 527号.
    assert result.ok is ok, result.errors
    if not ok:
        assert errors(result) == [("CF_CFLB", "FIELD_CODE_NOT_IN_FORCE")]


# -- subjects -----------------------------------------------------------------------------------


def test_placeholder_for_an_individual_business_needs_the_registration_number() -> None:
    reg_no = identifiers.make_business_reg_no("330100", "00012345")
    row = penalty_row(
        CF_XDR_LB="个体工商户",
        CF_XDR_SHXYM=identifiers.USCC_PLACEHOLDER,
        CF_XDR_GSZC=reg_no,
        CF_FRDB=None,
    )
    result = check("CF", row)
    assert result.ok, result.errors
    assert result.subject is not None
    assert (result.subject.kind, result.subject.uscc) == ("individual_business", None)
    assert dict(result.subject.legacy) == {"business_reg_no": reg_no}
    assert not [w for w in result.warnings if w.code.startswith("USCC_PLACEHOLDER")]
    result = check("CF", {**row, "CF_XDR_GSZC": ""})
    assert errors(result) == [("CF_XDR_GSZC", "SUBJECT_PLACEHOLDER_REG_NO_REQUIRED")]
    assert "00000000000000000X" in result.errors[0].message_zh


def test_an_individual_business_needs_a_code_or_the_placeholder() -> None:
    row = penalty_row(CF_XDR_LB="个体工商户", CF_XDR_SHXYM=None, CF_FRDB=None)
    assert errors(check("CF", row)) == [("CF_XDR_SHXYM", "FIELD_REQUIRED")]


def test_the_placeholder_is_refused_for_other_subjects() -> None:
    result = check("CF", penalty_row(CF_XDR_SHXYM=identifiers.USCC_PLACEHOLDER))
    assert errors(result) == [("CF_XDR_SHXYM", "USCC_PLACEHOLDER_NOT_ALLOWED")]
    assert "个体工商户" in result.errors[0].message_zh


def test_an_organisation_needs_an_organisation_identifier() -> None:
    result = check("CF", penalty_row(CF_XDR_SHXYM=None))
    assert errors(result) == [("CF_XDR_SHXYM", "SUBJECT_IDENTIFIER_REQUIRED")]
    result = check("CF", penalty_row(CF_XDR_SHXYM=None, CF_XDR_ZZJG="12345678-7"))
    assert result.ok, result.errors
    assert result.subject is not None and dict(result.subject.legacy) == {"org_code": "123456787"}


def test_identifier_warnings_become_row_warnings() -> None:
    first17 = "91330100" + "12345678" + "0"
    code = first17 + identifiers.uscc_check_character(first17)
    result = check("CF", penalty_row(CF_XDR_SHXYM=code))
    assert result.ok
    assert ("CF_XDR_SHXYM", "USCC_ORG_CODE_MISMATCH") in warnings(result)


def test_natural_persons_need_an_id_checked_by_its_type() -> None:
    person = {"CF_XDR_LB": "自然人", "CF_XDR_SHXYM": None, "CF_FRDB": None, "CF_XDR_MC": "李四"}
    result = check("CF", penalty_row(**person))
    assert errors(result) == [
        ("CF_XDR_ZJLX", "FIELD_REQUIRED"),
        ("CF_XDR_ZJHM", "FIELD_REQUIRED"),
    ]
    assert "自然人" in result.errors[0].message_zh
    number = identifiers.make_resident_id("110101", date(1990, 5, 17), "123")
    result = check("CF", penalty_row(**person, CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=number))
    assert result.ok, result.errors
    assert result.subject is not None
    assert (result.subject.kind, result.subject.id_type, result.subject.id_number) == (
        "natural_person", "01", number,
    )  # fmt: skip
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    result = check("CF", penalty_row(**person, CF_XDR_ZJLX="01", CF_XDR_ZJHM=bad))
    assert errors(result) == [("CF_XDR_ZJHM", "ID_BAD_CHECK")]
    assert "身份证" in result.errors[0].message_zh
    result = check("CF", penalty_row(**person, CF_XDR_ZJLX="02", CF_XDR_ZJHM="E12345678"))
    assert result.ok, result.errors


def test_an_id_number_without_its_type_and_the_other_way_round() -> None:
    result = check("CF", penalty_row(CF_FR_ZJHM="E12345678"))
    assert errors(result) == [("CF_FR_ZJLX", "FIELD_REQUIRED")]
    result = check("CF", penalty_row(CF_FR_ZJLX="02"))
    assert errors(result) == [("CF_FR_ZJHM", "FIELD_REQUIRED")]


def test_the_item_must_apply_to_the_subject_kind() -> None:
    row = {
        "ZG_XDR_MC": "杭州示例科技有限公司",
        "ZG_XDR_LB": "01",
        "ZG_XDR_SHXYM": uscc(),
        "ZG_FRDB": "张三",
        "ZG_ZSBH": "Z-1",
        "ZG_ZGMC": "注册会计师",
        "ZG_QDRQ": "2020-01-01",
        "ZG_FZJG": "财政部",
    }
    result = check("ZYZG", row)
    assert errors(result) == [("ZG_XDR_LB", "SUBJECT_KIND_NOT_ALLOWED")]
    assert "自然人" in result.errors[0].message_zh


# -- dates --------------------------------------------------------------------------------------


def test_decision_date_not_in_the_future_nor_before_1949() -> None:
    result = check("CF", penalty_row(CF_JDRQ="2025-06-03", CF_YXQ="2026-06-03"))
    assert errors(result) == [("CF_JDRQ", "DECISION_DATE_IN_FUTURE")]
    assert "2025-06-02" in result.errors[0].message_zh
    assert check("CF", penalty_row(CF_JDRQ="2025-06-02", CF_YXQ="2026-06-03")).ok
    result = check("CF", penalty_row(CF_JDRQ="1948-12-31"))
    assert errors(result) == [("CF_JDRQ", "FIELD_DATE_TOO_EARLY")]


def test_validity_not_before_the_decision() -> None:
    result = check("CF", penalty_row(CF_YXQ="2023-05-31"))
    assert errors(result) == [("CF_YXQ", "DATE_BEFORE_DECISION")]
    assert result.valid_until is None
    result = check("XK", licence_row(XK_YXQZ="2029-01-01"))
    assert errors(result) == [("XK_YXQZ", "VALID_FROM_AFTER_VALID_UNTIL")]


# -- publication periods (RULES §3) -------------------------------------------------------------


def test_publication_end_within_the_regimes_maximum() -> None:
    # Order 58 (decisions 2023-05-01 – 2026-03-31): general 3 months – 1 year.
    assert check("CF", penalty_row(CF_GSJZQ="2024-06-01")).ok
    result = check("CF", penalty_row(CF_GSJZQ="2024-06-02"))
    assert errors(result) == [("CF_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]
    message = result.errors[0].message_zh
    assert (
        "2024-06-02" in message and "2024-06-01" in message and "国家发展改革委令第58号" in message
    )
    # Serious: at most 3 years.
    assert check("CF", penalty_row(XY_QZCD="严重", CF_GSJZQ="2026-06-01")).ok
    result = check("CF", penalty_row(XY_QZCD="严重", CF_GSJZQ="2026-06-02"))
    assert errors(result) == [("CF_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]


def test_publication_end_before_the_minimum_is_a_warning() -> None:
    result = check("CF", penalty_row(XY_QZCD="一般", CF_GSJZQ="2023-08-31"))
    assert result.ok
    assert warnings(result) == [("CF_GSJZQ", "PUBLICATION_END_BEFORE_MINIMUM")]
    assert "2023-09-01" in result.warnings[0].message_zh


def test_publication_end_before_the_decision() -> None:
    result = check("CF", penalty_row(CF_GSJZQ="2023-05-31"))
    assert errors(result) == [("CF_GSJZQ", "DATE_BEFORE_DECISION")]


def test_light_severity_only_under_the_2026_regime() -> None:
    result = check("CF", penalty_row(XY_QZCD="轻微"))
    assert errors(result) == [("XY_QZCD", "SEVERITY_NOT_IN_REGIME")]
    assert "2026年4月1日" in result.errors[0].message_zh
    row = penalty_row(XY_QZCD="轻微", CF_JDRQ="2026-04-01", CF_YXQ="2026-07-01")
    result = check("CF", row, today=date(2026, 5, 1))
    assert result.ok, result.errors
    assert result.severity == "light"


def test_specific_serious_penalties() -> None:
    result = check("CF", penalty_row(XY_TDYZ="是", CF_GSJZQ="2026-06-01"))
    assert result.ok, result.errors
    assert (result.severity, result.specific_serious) == ("serious", True)
    assert warnings(result) == []
    result = check("CF", penalty_row(XY_TDYZ="是", CF_GSJZQ="2026-06-02"))
    assert errors(result) == [("CF_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]
    result = check("CF", penalty_row(XY_TDYZ="是", XY_QZCD="一般"))
    assert errors(result) == [("XY_QZCD", "SPECIFIC_SERIOUS_NOT_SERIOUS")]


def test_decisions_before_the_first_regime_are_not_checked() -> None:
    row = penalty_row(CF_JDRQ="2019-06-30", CF_YXQ="2020-06-30", CF_GSJZQ="2030-01-01")
    result = check("CF", row)
    assert result.ok, result.errors
    assert ("CF_GSJZQ", "PUBLICATION_PERIOD_NOT_CHECKED") in warnings(result)


def test_fixed_publication_periods() -> None:
    row = {
        "ZC_XDR_MC": "杭州示例科技有限公司",
        "ZC_XDR_LB": "01",
        "ZC_XDR_SHXYM": uscc(),
        "ZC_FRDB": "张三",
        "ZC_WSH": "浙知罚〔2025〕1号",
        "ZC_ZSCQLX": "商标",
        "ZC_XWLX": "恶意商标注册申请",
        "ZC_NR": "……",
        "ZC_JDRQ": "2025-03-01",
        "ZC_GSJZQ": "2028-03-01",
        "ZC_JG": "浙江省知识产权局",
        "ZC_JGDM": uscc("00000002", "1", "1"),
    }
    assert check("ZSCQ", row).ok
    result = check("ZSCQ", {**row, "ZC_GSJZQ": "2028-03-02"})
    assert errors(result) == [("ZC_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]
    assert "36个月" in result.errors[0].message_zh


# -- findings of dishonesty rest on a legally effective document --------------------------------


def judgment_debtor(**values: Any) -> dict[str, Any]:
    row = {
        "SX_XDR_MC": "李四",
        "SX_XDR_LB": "自然人",
        "SX_XDR_ZJLX": "01",
        "SX_XDR_ZJHM": identifiers.make_resident_id("330102", date(1980, 1, 2), "456"),
        "SX_AH": "（2024）浙0102执123号",
        "SX_ZXFY": "杭州市上城区人民法院",
        "SX_ZXYJLX": "判决书",
        "SX_ZXYJWH": "（2023）浙0102民初45号",
        "SX_SXQX": "有履行能力而拒不履行生效法律文书确定义务",
        "SX_NRRQ": "2024-05-01",
    }
    row.update(values)
    return row


def test_a_finding_of_dishonesty_names_its_legal_document() -> None:
    result = check("SXBZXR", judgment_debtor())
    assert result.ok, result.errors
    assert result.decision_number == "（2024）浙0102执123号"
    assert result.values["SX_ZXYJLX"] == "01"
    result = check("SXBZXR", judgment_debtor(SX_ZXYJLX="", SX_ZXYJWH=None))
    assert errors(result) == [
        ("SX_ZXYJLX", "LEGAL_DOCUMENT_REQUIRED"),
        ("SX_ZXYJWH", "LEGAL_DOCUMENT_REQUIRED"),
    ]
    assert "生效法律文书" in result.errors[0].message_zh
    assert "legally effective document" in result.errors[1].message_en


# -- the hot path -------------------------------------------------------------------------------


def test_validating_rows_does_not_query_the_database(
    loaded_policy: list[FileOutcome], django_assert_num_queries: Any
) -> None:
    cf = item("CF")
    validate_row(cf, penalty_row(CF_GSJZQ="2024-01-01"), today=TODAY)  # warms the regime memo
    with django_assert_num_queries(0):
        for _ in range(20):
            assert validate_row(cf, penalty_row(CF_GSJZQ="2024-01-01"), today=TODAY).ok


def test_codes_are_partitioned() -> None:
    assert not ROW_ERROR_CODES & ROW_WARNING_CODES
    assert not ROW_WARNING_CODES & FIELD_ERROR_CODES


# -- edges --------------------------------------------------------------------------------------


def test_an_unreadable_severity_is_not_defaulted() -> None:
    result = check("CF", penalty_row(XY_QZCD="很重"))
    assert errors(result) == [("XY_QZCD", "FIELD_CODE_UNKNOWN")]
    assert result.severity is None and warnings(result) == []


def test_id_number_warnings_become_row_warnings() -> None:
    first17 = "93301561990" + "1332" + "01"  # 9, province 33, nationality 015, bad birth date
    number = first17 + identifiers.resident_id_check_character(first17)
    person = {"CF_XDR_LB": "自然人", "CF_XDR_SHXYM": None, "CF_FRDB": None, "CF_XDR_MC": "Jane"}
    result = check("CF", penalty_row(**person, CF_XDR_ZJLX="05", CF_XDR_ZJHM=number))
    assert result.ok, result.errors
    assert ("CF_XDR_ZJHM", "FOREIGN_ID_BAD_BIRTH_DATE") in warnings(result)


def test_items_without_a_category_or_id_fields() -> None:
    import dataclasses

    zg = item("ZYZG")
    dropped = ("subject_category", "person_id_type", "person_id_number")
    kept = tuple(f for f in zg.fields if f.role not in dropped)
    single = dataclasses.replace(zg, fields=kept)
    row = {"ZG_XDR_MC": "王五", "ZG_ZSBH": "Z-1", "ZG_ZGMC": "注册会计师",
           "ZG_QDRQ": "2020-01-01", "ZG_FZJG": "财政部"}  # fmt: skip
    result = validate_row(single, row, today=TODAY)
    assert result.ok, result.errors
    assert result.subject is not None and result.subject.kind == "natural_person"
    undated = dataclasses.replace(
        single, date_field="", subject_kinds=("natural_person", "legal_person")
    )
    result = validate_row(undated, row, today=TODAY)
    assert result.decision_date is None and result.subject is None
    result = check("ZYZG", {**row, "ZG_XDR_LB": ""})
    assert ("ZG_XDR_LB", "FIELD_REQUIRED") in errors(result)
    assert result.subject is None


def test_issues_as_json() -> None:
    result = check("CF", penalty_row(CF_WSH=""))
    assert result.errors[0].as_dict() == {
        "field": "CF_WSH",
        "code": "FIELD_REQUIRED",
        "message_zh": "“行政处罚决定书文号”（CF_WSH）为必填项，请填写。",
        "message_en": "Penalty decision document number (CF_WSH) is required; please fill it in.",
    }
    assert result.decision_number == ""


def test_graded_categories_take_the_longest_period() -> None:
    import dataclasses

    from xinyong.catalog.fields import CodeList

    cf = item("CF")
    categories = cf.field("CF_CFLB")
    assert categories.code_list is not None
    data = categories.code_list.as_dict()
    for entry in data["entries"]:
        if entry["code"] == "08":  # 吊销许可证件 graded serious by a jurisdiction
            entry["severity"] = "serious"
        if entry["code"] == "01":  # 警告 graded light: not defined before 2026, ignored
            entry["severity"] = "light"
    graded = dataclasses.replace(categories, code_list=CodeList.from_dict(data))
    fields = tuple(graded if f.code == "CF_CFLB" else f for f in cf.fields)
    graded_cf = dataclasses.replace(cf, fields=fields)
    row = penalty_row(CF_CFLB="警告；吊销许可证件", CF_GSJZQ="2026-06-01")
    result = validate_row(graded_cf, row, today=TODAY)
    assert result.ok, result.errors
    assert result.severity == "general"  # the row's own severity is kept
    result = validate_row(graded_cf, {**row, "CF_GSJZQ": "2026-06-02"}, today=TODAY)
    assert errors(result) == [("CF_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]
    assert "严重失信行为" in result.errors[0].message_zh
    assert errors(check("CF", row)) == [("CF_GSJZQ", "PUBLICATION_END_BEYOND_MAXIMUM")]


def test_no_regime_and_no_publication_end_is_silent() -> None:
    row = penalty_row(CF_JDRQ="2019-06-30", CF_YXQ="2020-06-30")
    assert warnings(check("CF", row)) == [("XY_QZCD", "SEVERITY_DEFAULTED")]
