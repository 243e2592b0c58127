"""Tests for xinyong.core.identifiers (pure Python; must not need Django)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from xinyong.core import identifiers as ids
from xinyong.core.identifiers import (
    ERROR_CODES,
    ID_TYPE_CODES,
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    USCC_PLACEHOLDER,
    WARNING_CODES,
    IdentifierScheme,
    ValidationResult,
    division_info,
    guess_scheme,
    make_resident_id,
    make_uscc,
    mask_identifier,
    normalize,
    org_code_check_character,
    resident_id_check_character,
    uscc_check_character,
    validate,
    validate_resident_id,
    validate_uscc,
)

TODAY = date(2025, 6, 1)
REAL_USCC = "91110000600037341L"  # example used by python-stdnum's documentation
ID_WITH_X = "11010119900307109X"  # built with make_resident_id, check character X

S = IdentifierScheme


def check(
    value: str,
    scheme: IdentifierScheme | str = S.USCC,
    *,
    subject_kind: str | None = None,
    today: date = TODAY,
) -> ValidationResult:
    result = validate(value, scheme, subject_kind=subject_kind, today=today)
    return _consistent(result)


def _consistent(result: ValidationResult) -> ValidationResult:
    """Invariants every result must satisfy."""
    assert result.valid == (not result.errors)
    for issue in result.errors:
        assert issue.code in ERROR_CODES, issue.code
    for issue in result.warnings:
        assert issue.code in WARNING_CODES, issue.code
    for issue in (*result.errors, *result.warnings):
        assert issue.message_zh and issue.message_en
    return result


def _with_check(first17: str) -> str:
    return first17 + uscc_check_character(first17)


# ---------------------------------------------------------------------------------------
# Check characters, cross-checked with python-stdnum where it applies
# ---------------------------------------------------------------------------------------


def test_uscc_check_character_of_known_code() -> None:
    assert uscc_check_character(REAL_USCC[:17]) == "L"
    assert stdnum_uscc.is_valid(REAL_USCC)


def test_uscc_check_value_31_maps_to_0() -> None:
    # Σ = 0 → 31 − 0 = 31 → 0 → '0'
    assert uscc_check_character("0" * 17) == "0"


def test_uscc_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == ids._USCC_WEIGHTS


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("60003734", "1"),
        ("12345678", "8"),
        ("00000006", "X"),  # 11 − 1 = 10 → X
        ("00000000", "0"),  # 11 − 0 = 11 → 0
        ("0000000A", "2"),  # letters count A=10
        ("D2143569", "X"),
    ],
)
def test_org_code_check_character(body: str, expected: str) -> None:
    assert org_code_check_character(body) == expected


def test_resident_id_check_character_matches_stdnum() -> None:
    assert resident_id_check_character(ID_WITH_X[:17]) == "X"
    assert stdnum_ric.calc_check_digit(ID_WITH_X) == "X"


@pytest.mark.parametrize(
    ("func", "bad"),
    [
        (uscc_check_character, "1234"),
        (uscc_check_character, "I" * 17),
        (org_code_check_character, "1234567"),
        (org_code_check_character, "1234567a"),
        (resident_id_check_character, "1101011990030710A"),
    ],
)
def test_check_character_functions_reject_malformed_input(func: object, bad: str) -> None:
    assert callable(func)
    with pytest.raises(ValueError):
        func(bad)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_uscc_check_agrees_with_stdnum_for_digit_prefixes(first17: str) -> None:
    assert uscc_check_character(first17) == stdnum_uscc.calc_check_digit(first17)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_resident_id_check_agrees_with_stdnum(first17: str) -> None:
    assert resident_id_check_character(first17) == stdnum_ric.calc_check_digit(first17 + "0")


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_mod_11_10_agrees_with_stdnum(digits: str) -> None:
    assert ids._mod_11_10_check_digit(digits) == mod_11_10.calc_check_digit(digits)


# ---------------------------------------------------------------------------------------
# USCC
# ---------------------------------------------------------------------------------------


def test_valid_real_uscc_and_parts() -> None:
    r = check(REAL_USCC)
    assert r.valid and r.errors == () and r.warnings == ()
    assert r.error_code is None
    assert r.scheme is S.USCC
    assert r.normalized == REAL_USCC
    assert r.parts["registration_authority"] == {
        "code": "9",
        "name": "工商",
        "name_en": "industry and commerce (market regulation)",
    }
    assert r.parts["organisation_type"] == {"code": "1", "name": "企业", "name_en": "enterprise"}
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["code"] == "110000"
    assert division["name"] == "北京市"
    assert division["province"] == "北京市"
    assert division["province_code"] == "110000"
    assert r.parts["organisation_code"] == "600037341"
    assert r.parts["check_character"] == "L"
    assert r.parts["placeholder"] is False


@pytest.mark.parametrize(
    ("authority", "org_type", "division"),
    [
        ("A", "1", "110000"),
        ("N", "2", "330106"),
        ("Y", "1", "440300"),
    ],
)
def test_letter_prefixed_codes_are_valid_but_stdnum_rejects_them(
    authority: str, org_type: str, division: str
) -> None:
    code = make_uscc(authority, org_type, division, "MA0C1234")
    r = check(code)
    assert r.valid, r.errors
    assert r.warnings == ()
    authority_part = r.parts["registration_authority"]
    assert isinstance(authority_part, dict)
    assert authority_part["code"] == authority
    # python-stdnum 2.2 requires digits in positions 1-8, which is why we do not rely on it.
    assert not stdnum_uscc.is_valid(code)


def test_every_authority_type_combination_is_accepted() -> None:
    for authority, info in USCC_AUTHORITIES.items():
        for org_type, (name_zh, _) in info.types.items():
            r = check(make_uscc(authority, org_type, "110101", "12345678"))
            assert r.valid, (authority, org_type, r.errors)
            type_part = r.parts["organisation_type"]
            assert isinstance(type_part, dict)
            assert type_part["name"] == name_zh


def test_authority_table_matches_rules() -> None:
    table = {a: "".join(sorted(info.types)) for a, info in USCC_AUTHORITIES.items()}
    assert table == {
        "1": "1239",
        "2": "19",
        "3": "123459",
        "4": "19",
        "5": "1239",
        "6": "129",
        "7": "129",
        "8": "19",
        "9": "123",
        "A": "19",
        "N": "1239",
        "Y": "1",
    }
    assert USCC_AUTHORITIES["A"].name_zh == "中央军委改革和编制办公室"
    assert USCC_AUTHORITIES["9"].types["2"][0] == "个体工商户"


def test_uscc_alphabet_excludes_i_o_s_v_z() -> None:
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize(
    "raw",
    [
        "91110000600037341l",  # lower case
        " 9111 0000 6000 3734 1L ",  # spaces
        "91110000600037341L\t\n",
        "\u300091110000600037341L\u3000",  # ideographic space
        "９１１１００００６０００３７３４１Ｌ",  # full-width digits and letter
        "９１１１００００６０００３７３４１ｌ",  # full-width lower case
    ],
)
def test_uscc_normalisation(raw: str) -> None:
    r = check(raw)
    assert r.valid
    assert r.input == raw
    assert r.normalized == REAL_USCC


def test_normalize_function() -> None:
    assert normalize("ａｂｃ　１２３ x") == "ABC123X"
    assert normalize("！～") == "!~"


def test_uscc_bad_length() -> None:
    r = check(REAL_USCC[:-1])
    assert r.error_code == "USCC_BAD_LENGTH"
    assert "17" in r.errors[0].message_zh


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "中"])
def test_uscc_bad_character(bad: str) -> None:
    code = REAL_USCC[:10] + bad + REAL_USCC[11:]
    r = check(code)
    assert not r.valid
    assert r.error_code == "USCC_BAD_CHARACTER"
    assert "第11位" in r.errors[0].message_zh
    assert "position 11" in r.errors[0].message_en


def test_uscc_bad_check_message_is_actionable() -> None:
    r = check(REAL_USCC[:17] + "M")
    assert r.error_code == "USCC_BAD_CHECK"
    assert r.errors[0].message_zh.startswith("第18位校验码应为 L，实际为 M")
    assert r.errors[0].message_en.startswith("check character (position 18) should be L, got M")
    assert r.parts["registration_authority"] is not None  # still parsed for the clerk


def test_uscc_typo_in_body_detected_by_check() -> None:
    r = check("91110000600037351L")
    assert r.error_code == "USCC_BAD_CHECK"


@pytest.mark.parametrize("first2", ["B1", "01", "94", "Y2", "22", "A2"])
def test_uscc_unknown_authority_type(first2: str) -> None:
    code = _with_check(first2 + REAL_USCC[2:17])
    r = check(code)
    assert not r.valid
    assert r.error_code == "USCC_UNKNOWN_AUTHORITY_TYPE"
    assert [i.code for i in r.errors] == ["USCC_UNKNOWN_AUTHORITY_TYPE"]


def test_make_uscc_rejects_unknown_combination_and_bad_parts() -> None:
    with pytest.raises(ValueError):
        make_uscc("9", "4", "110000", "12345678")
    with pytest.raises(ValueError):
        make_uscc("B", "1", "110000", "12345678")
    with pytest.raises(ValueError):
        make_uscc("9", "1", "11000A", "12345678")
    with pytest.raises(ValueError):
        make_uscc("9", "1", "110000", "1234567I")


def test_uscc_division_must_be_digits() -> None:
    code = _with_check("9111000A" + "600037341")
    r = check(code)
    assert r.error_code == "USCC_BAD_DIVISION"
    assert r.parts["division"] is None


def test_uscc_unknown_division_is_only_a_warning() -> None:
    code = make_uscc("9", "1", "119999", "60003734")
    r = check(code)
    assert r.valid
    assert r.warning_codes == ("DIVISION_UNKNOWN",)
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["known"] is False
    assert division["name"] is None
    assert division["province"] == "北京市"  # the province is still known
    assert division["province_code"] == "110000"


def test_uscc_unknown_province_division() -> None:
    r = check(make_uscc("9", "1", "990101", "60003734"))
    assert r.valid
    assert r.warning_codes == ("DIVISION_UNKNOWN",)
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["province"] is None


def test_uscc_abolished_division_is_known() -> None:
    # 110103 崇文区 was merged into 东城区 in 2010; old codes keep it, so no warning.
    r = check(make_uscc("9", "1", "110103", "60003734"))
    assert r.valid and r.warnings == ()
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["name"] == "崇文区"
    assert division["current"] is False


def test_uscc_national_division() -> None:
    r = check(make_uscc("1", "1", "100000", "00001312"))
    assert r.valid and r.warnings == ()
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["known"] is True


def test_uscc_org_code_mismatch_is_a_warning() -> None:
    # embedded organisation code 60003734-2 has a wrong check (should be 1); fix position 18
    code = _with_check("91110000" + "600037342")
    r = check(code)
    assert r.valid
    assert r.errors == ()
    assert r.warning_codes == ("USCC_ORG_CODE_MISMATCH",)
    assert "应为 1，实际为 2" in r.warnings[0].message_zh
    assert r.parts["organisation_code"] == "600037342"


def test_uscc_org_code_check_letter_other_than_x_is_a_warning() -> None:
    code = _with_check("91110000" + "60003734A")
    r = check(code)
    assert r.valid
    assert r.warning_codes == ("USCC_ORG_CODE_MISMATCH",)


def test_uscc_multiple_errors_are_all_reported() -> None:
    code = "B4" + REAL_USCC[2:17] + "0"
    r = check(code)
    codes = [i.code for i in r.errors]
    assert codes[0] == "USCC_BAD_CHECK"
    assert "USCC_UNKNOWN_AUTHORITY_TYPE" in codes


def test_uscc_empty() -> None:
    assert check("  \u3000").error_code == "IDENTIFIER_EMPTY"


# ---------------------------------------------------------------------------------------
# Individual-business placeholder
# ---------------------------------------------------------------------------------------


def test_placeholder_allowed_for_individual_business() -> None:
    r = check(USCC_PLACEHOLDER, subject_kind="individual_business")
    assert r.valid
    assert r.parts["placeholder"] is True
    assert r.warning_codes == ("USCC_PLACEHOLDER_REG_NO_REQUIRED",)
    assert "工商注册号" in r.warnings[0].message_zh
    assert "business registration number" in r.warnings[0].message_en


def test_placeholder_lower_case_x_normalised() -> None:
    r = _consistent(validate_uscc("00000000000000000x", allow_placeholder=True))
    assert r.valid and r.parts["placeholder"] is True
    assert r.normalized == USCC_PLACEHOLDER


@pytest.mark.parametrize("kind", [None, "legal_person", "natural_person", "public_body"])
def test_placeholder_refused_otherwise(kind: str | None) -> None:
    r = check(USCC_PLACEHOLDER, subject_kind=kind)
    assert not r.valid
    assert r.error_code == "USCC_PLACEHOLDER_NOT_ALLOWED"
    assert r.parts["placeholder"] is False


def test_placeholder_refused_by_default_in_validate_uscc() -> None:
    r = _consistent(validate_uscc(USCC_PLACEHOLDER))
    assert r.error_code == "USCC_PLACEHOLDER_NOT_ALLOWED"


def test_placeholder_is_not_a_mathematically_valid_code() -> None:
    assert uscc_check_character(USCC_PLACEHOLDER[:17]) != "X"


# ---------------------------------------------------------------------------------------
# Resident ID
# ---------------------------------------------------------------------------------------


def test_resident_id_valid_with_x_check() -> None:
    r = check(ID_WITH_X, S.RESIDENT_ID)
    assert r.valid, r.errors
    assert r.parts["birth_date"] == date(1990, 3, 7)
    assert r.parts["sex"] == "male"  # 17th digit 9 is odd
    assert r.parts["sequence"] == "109"
    assert r.parts["check_character"] == "X"
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["name"] == "东城区"
    assert division["province"] == "北京市"
    assert stdnum_ric.is_valid(ID_WITH_X)


def test_resident_id_lower_case_x_and_full_width() -> None:
    r = check(" 110101 19900307 109x ", S.RESIDENT_ID)
    assert r.valid and r.normalized == ID_WITH_X
    r = check("１１０１０１１９９００３０７１０９ｘ", S.RESIDENT_ID)
    assert r.valid and r.normalized == ID_WITH_X


def test_resident_id_female() -> None:
    value = make_resident_id("320102", date(1985, 12, 31), "010")
    r = check(value, S.RESIDENT_ID)
    assert r.valid and r.parts["sex"] == "female"


def test_resident_id_via_type_code() -> None:
    assert ID_TYPE_CODES["01"] is S.RESIDENT_ID
    r = check(ID_WITH_X, "01")
    assert r.scheme is S.RESIDENT_ID and r.valid


def test_resident_id_bad_length() -> None:
    assert check("1101011990030710", S.RESIDENT_ID).error_code == "ID_BAD_LENGTH"


def test_resident_id_first_generation_15_digits() -> None:
    r = check("110101900307109", S.RESIDENT_ID)
    assert r.error_code == "ID_BAD_LENGTH"
    assert "15位" in r.errors[0].message_zh


@pytest.mark.parametrize(
    "value", ["11010119900307109Y", "1101011990030710X9", "A10101199003071090"]
)
def test_resident_id_bad_character(value: str) -> None:
    assert check(value, S.RESIDENT_ID).error_code == "ID_BAD_CHARACTER"


def test_resident_id_bad_check() -> None:
    r = check(ID_WITH_X[:17] + "1", S.RESIDENT_ID)
    assert r.error_code == "ID_BAD_CHECK"
    assert r.errors[0].message_zh.startswith("第18位校验码应为 X，实际为 1")
    assert r.errors[0].message_en.startswith("check character (position 18) should be X, got 1")


def test_resident_id_feb_30_is_invalid() -> None:
    first17 = "110101" + "19900230" + "109"
    value = first17 + resident_id_check_character(first17)
    r = check(value, S.RESIDENT_ID)
    assert [i.code for i in r.errors] == ["ID_BAD_BIRTH_DATE"]
    assert r.parts["birth_date"] is None


def test_resident_id_before_1900_is_invalid() -> None:
    value = make_resident_id("110101", date(1899, 12, 31), "109")
    assert check(value, S.RESIDENT_ID).error_code == "ID_BAD_BIRTH_DATE"
    value = make_resident_id("110101", date(1900, 1, 1), "109")
    assert check(value, S.RESIDENT_ID).valid


def test_resident_id_future_birth_date() -> None:
    value = make_resident_id("110101", date(2025, 6, 2), "109")
    r = check(value, S.RESIDENT_ID, today=TODAY)
    assert r.error_code == "ID_FUTURE_BIRTH_DATE"
    assert "2025-06-02" in r.errors[0].message_zh
    # born today is fine, and the same number is valid once that day has come
    assert check(make_resident_id("110101", TODAY, "109"), S.RESIDENT_ID).valid
    assert check(value, S.RESIDENT_ID, today=date(2025, 6, 2)).valid


def test_validate_resident_id_default_today() -> None:
    r = _consistent(validate_resident_id(make_resident_id("110101", date(2999, 1, 1), "109")))
    assert r.error_code == "ID_FUTURE_BIRTH_DATE"


def test_resident_id_unknown_division_is_a_warning() -> None:
    value = make_resident_id("119999", date(1990, 3, 7), "109")
    r = check(value, S.RESIDENT_ID)
    assert r.valid
    assert r.warning_codes == ("DIVISION_UNKNOWN",)
    assert "119999" in r.warnings[0].message_zh


def test_resident_id_division_name_as_of_birth_year() -> None:
    # 120110: 东郊区 until 1991, 东丽区 since 1992
    old = check(make_resident_id("120110", date(1985, 1, 1), "001"), S.RESIDENT_ID)
    new = check(make_resident_id("120110", date(1995, 1, 1), "001"), S.RESIDENT_ID)
    old_div, new_div = old.parts["division"], new.parts["division"]
    assert isinstance(old_div, dict) and isinstance(new_div, dict)
    assert old_div["name"] == "东郊区"
    assert new_div["name"] == "东丽区"
    assert division_info("120110")["name"] == "东丽区"


def test_division_info_rejects_malformed_code() -> None:
    with pytest.raises(ValueError):
        division_info("11010")


def test_make_resident_id_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        make_resident_id("11010", date(1990, 1, 1), "001")
    with pytest.raises(ValueError):
        make_resident_id("110101", date(1990, 1, 1), "01")


# ---------------------------------------------------------------------------------------
# Legacy legal-person codes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["60003734-1", "600037341", " ６０００３７３４－１ "])
def test_org_code_valid(value: str) -> None:
    r = check(value, S.ORG_CODE)
    assert r.valid and r.warnings == ()
    assert r.normalized == "600037341"
    assert r.parts["formatted"] == "60003734-1"


def test_org_code_lower_case_and_x() -> None:
    r = check("d2143569-x", S.ORG_CODE)
    assert r.valid and r.normalized == "D2143569X"


def test_org_code_mismatch_is_a_warning() -> None:
    r = check("60003734-2", S.ORG_CODE)
    assert r.valid
    assert r.warning_codes == ("ORG_CODE_BAD_CHECK",)
    assert "应为 1，实际为 2" in r.warnings[0].message_zh


def test_org_code_errors() -> None:
    assert check("6000373-1", S.ORG_CODE).error_code == "ORG_CODE_BAD_LENGTH"
    assert check("6000373*-1", S.ORG_CODE).error_code == "ORG_CODE_BAD_CHARACTER"
    assert check("60003734-A", S.ORG_CODE).error_code == "ORG_CODE_BAD_CHARACTER"


def _business_reg_no(first14: str) -> str:
    return first14 + mod_11_10.calc_check_digit(first14)


def test_business_reg_no_valid() -> None:
    value = _business_reg_no("11010500000001")
    r = check(value, S.BUSINESS_REG_NO)
    assert r.valid and r.warnings == ()
    division = r.parts["division"]
    assert isinstance(division, dict)
    assert division["name"] == "朝阳区"
    assert r.parts["format"] == "15"


def test_business_reg_no_check_mismatch_is_a_warning() -> None:
    good = _business_reg_no("11010500000001")
    bad = good[:14] + str((int(good[14]) + 1) % 10)
    r = check(bad, S.BUSINESS_REG_NO)
    assert r.valid
    assert r.warning_codes == ("BUSINESS_REG_NO_BAD_CHECK",)
    assert f"应为 {good[14]}" in r.warnings[0].message_zh


def test_business_reg_no_13_digits_legacy_warning() -> None:
    r = check("1101050000001", S.BUSINESS_REG_NO)
    assert r.valid
    assert r.warning_codes == ("BUSINESS_REG_NO_LEGACY_FORMAT",)


def test_business_reg_no_unknown_division() -> None:
    r = check(_business_reg_no("99999900000001"), S.BUSINESS_REG_NO)
    assert r.valid and r.warning_codes == ("DIVISION_UNKNOWN",)


def test_business_reg_no_errors() -> None:
    assert check("11010500000", S.BUSINESS_REG_NO).error_code == "BUSINESS_REG_NO_BAD_LENGTH"
    r = check("11010500000001A", S.BUSINESS_REG_NO)
    assert r.error_code == "BUSINESS_REG_NO_BAD_CHARACTER"


def test_tax_reg_no_15_division_plus_org_code() -> None:
    r = check("110105600037341", S.TAX_REG_NO)
    assert r.valid and r.warnings == ()
    assert r.parts["format"] == "division+org_code"
    assert r.parts["organisation_code"] == "600037341"


def test_tax_reg_no_15_mismatch_is_a_warning() -> None:
    r = check("110105-60003734-2", S.TAX_REG_NO)
    assert r.valid
    assert r.normalized == "110105600037342"
    assert r.warning_codes == ("TAX_REG_NO_BAD_CHECK",)


def test_tax_reg_no_18_is_a_uscc() -> None:
    r = check(REAL_USCC, S.TAX_REG_NO)
    assert r.valid and r.parts["format"] == "uscc"
    r = check(REAL_USCC[:17] + "M", S.TAX_REG_NO)
    assert r.valid
    assert r.warning_codes == ("TAX_REG_NO_BAD_CHECK",)
    r = check(_with_check("B1" + REAL_USCC[2:17]), S.TAX_REG_NO)
    assert r.error_code == "USCC_UNKNOWN_AUTHORITY_TYPE"


def test_tax_reg_no_20_is_resident_id_plus_two() -> None:
    r = check(ID_WITH_X + "01", S.TAX_REG_NO)
    assert r.valid and r.parts["format"] == "resident_id+2"
    assert r.parts["suffix"] == "01"
    assert r.parts["birth_date"] == date(1990, 3, 7)
    r = check(ID_WITH_X[:17] + "1" + "01", S.TAX_REG_NO)
    assert r.valid and r.warning_codes == ("TAX_REG_NO_BAD_CHECK",)


def test_tax_reg_no_errors() -> None:
    assert check("1101056000373", S.TAX_REG_NO).error_code == "TAX_REG_NO_BAD_LENGTH"
    assert check("11010A600037341", S.TAX_REG_NO).error_code == "TAX_REG_NO_BAD_CHARACTER"
    assert check(ID_WITH_X + "0A", S.TAX_REG_NO).error_code == "TAX_REG_NO_BAD_CHARACTER"
    first17 = "110101" + "19900230" + "109"
    bad_date = first17 + resident_id_check_character(first17) + "01"
    assert check(bad_date, S.TAX_REG_NO).error_code == "ID_BAD_BIRTH_DATE"


@pytest.mark.parametrize("value", ["事证第110000001234号", "事证第110000001234", "110000001234"])
def test_public_institution_cert_valid(value: str) -> None:
    r = check(value, S.PUBLIC_INSTITUTION_CERT)
    assert r.valid
    assert r.normalized == "110000001234"
    assert r.parts["formatted"] == "事证第110000001234号"


@pytest.mark.parametrize("value", ["事证第11000000123号", "事证第11000000123A", "证第110000001234"])
def test_public_institution_cert_invalid(value: str) -> None:
    r = check(value, S.PUBLIC_INSTITUTION_CERT)
    assert r.error_code == "PUBLIC_INSTITUTION_CERT_BAD_FORMAT"


@pytest.mark.parametrize(
    "value", ["京民证字第0012345号", "民政部社证字第0001号", "5311000050000123", "a1b2"]
)
def test_social_org_cert_valid(value: str) -> None:
    assert check(value, S.SOCIAL_ORG_CERT).valid


@pytest.mark.parametrize("value", ["123", "京民证字第号", "1" * 31, "12;34"])
def test_social_org_cert_invalid(value: str) -> None:
    assert check(value, S.SOCIAL_ORG_CERT).error_code == "SOCIAL_ORG_CERT_BAD_FORMAT"


# ---------------------------------------------------------------------------------------
# Other natural-person documents
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value", "normalized"),
    [
        ("02", "e12345678", "E12345678"),
        ("02", "AB123", "AB123"),
        ("03", "H12345678", "H12345678"),
        ("03", "m1234567801", "M1234567801"),
        ("04", "12345678", "12345678"),
        ("04", "12345678(01)", "1234567801"),
        ("04", "12345678（01）", "1234567801"),  # full-width brackets
        ("04", "1234567801", "1234567801"),
        ("05", "usa123456789012", "USA123456789012"),
    ],
)
def test_other_documents_valid(scheme: str, value: str, normalized: str) -> None:
    r = check(value, scheme)
    assert r.scheme is ID_TYPE_CODES[scheme]
    assert r.valid, r.errors
    assert r.normalized == normalized


@pytest.mark.parametrize(
    ("scheme", "value", "code"),
    [
        (S.PASSPORT, "E123", "PASSPORT_BAD_FORMAT"),
        (S.PASSPORT, "E1234567-8", "PASSPORT_BAD_FORMAT"),
        (S.PASSPORT, "E" * 21, "PASSPORT_BAD_FORMAT"),
        (S.HK_MACAO_PERMIT, "K12345678", "HK_MACAO_PERMIT_BAD_FORMAT"),
        (S.HK_MACAO_PERMIT, "H123456789", "HK_MACAO_PERMIT_BAD_FORMAT"),
        (S.TAIWAN_PERMIT, "1234567", "TAIWAN_PERMIT_BAD_FORMAT"),
        (S.TAIWAN_PERMIT, "123456789", "TAIWAN_PERMIT_BAD_FORMAT"),
        (S.FOREIGN_PERMANENT_ID, "US123456789012", "FOREIGN_ID_BAD_FORMAT"),
        (S.FOREIGN_PERMANENT_ID, "110101199003071090", "FOREIGN_ID_BAD_FORMAT"),
    ],
)
def test_other_documents_invalid(scheme: IdentifierScheme, value: str, code: str) -> None:
    assert check(value, scheme).error_code == code


def _foreign_new(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


def test_foreign_permanent_id_new_style() -> None:
    value = _foreign_new("9" + "11" + "840" + "19800101" + "001")
    r = check(value, S.FOREIGN_PERMANENT_ID)
    assert r.valid and r.warnings == ()
    assert r.parts == {"format": "new", "birth_date": date(1980, 1, 1)}


def test_foreign_permanent_id_new_style_bad_check() -> None:
    value = _foreign_new("9" + "11" + "840" + "19800101" + "001")
    wrong = "0" if value[-1] != "0" else "1"
    r = check(value[:17] + wrong, S.FOREIGN_PERMANENT_ID)
    assert r.error_code == "FOREIGN_ID_BAD_CHECK"


def test_foreign_permanent_id_new_style_bad_date_is_a_warning() -> None:
    value = _foreign_new("9" + "11" + "840" + "19801301" + "001")
    r = check(value, S.FOREIGN_PERMANENT_ID)
    assert r.valid
    assert r.warning_codes == ("FOREIGN_ID_BAD_BIRTH_DATE",)


@pytest.mark.parametrize("scheme", list(IdentifierScheme))
def test_empty_input_for_every_scheme(scheme: IdentifierScheme) -> None:
    r = check(" ", scheme)
    assert r.error_code == "IDENTIFIER_EMPTY"
    assert r.scheme is scheme


# ---------------------------------------------------------------------------------------
# Dispatch, guessing, masking, serialisation
# ---------------------------------------------------------------------------------------


def test_id_type_codes() -> None:
    assert ID_TYPE_CODES == {
        "01": S.RESIDENT_ID,
        "02": S.PASSPORT,
        "03": S.HK_MACAO_PERMIT,
        "04": S.TAIWAN_PERMIT,
        "05": S.FOREIGN_PERMANENT_ID,
    }


def test_validate_accepts_scheme_strings() -> None:
    assert check(REAL_USCC, "uscc").scheme is S.USCC
    assert check("60003734-1", "ORG_CODE").scheme is S.ORG_CODE
    with pytest.raises(ValueError):
        validate(REAL_USCC, "nonsense")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (REAL_USCC, S.USCC),
        (make_uscc("N", "1", "330106", "12345678"), S.USCC),
        (ID_WITH_X, S.RESIDENT_ID),
        (ID_WITH_X.lower(), S.RESIDENT_ID),
        (ID_WITH_X[:17] + "1", S.RESIDENT_ID),  # bad check but clearly an ID
        (REAL_USCC[:17] + "M", S.USCC),  # bad check but clearly a USCC
        (_foreign_new("9" + "11" + "840" + "19800101" + "001"), S.FOREIGN_PERMANENT_ID),
        ("60003734-1", S.ORG_CODE),
        ("600037341", S.ORG_CODE),
        ("事证第110000001234号", S.PUBLIC_INSTITUTION_CERT),
        (_business_reg_no("11010500000001"), S.BUSINESS_REG_NO),
        ("1101050000001", S.BUSINESS_REG_NO),
        ("11010560003734X", S.TAX_REG_NO),
        ("USA123456789012", S.FOREIGN_PERMANENT_ID),
        (ID_WITH_X + "01", S.TAX_REG_NO),
        ("H12345678", S.HK_MACAO_PERMIT),
        ("garbage", S.USCC),
        ("", S.USCC),
    ],
)
def test_guess_scheme(value: str, expected: IdentifierScheme) -> None:
    assert guess_scheme(value) is expected


def test_guess_then_validate_round_trip() -> None:
    for value in (REAL_USCC, ID_WITH_X, "60003734-1"):
        assert check(value, guess_scheme(value)).valid


@pytest.mark.parametrize(
    ("value", "scheme", "masked"),
    [
        ("110101199003071233", S.RESIDENT_ID, "110101********1233"),
        ("110101199003071 09x", "01", "110101********109X"),
        ("E12345678", S.PASSPORT, "E1*****78"),
        ("H12345678", S.HK_MACAO_PERMIT, "H1*****78"),
        ("12345678", S.TAIWAN_PERMIT, "12****78"),
        ("USA123456789012", S.FOREIGN_PERMANENT_ID, "US***********12"),
        ("ABC", S.PASSPORT, "***"),
        (REAL_USCC.lower(), S.USCC, REAL_USCC),
        ("60003734-1", S.ORG_CODE, "60003734-1"),
        (ID_WITH_X + "01", S.TAX_REG_NO, "110101**********9X01"),
        ("110105600037341", S.TAX_REG_NO, "110105600037341"),
    ],
)
def test_mask_identifier(value: str, scheme: IdentifierScheme | str, masked: str) -> None:
    assert mask_identifier(value, scheme) == masked


def test_mask_resident_id_example_from_rules() -> None:
    assert mask_identifier("11010119900307123X", S.RESIDENT_ID) == "110101********123X"


def test_as_dict_is_json_serialisable() -> None:
    r = check(ID_WITH_X, S.RESIDENT_ID)
    data = r.as_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert '"birth_date": "1990-03-07"' in text
    assert data["scheme"] == "resident_id"
    r = check(REAL_USCC[:17] + "M")
    errors = r.as_dict()["errors"]
    assert isinstance(errors, list)
    assert errors[0]["code"] == "USCC_BAD_CHECK"


def test_result_is_immutable() -> None:
    r = check(REAL_USCC)
    with pytest.raises(AttributeError):
        r.valid = False  # type: ignore[misc]


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

_authority_types = st.sampled_from(
    [(a, t) for a, info in USCC_AUTHORITIES.items() for t in info.types]
)
_divisions = st.text(alphabet="0123456789", min_size=6, max_size=6)
_bodies = st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8)


@given(_authority_types, _divisions, _bodies)
def test_make_uscc_always_validates(auth_type: tuple[str, str], division: str, body: str) -> None:
    code = make_uscc(auth_type[0], auth_type[1], division, body)
    r = validate_uscc(code)
    assert r.valid, r.errors
    assert set(r.warning_codes) <= {"DIVISION_UNKNOWN"}
    assert r.normalized == code
    if code[0].isdigit():
        assert stdnum_uscc.is_valid(code)


@given(_authority_types, _divisions, _bodies, st.sampled_from(USCC_ALPHABET))
def test_changing_check_character_always_fails(
    auth_type: tuple[str, str], division: str, body: str, replacement: str
) -> None:
    code = make_uscc(auth_type[0], auth_type[1], division, body)
    if replacement == code[17]:
        return
    r = validate_uscc(code[:17] + replacement)
    assert not r.valid
    assert r.error_code == "USCC_BAD_CHECK"


@given(
    _authority_types,
    _divisions,
    _bodies,
    st.integers(min_value=0, max_value=16),
    st.sampled_from(USCC_ALPHABET),
)
def test_any_single_substitution_is_detected(
    auth_type: tuple[str, str], division: str, body: str, pos: int, replacement: str
) -> None:
    code = make_uscc(auth_type[0], auth_type[1], division, body)
    if replacement == code[pos]:
        return
    changed = code[:pos] + replacement + code[pos + 1 :]
    r = validate_uscc(changed)
    assert not r.valid
    assert "USCC_BAD_CHECK" in {i.code for i in r.errors}


@given(
    st.sampled_from(["110101", "310115", "440305", "650102"]),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_make_resident_id_always_validates(division: str, birth: date, seq: str) -> None:
    value = make_resident_id(division, birth, seq)
    r = validate_resident_id(value, today=TODAY)
    assert r.valid, r.errors
    assert r.parts["birth_date"] == birth
    assert r.parts["sex"] == ("male" if int(seq[2]) % 2 else "female")
    assert stdnum_ric.calc_check_digit(value) == value[17]


@given(st.text(max_size=30))
def test_validate_never_crashes(value: str) -> None:
    for scheme in IdentifierScheme:
        r = validate(value, scheme, subject_kind="individual_business", today=TODAY)
        assert set(i.code for i in r.errors) <= ERROR_CODES
        assert set(r.warning_codes) <= WARNING_CODES
    guess_scheme(value)
    mask_identifier(value, S.RESIDENT_ID)


# ---------------------------------------------------------------------------------------
# Every issue code, with one input that triggers it
# ---------------------------------------------------------------------------------------

_ID_FEB_30 = "110101" + "19900230" + "109"
_FOREIGN_OK = "9" + "11" + "840" + "19800101" + "001"

_ISSUE_CASES: dict[str, tuple[IdentifierScheme, str, str | None]] = {
    "IDENTIFIER_EMPTY": (S.USCC, " ", None),
    "USCC_BAD_LENGTH": (S.USCC, REAL_USCC[:-1], None),
    "USCC_BAD_CHARACTER": (S.USCC, REAL_USCC[:10] + "O" + REAL_USCC[11:], None),
    "USCC_BAD_CHECK": (S.USCC, REAL_USCC[:17] + "M", None),
    "USCC_UNKNOWN_AUTHORITY_TYPE": (S.USCC, _with_check("94" + REAL_USCC[2:17]), None),
    "USCC_BAD_DIVISION": (S.USCC, _with_check("9111000A600037341"), None),
    "USCC_PLACEHOLDER_NOT_ALLOWED": (S.USCC, USCC_PLACEHOLDER, "legal_person"),
    "USCC_PLACEHOLDER_REG_NO_REQUIRED": (S.USCC, USCC_PLACEHOLDER, "individual_business"),
    "USCC_ORG_CODE_MISMATCH": (S.USCC, _with_check("91110000600037342"), None),
    "DIVISION_UNKNOWN": (S.USCC, make_uscc("9", "1", "119999", "60003734"), None),
    "ID_BAD_LENGTH": (S.RESIDENT_ID, "110101900307109", None),
    "ID_BAD_CHARACTER": (S.RESIDENT_ID, "11010119900307109Y", None),
    "ID_BAD_CHECK": (S.RESIDENT_ID, ID_WITH_X[:17] + "1", None),
    "ID_BAD_BIRTH_DATE": (
        S.RESIDENT_ID,
        _ID_FEB_30 + resident_id_check_character(_ID_FEB_30),
        None,
    ),
    "ID_FUTURE_BIRTH_DATE": (
        S.RESIDENT_ID,
        make_resident_id("110101", date(2030, 1, 1), "109"),
        None,
    ),
    "ORG_CODE_BAD_LENGTH": (S.ORG_CODE, "6000373-1", None),
    "ORG_CODE_BAD_CHARACTER": (S.ORG_CODE, "60003734-A", None),
    "ORG_CODE_BAD_CHECK": (S.ORG_CODE, "60003734-2", None),
    "BUSINESS_REG_NO_BAD_LENGTH": (S.BUSINESS_REG_NO, "11010500000", None),
    "BUSINESS_REG_NO_BAD_CHARACTER": (S.BUSINESS_REG_NO, "11010500000001A", None),
    "BUSINESS_REG_NO_BAD_CHECK": (S.BUSINESS_REG_NO, "110105000000010", None),
    "BUSINESS_REG_NO_LEGACY_FORMAT": (S.BUSINESS_REG_NO, "1101050000001", None),
    "TAX_REG_NO_BAD_LENGTH": (S.TAX_REG_NO, "1101056000373", None),
    "TAX_REG_NO_BAD_CHARACTER": (S.TAX_REG_NO, "11010A600037341", None),
    "TAX_REG_NO_BAD_CHECK": (S.TAX_REG_NO, "110105600037342", None),
    "PUBLIC_INSTITUTION_CERT_BAD_FORMAT": (S.PUBLIC_INSTITUTION_CERT, "事证第1234号", None),
    "SOCIAL_ORG_CERT_BAD_FORMAT": (S.SOCIAL_ORG_CERT, "123", None),
    "PASSPORT_BAD_FORMAT": (S.PASSPORT, "E123", None),
    "HK_MACAO_PERMIT_BAD_FORMAT": (S.HK_MACAO_PERMIT, "K12345678", None),
    "TAIWAN_PERMIT_BAD_FORMAT": (S.TAIWAN_PERMIT, "1234567", None),
    "FOREIGN_ID_BAD_FORMAT": (S.FOREIGN_PERMANENT_ID, "US123456789012", None),
    "FOREIGN_ID_BAD_CHECK": (
        S.FOREIGN_PERMANENT_ID,
        _FOREIGN_OK + ("0" if resident_id_check_character(_FOREIGN_OK) != "0" else "1"),
        None,
    ),
    "FOREIGN_ID_BAD_BIRTH_DATE": (
        S.FOREIGN_PERMANENT_ID,
        _foreign_new("9" + "11" + "840" + "19801301" + "001"),
        None,
    ),
}


def test_error_and_warning_codes_are_disjoint() -> None:
    assert not ERROR_CODES & WARNING_CODES


def test_every_issue_code_has_a_case() -> None:
    assert set(_ISSUE_CASES) == ERROR_CODES | WARNING_CODES


@pytest.mark.parametrize("code", sorted(_ISSUE_CASES))
def test_issue_code_is_triggered_with_its_severity(code: str) -> None:
    scheme, value, kind = _ISSUE_CASES[code]
    r = check(value, scheme, subject_kind=kind)
    if code in ERROR_CODES:
        assert not r.valid
        assert r.error_code == code, r.errors
    else:
        assert r.valid, r.errors
        assert code in r.warning_codes
