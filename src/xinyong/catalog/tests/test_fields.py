"""Typed fields: every type parses, refuses with a coded, bilingual message, and displays
itself (no database: the code lists come from the shipped 2024 edition, parsed only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from xinyong.catalog.fields import (
    FIELD_ERROR_CODES,
    CodeList,
    FieldDef,
    FieldError,
    normalise_header,
    parse_date,
)
from xinyong.catalog.tests.samples import uscc
from xinyong.core import identifiers
from xinyong.policy.files import parse_policy_text


@cache
def code_lists() -> dict[str, CodeList]:
    path = Path(settings.POLICY_DIR) / "catalog" / "national-2024.toml"
    parsed = parse_policy_text(path.read_text(encoding="utf-8"), source="test")
    return {cl["code"]: CodeList.from_dict(cl) for cl in parsed.content["code_lists"]}


def field(type_: str, code: str = "T_F", **kwargs: object) -> FieldDef:
    if "code_list" in kwargs and isinstance(kwargs["code_list"], str):
        kwargs["code_list"] = code_lists()[str(kwargs["code_list"])]
    return FieldDef(code, "测试字段", "Test field", type_, **kwargs)  # type: ignore[arg-type]


def refused(f: FieldDef, raw: object, *, on: date | None = None) -> FieldError:
    with pytest.raises(FieldError) as info:
        f.parse(raw, on=on)
    error = info.value
    assert error.field == f.code
    assert error.code in FIELD_ERROR_CODES
    assert f.code in error.message_zh and f.code in error.message_en
    return error


PENALTY = field("codes", "CF_CFLB", code_list="penalty_category")
NEW, OLD = date(2023, 3, 1), date(2020, 5, 1)


# -- empty --------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty_values_are_none_for_every_type(raw: object) -> None:
    for type_ in ("text", "date", "amount_wanyuan", "uscc", "integer", "boolean", "url"):
        assert field(type_).parse(raw) is None
    assert PENALTY.parse(raw, on=NEW) is None


# -- text ---------------------------------------------------------------------------------------


def test_text_is_trimmed_and_numbers_become_text() -> None:
    f = field("text", max_length=5)
    assert f.parse("  abc \n") == "abc"
    assert f.parse(12.0) == "12"
    assert f.parse(12) == "12"
    assert field("text").parse(date(2023, 3, 1)) == "2023-03-01"
    assert f.display("abc") == "abc"


def test_text_too_long_and_control_characters_are_refused() -> None:
    f = field("text", max_length=5)
    error = refused(f, "一二三四五六")
    assert error.code == "FIELD_TEXT_TOO_LONG"
    assert "最多5个字符，实为6个" in error.message_zh and "at most 5" in error.message_en
    assert refused(f, "a\x00b").code == "FIELD_TEXT_INVALID"


# -- date ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2023-03-01",
        "20230301",
        "2023/03/01",
        "２０２３－０３－０１",
        " 2023-03-01 ",
        "2023-03-01 00:00:00",
        date(2023, 3, 1),
        datetime(2023, 3, 1, 0, 0),
        20230301,
    ],
)
def test_dates_in_every_accepted_form(raw: object) -> None:
    assert field("date").parse(raw) == "2023-03-01"


@pytest.mark.parametrize("raw", ["2023-02-30", "2023.03.01", "3/1/2023", "2023-3-1", "明天", True])
def test_bad_dates_are_refused_naming_the_formats(raw: object) -> None:
    error = refused(field("date"), raw)
    assert error.code == "FIELD_DATE_INVALID"
    assert "YYYY-MM-DD" in error.message_zh and "YYYYMMDD" in error.message_zh
    assert "YYYY-MM-DD" in error.message_en


def test_dates_before_1949_are_refused() -> None:
    assert refused(field("date"), "19481231").code == "FIELD_DATE_TOO_EARLY"
    assert field("date").parse("19490101") == "1949-01-01"
    assert parse_date("2023-02-29") is None


def test_date_display() -> None:
    f = field("date")
    assert f.display("2023-03-01") == "2023年3月1日"
    assert f.display("2023-03-01", lang="en") == "2023-03-01"


# -- amounts in 万元 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", "1.5"),
        ("1.5万元", "1.5"),
        ("1.5 万元", "1.5"),
        ("1.5万", "1.5"),
        ("１．５万元", "1.5"),
        ("1,500.25", "1500.25"),
        ("0", "0"),
        ("100", "100"),
        ("0.000001", "0.000001"),
        (Decimal("2.50"), "2.5"),
        (3, "3"),
        (1.25, "1.25"),
    ],
)
def test_amounts_in_wanyuan(raw: object, expected: str) -> None:
    assert field("amount_wanyuan").parse(raw) == expected


def test_amount_in_yuan_is_refused_with_the_converted_value() -> None:
    error = refused(field("amount_wanyuan", "CF_NR_FK"), "15000元")
    assert error.code == "FIELD_AMOUNT_IN_YUAN"
    assert "以元为单位" in error.message_zh and "1.5" in error.message_zh
    assert "enter 1.5 instead" in error.message_en
    assert error.details["suggestion"] == "1.5"
    assert refused(field("amount_wanyuan"), "2,000元").details["suggestion"] == "0.2"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-1", "FIELD_AMOUNT_NEGATIVE"),
        ("1.0000001", "FIELD_AMOUNT_TOO_PRECISE"),
        ("1000000000000", "FIELD_AMOUNT_TOO_LARGE"),
        ("一万", "FIELD_AMOUNT_INVALID"),
        ("1.5美元", "FIELD_AMOUNT_INVALID"),
        (True, "FIELD_AMOUNT_INVALID"),
        (float("nan"), "FIELD_AMOUNT_INVALID"),
        (date(2023, 1, 1), "FIELD_AMOUNT_INVALID"),
    ],
)
def test_bad_amounts(raw: object, code: str) -> None:
    assert refused(field("amount_wanyuan"), raw).code == code


def test_amount_display() -> None:
    f = field("amount_wanyuan")
    assert f.display("1.5") == "1.5万元"
    assert f.display("1.234567", lang="en") == "CNY 12,345.67"


# -- code lists ---------------------------------------------------------------------------------


def test_code_by_code_name_alias_and_spreadsheet_number() -> None:
    f = field("code", "XK_XKLB", code_list="licence_category")
    assert f.parse("01") == "01"
    assert f.parse("普通") == "01"
    assert f.parse("普通许可") == "01"
    assert f.parse(" 特许 ") == "02"
    assert f.parse(6) == "06"
    assert f.parse("General") == "01"
    assert f.display("05") == "登记" and f.display("05", lang="en") == "Registration"


def test_unknown_code_lists_what_may_be_entered() -> None:
    error = refused(field("code", code_list="licence_category"), "07")
    assert error.code == "FIELD_CODE_UNKNOWN"
    assert "01 普通" in error.message_zh and "06 其他" in error.message_zh
    assert "01 General" in error.message_en


def test_id_type_codes() -> None:
    f = field("id_type", code_list="id_type")
    assert f.parse("居民身份证") == "01" and f.parse(5) == "05"
    assert refused(f, "06").code == "FIELD_CODE_UNKNOWN"


def test_severity_code_list() -> None:
    f = field("code", code_list="severity")
    assert [f.parse(x) for x in ("轻微", "一般失信", "严重", "serious")] == [
        "light", "general", "serious", "serious",
    ]  # fmt: skip


# -- penalty categories by decision date (行政处罚法 2021 第九条, from 2021-07-15) ----------------


def test_several_categories_with_any_separator() -> None:
    assert PENALTY.parse("警告；罚款,通报批评、限制从业;罚款", on=NEW) == ["01", "03", "02", "12"]
    assert PENALTY.parse("警告，罚款", on=NEW) == ["01", "03"]
    assert PENALTY.display(["01", "03"]) == "警告、罚款"
    assert PENALTY.display(["01", "03"], lang="en") == "Warning; Fine"


def test_the_day_the_new_categories_apply() -> None:
    assert PENALTY.parse("通报批评", on=date(2021, 7, 15)) == ["02"]
    error = refused(PENALTY, "通报批评", on=date(2021, 7, 14))
    assert error.code == "FIELD_CODE_NOT_IN_FORCE"
    assert "2021年7月15日起施行的新类别" in error.message_zh and "其他" in error.message_zh


def test_old_category_on_a_new_decision_names_the_date_rule_and_the_new_category() -> None:
    error = refused(PENALTY, "吊销执照", on=NEW)
    assert error.code == "FIELD_CODE_NOT_IN_FORCE"
    assert (
        "“吊销执照”是2021年7月15日前的旧类别，决定日期2023-03-01应使用新类别：吊销许可证件"
        in error.message_zh
    )
    assert "before 2021-07-15" in error.message_en and "吊销许可证件" in error.message_en
    assert error.details["use"] == ["08"]
    assert "第九条" in error.message_zh


def test_old_combined_categories() -> None:
    # The old category's name contains 、 (one category, not two).
    assert PENALTY.parse("没收违法所得、没收非法财物", on=OLD) == ["L03"]
    assert PENALTY.parse("没收违法所得；罚款", on=OLD) == ["L03", "03"]
    assert PENALTY.parse("暂扣或者吊销许可证、暂扣或者吊销执照", on=OLD) == ["L05"]
    assert PENALTY.parse("吊销执照", on=OLD) == ["L05"]
    # On a new decision the same words are the two new categories.
    assert PENALTY.parse("没收违法所得、没收非法财物", on=NEW) == ["04", "05"]
    error = refused(PENALTY, "暂扣或者吊销许可证、暂扣或者吊销执照", on=NEW)
    assert "暂扣许可证件、吊销许可证件" in error.message_zh


def test_categories_of_both_periods() -> None:
    for on in (OLD, NEW):
        assert PENALTY.parse("警告、罚款、责令停产停业、行政拘留、其他", on=on) == [
            "01", "03", "10", "13", "99",
        ]  # fmt: skip


def test_several_bad_categories_are_reported_together() -> None:
    error = refused(PENALTY, "吊销执照；不存在的类别", on=NEW)
    assert "吊销执照" in error.message_zh and "不存在的类别" in error.message_zh
    assert error.details["values"] == ["吊销执照", "不存在的类别"]


def test_undated_parsing_accepts_both_periods() -> None:
    assert PENALTY.parse("吊销执照；通报批评") == ["L05", "02"]


# -- identifiers --------------------------------------------------------------------------------


def test_uscc_is_normalised_and_checked() -> None:
    code = uscc()
    f = field("uscc", role="uscc")
    assert f.parse(" " + code.lower() + " ") == code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    error = refused(f, wrong)
    assert error.code == "USCC_BAD_CHECK"
    assert "校验码" in error.message_zh


def test_placeholder_passes_only_in_the_subjects_own_field() -> None:
    assert field("uscc", role="uscc").parse(identifiers.USCC_PLACEHOLDER) == (
        identifiers.USCC_PLACEHOLDER
    )
    authority = field("uscc", "CF_CFJGDM")
    assert refused(authority, identifiers.USCC_PLACEHOLDER).code == "USCC_PLACEHOLDER_NOT_ALLOWED"


def test_identifier_warnings_are_passed_on() -> None:
    first17 = "91330100" + "12345678" + "0"  # the embedded organisation code's check is wrong
    code = first17 + identifiers.uscc_check_character(first17)
    value, warnings = field("uscc", role="uscc").parse_with_warnings(code)
    assert value == code
    assert [w.code for w in warnings] == ["USCC_ORG_CODE_MISMATCH"]
    assert "T_F" in warnings[0].message_zh


@pytest.mark.parametrize(
    ("type_", "good", "bad", "code"),
    [
        ("org_code", "12345678-7", "1234", "ORG_CODE_BAD_LENGTH"),
        ("business_reg_no", None, "12", "BUSINESS_REG_NO_BAD_LENGTH"),
        ("public_institution_cert", "事证第110000000001号", "x", None),
        ("social_org_cert", "浙民证字第12345号", "x", "SOCIAL_ORG_CERT_BAD_FORMAT"),
    ],
)
def test_legacy_identifiers(type_: str, good: str | None, bad: str, code: str | None) -> None:
    f = field(type_)
    if type_ == "business_reg_no":
        good = identifiers.make_business_reg_no("330100", "00012345")
    if good is not None:
        assert f.parse(good)
    error = refused(f, bad)
    if code is not None:
        assert error.code == code


def test_id_number_field() -> None:
    f = field("id_number", public=False)
    assert f.parse(" e1234567 ") == "E1234567"
    assert refused(f, "12 34!").code == "FIELD_ID_NUMBER_INVALID"
    number = identifiers.make_resident_id("110101", date(1990, 5, 17), "123")
    assert f.display(number) == number[:6] + "********" + number[-4:]
    assert f.display(number, unmasked=True) == number
    assert f.display("E1234567") == "E1****67"


# -- integer, boolean, url ----------------------------------------------------------------------


def test_integers() -> None:
    f = field("integer")
    assert [f.parse(x) for x in ("12", " -3 ", 7, 8.0, "１２")] == [12, -3, 7, 8, 12]
    for bad in ("1.5", "abc", True, 1.5):
        assert refused(f, bad).code == "FIELD_INTEGER_INVALID"
    assert f.display(12) == "12"


def test_booleans() -> None:
    f = field("boolean")
    for raw in ("是", "true", "TRUE", "1", 1, True, "yes", "Y"):
        assert f.parse(raw) is True
    for raw in ("否", "false", "0", 0, False, "no", "N"):
        assert f.parse(raw) is False
    error = refused(f, "也许")
    assert error.code == "FIELD_BOOLEAN_INVALID" and "“是”或“否”" in error.message_zh
    assert f.display(True) == "是" and f.display(False, lang="en") == "No"


def test_urls() -> None:
    f = field("url", max_length=40)
    assert f.parse(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    for bad in ("ftp://example.org", "example.org", "https://exa mple.org", "https://",
                "https://example.org/" + "a" * 40):  # fmt: skip
        assert refused(f, bad).code == "FIELD_URL_INVALID"


# -- definitions --------------------------------------------------------------------------------


def test_definitions_round_trip_and_required_rules() -> None:
    f = field(
        "code",
        "XK_XDR_LB",
        code_list="subject_category",
        required_for_kinds=("legal_person",),
        role="subject_category",
    )
    again = FieldDef.from_dict(f.as_dict(), code_lists())
    assert again == f
    assert f.is_required_for("legal_person") and not f.is_required_for("natural_person")
    assert not f.is_required_for(None)


def test_header_normalisation() -> None:
    assert normalise_header(" 行政相对人名称* ") == normalise_header("行政相对人名称")
    assert normalise_header("ＸＫ＿ＸＤＲ＿ＭＣ") == normalise_header("xk_xdr_mc")


# -- edges --------------------------------------------------------------------------------------


def test_edge_values() -> None:
    assert field("text").parse(datetime(2023, 3, 1, 10, 30)) == "2023-03-01T10:30:00"
    assert refused(field("amount_wanyuan"), Decimal("NaN")).code == "FIELD_AMOUNT_INVALID"
    assert refused(field("amount_wanyuan"), "abc元").code == "FIELD_AMOUNT_INVALID"
    assert refused(field("url"), "http://[::1").code == "FIELD_URL_INVALID"
    assert PENALTY.parse("警告；；罚款；", on=NEW) == ["01", "03"]
    assert PENALTY.parse("；", on=NEW) is None
    for type_ in ("text", "date", "codes", "boolean"):
        assert field(type_).display(None) == ""
    tax = field("tax_reg_no")
    personal = "110101199005171230" + "01"
    assert tax.display(personal) == "110101**********3001"
    assert tax.display(personal, unmasked=True) == personal
    assert tax.display("330100123456789") == "330100123456789"


def test_an_entry_without_counterparts_lists_what_applies() -> None:
    entries = code_lists()["penalty_category"].as_dict()
    for e in entries["entries"]:
        if e["code"] == "L05":
            e["counterparts"], e["alias_counterparts"] = [], {}
            e["decisions_to"] = date(2021, 7, 14)  # dates may also be given as dates
    f = FieldDef("F", "处罚类别", "Categories", "codes", code_list=CodeList.from_dict(entries))
    error = refused(f, "吊销执照", on=NEW)
    assert "警告、通报批评" in error.message_zh  # every category in force then
