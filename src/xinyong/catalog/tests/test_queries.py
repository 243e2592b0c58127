"""Look-ups of the catalog: items by date, who may report them, header maps, the cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from xinyong.catalog.errors import CatalogItemNotAllowed
from xinyong.catalog.queries import (
    catalog_editions,
    catalog_item,
    check_department_may_report,
    items_in_force,
)
from xinyong.catalog.tests.samples import SUPPLEMENT
from xinyong.core.actions import do_create_department
from xinyong.core.choices import DepartmentKind
from xinyong.core.models import Department
from xinyong.policy.actions import LoadOutcome
from xinyong.policy.loader import FileOutcome

ON = date(2025, 6, 1)


def test_items_are_found_whatever_the_case(loaded_policy: list[FileOutcome]) -> None:
    assert catalog_item(" cf ", on=ON).code == "CF"
    codes = [i.code for i in items_in_force(on=ON)]
    assert codes[:4] == ["DJ", "SXBZXR", "XK", "CF"]
    assert codes[-2:] == ["ZJ_GYQF", "ZJ_ZYFW"]  # supplements after the national items


def test_department_kinds_and_codes_decide_who_reports(
    loaded_policy: list[FileOutcome], make_department: Callable[..., Department]
) -> None:
    court = make_department("杭州市上城区人民法院", kind=DepartmentKind.COURT)
    bureau = make_department("杭州市市场监督管理局", kind=DepartmentKind.SECTOR_AUTHORITY)
    judicial, penalty = catalog_item("SXBZXR", on=ON), catalog_item("CF", on=ON)
    check_department_may_report(judicial, court)
    check_department_may_report(penalty, bureau)
    with pytest.raises(CatalogItemNotAllowed) as info:
        check_department_may_report(judicial, bureau)
    error = info.value
    assert (error.code, error.status) == ("CATALOG_ITEM_NOT_ALLOWED", 403)
    assert "杭州市市场监督管理局" in error.message_zh and "人民法院" in error.message_zh
    assert "失信被执行人信息" in error.message_zh
    assert "Court" in error.message_en and "SXBZXR" in error.message_en
    with pytest.raises(CatalogItemNotAllowed):
        check_department_may_report(penalty, court)


def test_an_item_may_name_its_reporting_departments(
    loaded_policy: list[FileOutcome], make_department: Callable[..., Department]
) -> None:
    volunteering = catalog_item("ZJ_ZYFW", on=ON)
    assert volunteering.reporter_kinds == ()
    named = do_create_department(
        name="示例志愿服务指导中心",
        code=volunteering.reporter_codes[0],
        division="330000",
        kind=DepartmentKind.OTHER,
        acting_user=None,
        actor_label="test",
    )
    check_department_may_report(volunteering, named)
    other = make_department(kind=DepartmentKind.OTHER)
    with pytest.raises(CatalogItemNotAllowed) as info:
        check_department_may_report(volunteering, other)
    assert volunteering.reporter_codes[0] in info.value.message_zh


def test_header_map(loaded_policy: list[FileOutcome]) -> None:
    cf = catalog_item("CF", on=ON)
    headers = cf.header_map()
    assert headers["CF_XDR_MC"] == "CF_XDR_MC"
    assert headers["行政相对人名称"] == "CF_XDR_MC"
    assert headers["行政相对人名称*"] == "CF_XDR_MC"
    assert headers["cf_nr_fk"] == "CF_NR_FK"
    assert cf.field_for_header("罚款金额(万元)") == "CF_NR_FK"
    assert cf.field_for_header(" 罚款金额（万元）＊") == "CF_NR_FK"
    assert cf.field_for_header("ＣＦ＿ＷＳＨ") == "CF_WSH"
    assert cf.field_for_header("Cf_Wsh") == "CF_WSH"
    assert cf.field_for_header("不存在") is None
    # Every field is reachable by code and by name.
    assert set(headers.values()) == {f.code for f in cf.fields}


def test_field_and_role_lookups(loaded_policy: list[FileOutcome]) -> None:
    cf = catalog_item("CF", on=ON)
    assert cf.field("CF_CFLB").type == "codes"
    assert cf.field_for_role("categories") is cf.field("CF_CFLB")
    assert cf.field_for_role("document_type") is None
    with pytest.raises(KeyError):
        cf.field("XK_WSH")
    data = cf.as_dict()
    assert data["publication_rule"]["type"] == "regime"
    assert data["fields"][0]["code"] == "CF_XDR_MC"


def test_the_cache_costs_one_query_when_nothing_changed(
    loaded_policy: list[FileOutcome],
    load_policy_text: Callable[..., LoadOutcome],
    django_assert_num_queries: Any,
) -> None:
    catalog_editions()
    with django_assert_num_queries(1):
        catalog_item("CF", on=ON)
    with django_assert_num_queries(1):
        items_in_force(on=ON)
    load_policy_text(SUPPLEMENT)
    assert catalog_item("T_ONE", on=ON).code == "T_ONE"  # rebuilt


def test_department_kind_labels() -> None:
    from xinyong.catalog.queries import department_kind_label

    assert department_kind_label("court") == "人民法院"
    assert department_kind_label("court", "en") == "Court"
    assert department_kind_label("ministry") == "ministry"
