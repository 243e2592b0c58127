"""Catalog editions as policy data: the shipped editions load, supersede each other by date,
supplements add items, and bad files are refused with codes before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from xinyong.audit.events import EventType
from xinyong.audit.models import AuditEvent
from xinyong.catalog.errors import CatalogItemConflict, CatalogItemUnknown
from xinyong.catalog.models import CatalogCodeList, CatalogItem
from xinyong.catalog.queries import (
    catalog_editions,
    catalog_item,
    editions_in_force,
    items_in_force,
)
from xinyong.catalog.tests.samples import SUPPLEMENT, edit, supplement
from xinyong.errors import CodedError
from xinyong.policy.actions import LoadOutcome, do_retire_policy_edition
from xinyong.policy.errors import PolicyFileError
from xinyong.policy.files import parse_policy_text
from xinyong.policy.kinds import KINDS
from xinyong.policy.loader import FileOutcome
from xinyong.policy.models import PolicyEdition
from xinyong.policy.tests.fixtures import after

Loader = Callable[..., LoadOutcome]
NATIONAL_2021 = {
    "DJ", "SXBZXR", "XK", "CF", "QZ", "QR", "ZS", "JF", "CJ", "BC", "JL", "JC", "ZYZG", "JYYC",
    "YZSX", "HTLX", "XYCN", "XYPJ", "RYXX", "ZYTG",
}  # fmt: skip
CATEGORIES_2021 = {
    "registration", "judicial", "administrative", "qualification", "abnormal-operation",
    "serious-dishonesty", "contract", "commitment", "evaluation", "honour", "voluntary",
}  # fmt: skip


def _codes(on: date) -> set[str]:
    return {i.code for i in items_in_force(on=on)}


def _edition(label: str) -> PolicyEdition:
    kind, rest = label.split("/")
    code, edition = rest.split("@")
    return PolicyEdition.objects.get(kind=kind, code=code, edition=edition)


def test_catalog_kind_is_registered() -> None:
    assert KINDS["catalog"].kind == "catalog"
    assert KINDS["catalog"].file_event == EventType.CATALOG_EDITION_LOADED


def test_shipped_editions_load_with_their_items_and_events(
    loaded_policy: list[FileOutcome],
) -> None:
    catalog = [o for o in loaded_policy if o.path.startswith("policy/catalog/")]
    assert [o.path for o in catalog] == [
        "policy/catalog/national-2021.toml",
        "policy/catalog/national-2022.toml",
        "policy/catalog/national-2024.toml",
        "policy/catalog/zj-supplement-2023.toml",
    ]
    assert all(o.status == "loaded" for o in catalog)
    events = AuditEvent.objects.filter(event_type=EventType.CATALOG_EDITION_LOADED)
    assert events.count() == 4
    event = events.get(object_id=str(_edition("catalog/national-base@2024").pk))
    assert after(event)["supersedes"] == "catalog/national-base@2022"
    assert "ZSCQ" in after(event)["summary"]["items"]
    assert CatalogItem.objects.filter(edition__edition="2021").count() == len(NATIONAL_2021)
    assert CatalogCodeList.objects.filter(edition__edition="2024", code="ip_type").exists()
    categories = {c["code"] for c in _edition("catalog/national-base@2021").content["categories"]}
    assert categories == CATEGORIES_2021


def test_editions_supersede_each_other_by_date(loaded_policy: list[FileOutcome]) -> None:
    e2024 = _edition("catalog/national-base@2024")
    start_2024 = e2024.effective_from
    assert _edition("catalog/national-base@2021").superseded_by == _edition(
        "catalog/national-base@2022"
    )
    assert _codes(date(2021, 12, 29)) == set()
    assert _codes(date(2021, 12, 30)) == NATIONAL_2021
    assert _codes(date(2022, 12, 31)) == NATIONAL_2021
    # 2022 edition adds 遵守法律法规情况信息 (FLFG); the Zhejiang example supplement starts too.
    assert _codes(date(2023, 1, 1)) == NATIONAL_2021 | {"FLFG", "ZJ_GYQF", "ZJ_ZYFW"}
    # 知识产权信息 appears only from the 2024 edition's effective date.
    before = start_2024 - timedelta(days=1)
    assert "ZSCQ" not in _codes(before)
    assert "ZSCQ" in _codes(start_2024)
    assert catalog_item("ZSCQ", on=start_2024).edition == "catalog/national-base@2024"
    assert catalog_item("CF", on=before).edition == "catalog/national-base@2022"
    assert catalog_item("CF", on=date(2022, 6, 1)).edition == "catalog/national-base@2021"
    assert [e.label for e in editions_in_force(on=start_2024)] == [
        "catalog/national-base@2024",
        "catalog/zj-supplement@2023",
    ]


def test_an_item_of_the_2024_edition_is_unknown_before_it(
    loaded_policy: list[FileOutcome],
) -> None:
    with pytest.raises(CatalogItemUnknown) as info:
        catalog_item("ZSCQ", on=date(2023, 6, 1))
    error = info.value
    assert (error.code, error.status) == ("CATALOG_ITEM_UNKNOWN", 404)
    assert "2023-06-01" in error.message_zh and "2023-06-01" in error.message_en
    assert "全国公共信用信息基础目录（2022年版）" in error.message_zh
    assert "catalog/national-base@2022" in error.message_en
    assert "2024年版" in error.message_zh  # where the item can be found
    assert error.details["editions"] == ["catalog/national-base@2022", "catalog/zj-supplement@2023"]


def test_nothing_is_recorded_before_the_first_edition(loaded_policy: list[FileOutcome]) -> None:
    with pytest.raises(CatalogItemUnknown) as info:
        catalog_item("CF", on=date(2020, 1, 1))
    assert "没有施行的公共信用信息目录" in info.value.message_zh
    assert "2021-12-30" in info.value.message_zh


def test_nothing_loaded_at_all(db: None) -> None:
    with pytest.raises(CatalogItemUnknown) as info:
        catalog_item("CF", on=date(2025, 1, 1))
    assert "xinyong policy load" in info.value.message_en


def test_retiring_an_edition_puts_the_previous_one_back(loaded_policy: list[FileOutcome]) -> None:
    e2024 = _edition("catalog/national-base@2024")
    day = e2024.effective_from
    assert "ZSCQ" in _codes(day)
    do_retire_policy_edition(e2024, reason="测试：文号待核实", acting_user=None, actor_label="t")
    assert "ZSCQ" not in _codes(day)
    assert catalog_item("CF", on=day).edition == "catalog/national-base@2022"


def test_a_supplement_adds_items_for_its_dates(load_policy_text: Loader) -> None:
    outcome = load_policy_text(SUPPLEMENT)
    assert outcome.status == "loaded"
    assert _codes(date(2023, 12, 31)) == set()
    item = catalog_item("t_one", on=date(2024, 1, 1))
    assert (item.code, item.jurisdiction, item.edition) == (
        "T_ONE", "provincial", "catalog/test-supplement@1",
    )  # fmt: skip
    assert [f.code for f in item.fields] == ["T_MC", "T_LB", "T_DM", "T_WH", "T_RQ"]
    assert item.field("T_LB").code_list is not None
    assert item.category_zh == "测试类"
    assert item.publication_rule == {"type": "fixed", "months": 12}


def test_a_supplement_may_not_redefine_a_national_item(
    loaded_policy: list[FileOutcome], load_policy_text: Loader
) -> None:
    before = PolicyEdition.objects.count()
    with pytest.raises(CatalogItemConflict) as info:
        load_policy_text(supplement(**{'code = "T_ONE"': 'code = "CF"'}))
    assert info.value.code == "CATALOG_ITEM_CODE_CONFLICT"
    assert "catalog/national-base@2022" in info.value.message_en
    assert PolicyEdition.objects.count() == before
    assert not CatalogItem.objects.filter(edition__code="test-supplement").exists()
    # Before the national catalog starts the code is free.
    text = supplement(
        **{
            'code = "T_ONE"': 'code = "CF"',
            "effective_from = 2024-01-01": (
                "effective_from = 2020-01-01\neffective_to = 2021-12-29"
            ),
        }
    )
    assert load_policy_text(text).status == "loaded"


def test_supersession_in_a_supplement_series(load_policy_text: Loader) -> None:
    load_policy_text(SUPPLEMENT)
    second = supplement(
        **{
            'edition = "1"': 'edition = "2"\nsupersedes = "1"',
            "effective_from = 2024-01-01": "effective_from = 2025-01-01",
            'code = "T_ONE"': 'code = "T_TWO"',
        }
    )
    load_policy_text(second)
    assert _codes(date(2024, 6, 1)) == {"T_ONE"}
    assert _codes(date(2025, 6, 1)) == {"T_TWO"}
    assert [e.status for e in catalog_editions()] == ["superseded", "active"]


def test_cache_is_current_after_each_load(load_policy_text: Loader) -> None:
    assert items_in_force(on=date(2024, 6, 1)) == []
    load_policy_text(SUPPLEMENT)
    assert _codes(date(2024, 6, 1)) == {"T_ONE"}


# -- refusals -----------------------------------------------------------------------------------

_REPORTERS = 'reporter_kinds = ["credit_office"]'
_RULE = 'publication_rule = { type = "fixed", months = 12 }'
_LB = '{ code = "{p}_LB", name_zh = "类别", name_en = "Category", type = "code", code_list = "subject_category", required = true, role = "subject_category" }'  # noqa: E501


@pytest.mark.parametrize(
    ("old", "new", "code", "key"),
    [
        ('title_en = "Test supplement"', 'title_en = "x"\ntypo = 1', "POLICY_UNKNOWN_KEY", "typo"),
        ('category = "test"', 'category = "nope"', "CATALOG_REFERENCE_UNKNOWN", "category"),
        ('record_kind = "other"', 'record_kind = "fine"', "POLICY_BAD_VALUE", "record_kind"),
        ('code = "T_ONE"', 'code = "t-one"', "POLICY_BAD_VALUE", "code"),
        (_REPORTERS, "", "CATALOG_ITEM_INVALID", "reporter_kinds"),
        (_REPORTERS, 'reporter_codes = ["91330100123"]', "POLICY_BAD_VALUE", "reporter_codes"),
        (_REPORTERS, 'reporter_kinds = ["mayor"]', "POLICY_BAD_VALUE", "reporter_kinds"),
        (
            'subject_kinds = ["legal_person", "natural_person"]',
            'subject_kinds = ["robot"]',
            "POLICY_BAD_VALUE",
            "subject_kinds",
        ),
        (
            'sharing_scope = ["all_departments"]',
            'sharing_scope = ["everyone"]',
            "POLICY_BAD_VALUE",
            "sharing_scope",
        ),
        (
            _RULE,
            'publication_rule = { type = "none" }',
            "CATALOG_ITEM_INVALID",
            "publication_rule",
        ),
        (_RULE, 'publication_rule = { type = "fixed" }', "POLICY_MISSING_KEY", "months"),
        (
            _RULE,
            'publication_rule = { type = "regime", months = 3 }',
            "POLICY_BAD_VALUE",
            "months",
        ),
        (
            'disclosure = "public"',
            'disclosure = "not_disclosed"',
            "CATALOG_ITEM_INVALID",
            "publication_rule",
        ),
        (
            "reporting_deadline_working_days = 3",
            "reporting_deadline_working_days = 0",
            "POLICY_BAD_VALUE",
            "reporting_deadline_working_days",
        ),
        ('key_field = "T_WH"', 'key_field = "T_XX"', "CATALOG_REFERENCE_UNKNOWN", "key_field"),
        (
            'date_field = "T_RQ"',
            'date_field = "T_WH"',
            "CATALOG_REFERENCE_UNKNOWN",
            "date_field",
        ),
        (
            'key_field = "T_WH"',
            'key_field = "T_WH"\nrequires_legal_document = true',
            "CATALOG_ITEM_INVALID",
            "requires_legal_document",
        ),
        (
            '{ use = "subject", prefix = "T" }',
            '{ use = "person", prefix = "T" }',
            "CATALOG_REFERENCE_UNKNOWN",
            "use",
        ),
        (
            '{ use = "subject", prefix = "T" }',
            '{ use = "subject", prefix = "t" }',
            "POLICY_BAD_VALUE",
            "prefix",
        ),
        (
            'name_en = "Number", type = "text"',
            'name_en = "Number", type = "money"',
            "POLICY_BAD_VALUE",
            "type",
        ),
        (
            'name_en = "Number", type = "text"',
            'name_en = "Number", type = "code"',
            "CATALOG_FIELD_INVALID",
            "code_list",
        ),
        (
            'name_en = "Date", type = "date"',
            'name_en = "Date", type = "date", max_length = 3',
            "CATALOG_FIELD_INVALID",
            "max_length",
        ),
        ('code = "T_WH"', 'code = "T_RQ"', "CATALOG_DUPLICATE_CODE", "code"),
        (
            'code = "T_WH", name_zh = "文号"',
            'code = "T_WH", name_zh = "日期"',
            "CATALOG_DUPLICATE_CODE",
            "name_zh",
        ),
        (
            'name_en = "USCC", type = "uscc", role = "uscc"',
            'name_en = "USCC", type = "text", role = "uscc"',
            "CATALOG_FIELD_INVALID",
            "role",
        ),
        (
            'name_en = "Number", type = "text", required = true',
            'name_en = "Number", type = "text", required = true, role = "subject_name"',
            "CATALOG_DUPLICATE_CODE",
            "role",
        ),
        (
            'required = true, role = "subject_category"',
            'required = true, role = "severity"',
            "CATALOG_FIELD_INVALID",
            "code_list",
        ),
        (', subject_kind = "natural_person" }', " }", "CATALOG_FIELD_INVALID", "code_list"),
        (
            'entries = [{ code = "01", name_zh = "身份证"',
            'entries = [{ code = "09", name_zh = "身份证"',
            "CATALOG_FIELD_INVALID",
            "code_lists.id_type",
        ),
        (
            '{ code = "02", name_zh = "自然人"',
            '{ code = "01", name_zh = "自然人"',
            "CATALOG_DUPLICATE_CODE",
            "entries[1].code",
        ),
        (
            'name_en = "Judgment" }',
            'name_en = "Judgment", counterparts = ["02"] }',
            "CATALOG_REFERENCE_UNKNOWN",
            "counterparts",
        ),
        (
            'name_en = "Judgment" }',
            'name_en = "Judgment", decisions_from = 2021-07-15, decisions_to = 2021-07-14 }',
            "POLICY_DATE_ORDER",
            "decisions_to",
        ),
        (
            'name_en = "Judgment" }',
            'name_en = "Judgment", severity = "huge" }',
            "POLICY_BAD_VALUE",
            "severity",
        ),
        (
            'name_en = "Judgment" }',
            'name_en = "Judgment", aliases = ["裁判"], alias_counterparts = { "判" = ["01"] } }',
            "CATALOG_REFERENCE_UNKNOWN",
            "alias_counterparts",
        ),
        ('code = "T_WH"', 'code = "t_wh"', "POLICY_BAD_VALUE", "items[0].fields[1].code"),
        (
            'name_en = "Number", type = "text"',
            'name_en = "Number", type = "id_type", code_list = "doc_type"',
            "CATALOG_FIELD_INVALID",
            "code_list",
        ),
        (
            'name_en = "Number", type = "text"',
            'name_en = "Number", type = "code", code_list = "nope"',
            "CATALOG_REFERENCE_UNKNOWN",
            "code_list",
        ),
        (
            'name_en = "Number", type = "text"',
            'name_en = "Number", type = "text", required_for_kinds = ["robot"]',
            "POLICY_BAD_VALUE",
            "required_for_kinds",
        ),
        (
            'sharing_scope = ["all_departments"]',
            'sharing_scope = ["all_departments", "court"]',
            "POLICY_BAD_VALUE",
            "sharing_scope",
        ),
        (
            'sharing_scope = ["all_departments"]',
            'sharing_scope = "all"',
            "POLICY_BAD_VALUE",
            "sharing_scope",
        ),
        (
            'sharing_scope = ["all_departments"]',
            "sharing_scope = []",
            "POLICY_BAD_VALUE",
            "sharing_scope",
        ),
        (_REPORTERS, 'reporter_kinds = ["court", "court"]', "POLICY_BAD_VALUE", "reporter_kinds"),
        (
            "[[items]]",
            '[[categories]]\ncode = "test"\nname_zh = "x"\nname_en = "x"\n\n[[items]]',
            "CATALOG_DUPLICATE_CODE",
            "categories[1].code",
        ),
        (
            "[[field_sets]]",
            '[[code_lists]]\ncode = "doc_type"\nname_zh = "x"\nname_en = "x"\n'
            'entries = [{ code = "01", name_zh = "x", name_en = "x" }]\n\n[[field_sets]]',
            "CATALOG_DUPLICATE_CODE",
            "code_lists[3].code",
        ),
        (
            "[[items]]",
            '[[field_sets]]\ncode = "subject"\nfields = [{ code = "X", name_zh = "x", '
            'name_en = "x", type = "text" }]\n\n[[items]]',
            "CATALOG_DUPLICATE_CODE",
            "field_sets[1].code",
        ),
    ],
)
def test_bad_catalog_files_are_refused_with_a_code_and_the_key(
    old: str, new: str, code: str, key: str
) -> None:
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(edit(SUPPLEMENT, old, new), source="test:bad.toml")
    error = info.value
    assert error.code == code, error
    assert key in error.details.get("key", ""), error.details
    assert "test:bad.toml" in error.message_zh and "test:bad.toml" in error.message_en


def test_not_disclosed_items_are_not_shared_with_every_department() -> None:
    text = edit(SUPPLEMENT, 'disclosure = "public"', 'disclosure = "not_disclosed"')
    text = edit(text, _RULE, 'publication_rule = { type = "none" }')
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(text, source="test")
    assert (info.value.code, info.value.details["key"]) == (
        "CATALOG_ITEM_INVALID", "items[0].sharing_scope",
    )  # fmt: skip
    text = edit(text, 'sharing_scope = ["all_departments"]', 'sharing_scope = ["credit_office"]')
    assert parse_policy_text(text, source="test").content["items"][0]["disclosure"] == (
        "not_disclosed"
    )


def test_a_legal_document_item_declares_both_fields() -> None:
    text = edit(
        SUPPLEMENT, 'key_field = "T_WH"', 'key_field = "T_WH"\nrequires_legal_document = true'
    )
    fields = (
        '{ code = "T_WSLX", name_zh = "文书类型", name_en = "Doc type", type = "code", '
        'code_list = "doc_type", role = "document_type" },\n'
        '  { code = "T_WSH", name_zh = "文书号", name_en = "Doc number", type = "text", '
        'role = "document_number" },\n  { code = "T_WH"'
    )
    text = edit(text, '{ code = "T_WH"', fields)
    item = parse_policy_text(text, source="test").content["items"][0]
    assert item["requires_legal_document"] is True


def test_every_shipped_file_parses_without_the_database() -> None:
    from pathlib import Path

    from django.conf import settings

    for path in sorted((Path(settings.POLICY_DIR) / "catalog").glob("*.toml")):
        parsed = parse_policy_text(path.read_text(encoding="utf-8"), source=path.name)
        assert parsed.kind == "catalog"
        for item in parsed.content["items"]:
            assert item["fields"], item["code"]
            codes = [f["code"] for f in item["fields"]]
            assert item["key_field"] in codes and item["date_field"] in codes


def test_dual_publicity_items_carry_the_national_field_codes(
    loaded_policy: list[FileOutcome],
) -> None:
    day = date(2023, 6, 1)
    xk, cf = catalog_item("XK", on=day), catalog_item("CF", on=day)
    assert (xk.record_kind, xk.reporting_deadline_working_days) == ("licence", 7)
    assert (cf.record_kind, cf.reporting_deadline_working_days) == ("penalty", 7)
    assert cf.publication_rule["type"] == "regime"
    xk_codes = {f.code for f in xk.fields}
    assert {
        "XK_XDR_MC", "XK_XDR_LB", "XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_XDR_ZZJG", "XK_XDR_SWDJ",
        "XK_XDR_SYDW", "XK_XDR_SHZZ", "XK_FRDB", "XK_FR_ZJLX", "XK_FR_ZJHM", "XK_XDR_ZJLX",
        "XK_XDR_ZJHM", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ",
        "XK_YXQZ", "XK_YXQZI", "XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM", "BZ",
    } == xk_codes  # fmt: skip
    required = {f.code for f in cf.fields if f.required}
    assert required == {
        "CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
        "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM",
    }  # fmt: skip
    assert cf.field("CF_NR_FK").type == "amount_wanyuan"
    assert {f.code for f in cf.fields if f.code.startswith("XY_")} == {"XY_QZCD", "XY_TDYZ"}
    assert cf.field("CF_FRDB").required_for_kinds == ("legal_person",)
    assert cf.field("CF_XDR_ZJHM").required_for_kinds == ("natural_person",)
    assert not cf.field("CF_XDR_ZJHM").public
    other = catalog_item("QZ", on=day)
    assert (other.record_kind, other.reporting_deadline_working_days) == ("other", 2)
    judicial = catalog_item("SXBZXR", on=day)
    assert judicial.reporter_kinds == ("court",) and judicial.requires_legal_document
    assert catalog_item("DJ", on=day).disclosure == "shared"
    assert catalog_item("JF", on=day).disclosure == "not_disclosed"


def test_coded_error_codes_are_distinct() -> None:
    assert issubclass(CatalogItemConflict, CodedError)


def test_duplicate_item_codes_are_refused() -> None:
    start = SUPPLEMENT.index("[[items]]")
    text = SUPPLEMENT + "\n" + SUPPLEMENT[start:]
    with pytest.raises(PolicyFileError) as info:
        parse_policy_text(text, source="test")
    assert (info.value.code, info.value.details["key"]) == (
        "CATALOG_DUPLICATE_CODE",
        "items[1].code",
    )


def test_unknown_catalog_file_codes_are_a_programming_error() -> None:
    from xinyong.catalog.errors import catalog_file_error

    with pytest.raises(ValueError, match="unknown catalog file error code"):
        catalog_file_error("NOPE", "s", "k", "zh", "en")


def test_an_edition_replaced_on_its_first_day_is_never_in_force(load_policy_text: Loader) -> None:
    from xinyong.catalog.queries import in_force_label

    load_policy_text(SUPPLEMENT)
    load_policy_text(supplement(**{'edition = "1"': 'edition = "2"\nsupersedes = "1"'}))
    first, second = catalog_editions()
    assert (first.in_force, first.status, in_force_label(first)) == (None, "superseded", "—")
    assert not first.in_force_on(date(2024, 1, 1))
    assert second.in_force_on(date(2024, 1, 1))
    assert catalog_item("T_ONE", on=date(2024, 1, 1)).edition == "catalog/test-supplement@2"
