"""Malformed policy files are refused before loading, with stable codes and messages in
Chinese and English that name the file and the key (no database needed for parsing)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from xinyong.policy.errors import POLICY_FILE_ERROR_CODES, PolicyFileError
from xinyong.policy.files import parse_policy_text, read_policy_file
from xinyong.policy.tests.samples import REGIMES_MINIMAL, SETTINGS_LOCAL, settings_text

VALID = settings_text()
CAL_2030 = """
kind = "calendar"
code = "cn-holiday-arrangement"
edition = "2030"
year = 2030
effective_from = 2030-01-01
effective_to = 2030-12-31
jurisdiction = "national"
legal_source = "测试通知"

[[holidays]]
name = "元旦"
dates = ["2030-01-01"]
"""
ONE_REGIME = REGIMES_MINIMAL[REGIMES_MINIMAL.index("[[regimes]]") :]


def _r(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# (id, file text, expected code, expected key or None)
BAD_FILES: list[tuple[str, str, str, str | None]] = [
    ("toml-syntax", 'kind = "settings\n', "POLICY_TOML_SYNTAX", None),
    ("kind-missing", _r(VALID, 'kind = "settings"\n', ""), "POLICY_MISSING_KEY", "kind"),
    ("kind-unknown", _r(VALID, 'kind = "settings"', 'kind = "catalogue"'),
     "POLICY_KIND_UNKNOWN", "kind"),
    ("effective-from-missing", _r(VALID, "effective_from = 2020-01-01\n", ""),
     "POLICY_MISSING_KEY", "effective_from"),
    ("legal-source-missing", _r(VALID, 'legal_source = "测试依据"\n', ""),
     "POLICY_MISSING_KEY", "legal_source"),
    ("edition-not-text", _r(VALID, 'edition = "1"', "edition = 1"), "POLICY_BAD_VALUE", "edition"),
    ("edition-bad-name", _r(VALID, 'edition = "1"', 'edition = "2026 v1"'),
     "POLICY_BAD_VALUE", "edition"),
    ("code-uppercase", _r(VALID, 'code = "test-settings"', 'code = "Test"'),
     "POLICY_BAD_VALUE", "code"),
    ("legal-source-empty", _r(VALID, 'legal_source = "测试依据"', 'legal_source = " "'),
     "POLICY_BAD_VALUE", "legal_source"),
    ("date-impossible", _r(VALID, "effective_from = 2020-01-01", 'effective_from = "2026-02-30"'),
     "POLICY_BAD_DATE", "effective_from"),
    ("date-is-datetime", _r(VALID, "effective_from = 2020-01-01",
                            "effective_from = 2020-01-01T08:00:00"),
     "POLICY_BAD_DATE", "effective_from"),
    ("date-compact", _r(VALID, "effective_from = 2020-01-01", 'effective_from = "20200101"'),
     "POLICY_BAD_DATE", "effective_from"),
    ("to-before-from", settings_text(effective_to="2019-12-31"), "POLICY_DATE_ORDER",
     "effective_to"),
    ("jurisdiction-unknown", settings_text(jurisdiction="city"), "POLICY_JURISDICTION_UNKNOWN",
     "jurisdiction"),
    ("unknown-top-key", VALID.replace("[[settings]]", 'efective_to = 2030-01-01\n\n[[settings]]'),
     "POLICY_UNKNOWN_KEY", "efective_to"),
    ("supersedes-itself", settings_text(supersedes="1"), "POLICY_BAD_VALUE", "supersedes"),
    # settings
    ("setting-unknown", settings_text(key="objection.answer_days"), "SETTING_UNKNOWN",
     "settings[0].key"),
    ("setting-value-text", _r(VALID, "value = 10", 'value = "10"'), "POLICY_BAD_VALUE",
     "settings[0].value"),
    ("setting-value-bool", _r(VALID, "value = 10", "value = true"), "POLICY_BAD_VALUE",
     "settings[0].value"),
    ("setting-value-zero", _r(VALID, "value = 10", "value = 0"), "POLICY_BAD_VALUE",
     "settings[0].value"),
    ("setting-unknown-field", _r(VALID, "value = 10", "value = 10\nunit = 'days'"),
     "POLICY_UNKNOWN_KEY", "settings[0].unit"),
    ("setting-missing-source", _r(VALID, 'value = 10\nlegal_source = "测试"', "value = 10"),
     "POLICY_MISSING_KEY", "settings[0].legal_source"),
    ("settings-missing", VALID.split("[[settings]]")[0], "POLICY_MISSING_KEY", "settings"),
    ("settings-not-array", VALID.split("[[settings]]")[0] + 'settings = "x"\n',
     "POLICY_BAD_VALUE", "settings"),
    ("setting-duplicate", VALID + '\n[[settings]]\nkey = "objection.answer_working_days"\n'
     'value = 3\nlegal_source = "x"\n', "SETTING_DUPLICATE", "settings[1].key"),
    ("setting-before-edition", _r(VALID, "value = 10", "value = 10\neffective_from = 2019-01-01"),
     "POLICY_RANGE_OUTSIDE_EDITION", "settings[0].effective_from"),
    ("setting-dates-reversed", _r(VALID, "value = 10",
                                  "value = 10\neffective_from = 2021-01-01\n"
                                  "effective_to = 2020-06-01"),
     "POLICY_DATE_ORDER", "settings[0].effective_to"),
    # regimes
    ("regimes-missing", REGIMES_MINIMAL.split("[[regimes]]")[0], "POLICY_MISSING_KEY", "regimes"),
    ("regime-max-below-min", _r(REGIMES_MINIMAL, "max_months = 12", "max_months = 2"),
     "POLICY_DATE_ORDER", "regimes[0].severities.general.max_months"),
    ("regime-severity-unknown", _r(REGIMES_MINIMAL, "severities.general", "severities.minor"),
     "POLICY_UNKNOWN_KEY", "regimes[0].severities.minor"),
    ("regime-published-unknown", _r(REGIMES_MINIMAL, 'published = "required"',
                                    'published = "sometimes"'),
     "POLICY_BAD_VALUE", "regimes[0].severities.general.published"),
    ("regime-months-negative", _r(REGIMES_MINIMAL, "min_months = 3", "min_months = -3"),
     "POLICY_BAD_VALUE", "regimes[0].severities.general.min_months"),
    ("regime-repairable-text", _r(REGIMES_MINIMAL, "repairable = true", 'repairable = "yes"'),
     "POLICY_BAD_VALUE", "regimes[0].severities.general.repairable"),
    ("regime-before-edition", _r(REGIMES_MINIMAL, "decisions_from = 2019-07-01",
                                 "decisions_from = 2019-01-01"),
     "POLICY_RANGE_OUTSIDE_EDITION", "regimes[0].decisions_from"),
    ("regime-dates-reversed", _r(REGIMES_MINIMAL, "decisions_to = 2023-04-30",
                                 "decisions_to = 2019-04-30"),
     "POLICY_DATE_ORDER", "regimes[0].decisions_to"),
    ("regimes-overlap", REGIMES_MINIMAL + ONE_REGIME
     .replace('code = "first"', 'code = "second"')
     .replace("decisions_from = 2019-07-01", "decisions_from = 2023-04-30")
     .replace("decisions_to = 2023-04-30\n", ""),
     "REGIMES_OVERLAP", "regimes"),
    ("regime-never-with-period", _r(REGIMES_MINIMAL, 'published = "required"',
                                    'published = "never"'),
     "POLICY_BAD_VALUE", "regimes[0].severities.general.max_months"),
    ("regime-no-severity", REGIMES_MINIMAL.split("[regimes.severities.general]")[0]
     + "severities = {}\n", "POLICY_BAD_VALUE", "regimes[0].severities"),
    ("regime-duplicate-code", REGIMES_MINIMAL + ONE_REGIME
     .replace("decisions_from = 2019-07-01", "decisions_from = 2023-05-01")
     .replace("decisions_to = 2023-04-30\n", ""),
     "POLICY_BAD_VALUE", "regimes"),
    ("regime-duplicate-deadline", REGIMES_MINIMAL + "\n".join(
        ["", "[[regimes.deadlines]]", 'code = "d"', "working_days = 3", 'zh = "甲"', 'en = "a"'] * 2
    ) + "\n", "POLICY_BAD_VALUE", "regimes[0].deadlines[1].code"),
    ("regime-duplicate-item", REGIMES_MINIMAL + "\n".join(
        ["", "[[regimes.repair_materials]]", 'code = "m"', 'zh = "甲"', 'en = "a"'] * 2
    ) + "\n", "POLICY_BAD_VALUE", "regimes[0].repair_materials[1].code"),
    ("regime-item-bad-code", REGIMES_MINIMAL + "\n".join(
        ["", "[[regimes.repair_materials]]", 'code = "Proof"', 'zh = "甲"', 'en = "a"']
    ) + "\n", "POLICY_BAD_VALUE", "regimes[0].repair_materials[0].code"),
    ("multiple-categories-not-table", REGIMES_MINIMAL.replace(
        "[[regimes]]", 'multiple_categories = "longest"\n\n[[regimes]]', 1),
     "POLICY_BAD_VALUE", "multiple_categories"),
    ("multiple-categories-rule", REGIMES_MINIMAL.replace(
        "[[regimes]]", '[multiple_categories]\nrule = "shortest"\nzh = "甲"\nen = "a"\n\n'
        "[[regimes]]", 1),
     "POLICY_BAD_VALUE", "multiple_categories.rule"),
    # calendar: the calendar's own checks, with the calendar's codes
    ("calendar-workday-not-weekend", CAL_2030 + '\n[[workdays]]\ndate = 2030-01-02\nreason = "x"\n',
     "CALENDAR_WORKDAY_NOT_WEEKEND", None),
    ("calendar-year-mismatch", _r(CAL_2030, 'edition = "2030"', 'edition = "2031"'),
     "CALENDAR_YEAR_MISMATCH", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code", "key"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_is_refused_with_code_naming_file_and_key(
    write_toml: Callable[[str, str], Path], text: str, code: str, key: str | None
) -> None:
    path = write_toml("bad-edition.toml", text)
    with pytest.raises(PolicyFileError) as info:
        read_policy_file(path)
    err = info.value
    assert err.code == code, err
    assert err.status == 422
    assert "bad-edition.toml" in err.message_zh
    assert "bad-edition.toml" in err.message_en
    if key is not None:
        assert err.details["key"] == key
        assert key in err.message_zh and key in err.message_en
    assert err.message_zh != err.message_en  # both languages, not one copied


def test_every_file_error_code_is_exercised() -> None:
    exercised = {c[2] for c in BAD_FILES} | {
        "POLICY_FILE_UNREADABLE",  # test_unreadable_files
        "POLICY_KIND_UNEXPECTED",  # test_loading: workdays import of a settings file
    }
    assert exercised >= POLICY_FILE_ERROR_CODES


def test_unreadable_files(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('note = "café"'.encode("latin-1"))
    for path in (latin1, tmp_path / "missing.toml"):
        with pytest.raises(PolicyFileError) as info:
            read_policy_file(path)
        assert info.value.code == "POLICY_FILE_UNREADABLE"
        assert path.name in info.value.message_zh


def test_valid_texts_parse_to_normalised_content() -> None:
    parsed = parse_policy_text(SETTINGS_LOCAL, source="admin:local.toml")
    assert parsed.label == "settings/local-demo@2026.1"
    assert parsed.header.jurisdiction == "local"
    assert parsed.content == {
        "settings": [
            {
                "key": "listing.objection_answer_working_days",
                "value": 3,
                "unit": "working_days",
                "effective_from": "2026-01-01",
                "effective_to": None,
                "legal_source": "seed 000（喀什）",
                "note": "",
                "unconfirmed": False,
            }
        ]
    }
    regimes = parse_policy_text(REGIMES_MINIMAL, source="x.toml").content["regimes"]
    assert regimes[0]["severities"]["general"]["max_months"] == 12


def test_digest_is_sha256_of_the_text_with_lf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "edition.toml"
    path.write_bytes(SETTINGS_LOCAL.encode())
    from_file = read_policy_file(path)
    assert from_file.digest == hashlib.sha256(SETTINGS_LOCAL.encode()).hexdigest()
    pasted = parse_policy_text("\ufeff" + SETTINGS_LOCAL.replace("\n", "\r\n"), source="admin:x")
    assert pasted.digest == from_file.digest
    assert pasted.source_text == SETTINGS_LOCAL


def test_shipped_files_all_parse() -> None:
    from xinyong.policy.files import policy_files

    files = policy_files()
    kinds = sorted(read_policy_file(p).kind for p in files)
    assert [k for k in kinds if k != "catalog"] == ["calendar"] * 8 + [
        "list_types",
        "measures",
        "measures",
        "memoranda",
        "regimes",
        "settings",
    ]
