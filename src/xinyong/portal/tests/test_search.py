"""The name search: any part of a Chinese name, codes, relevance order, bounded work, the
index kept in step with renames, status at a glance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from xinyong.core.actions import do_rename_subject
from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject
from xinyong.portal import search as search_module
from xinyong.portal.search import search_subjects, trigram_ready
from xinyong.portal.tests.conftest import World

pytestmark = pytest.mark.django_db


def names(query: str, **kwargs: object) -> list[str]:
    return [h.name for h in search_subjects(query, with_status=False, **kwargs).subjects]  # type: ignore[arg-type]


def test_any_part_of_a_chinese_name_finds_it(make_subject: Callable[..., Subject]) -> None:
    make_subject("杭州市某某科技有限公司")
    make_subject("宁波港口物流有限公司")
    for query in ["某某科技", "杭州市某某科技有限公司", "科技有限", "某某", "某", "有限公司"]:
        assert "杭州市某某科技有限公司" in names(query), query
    assert names("某某物流") == []
    assert names("科技物流") == []


def test_relevance_exact_code_then_prefix_then_substring_shorter_first(
    make_subject: Callable[..., Subject],
) -> None:
    long_sub = make_subject("杭州市某某科技发展集团有限公司")
    short_sub = make_subject("杭州某某科技有限公司")
    prefix_long = make_subject("某某科技（杭州）股份有限公司")
    prefix_short = make_subject("某某科技有限公司")
    assert names("某某科技") == [
        prefix_short.name,
        prefix_long.name,
        short_sub.name,
        long_sub.name,
    ]
    # A code whose subject's name does not contain it comes first, marked as a code match.
    coded = make_subject("某某科技无关公司")
    hits = search_subjects(coded.uscc or "", with_status=False).subjects
    assert [h.name for h in hits] == [coded.name] and hits[0].match == "code"
    ranked = search_subjects("某某科技", with_status=False).subjects
    assert [h.match for h in ranked][:2] == ["prefix", "prefix"]
    assert ranked[-1].match == "substring"


def test_legacy_codes_find_their_subject(make_subject: Callable[..., Subject]) -> None:
    from xinyong.core import identifiers

    reg_no = identifiers.make_business_reg_no("330106", "00001234")
    subject = make_subject(
        "西湖区老字号食品厂",
        kind=SubjectKind.INDIVIDUAL_BUSINESS,
        uscc="00000000000000000X",
        legacy={"business_reg_no": reg_no},
    )
    assert [h.id for h in search_subjects(reg_no, with_status=False).subjects] == [subject.pk]


def test_like_wildcards_in_the_query_are_literal(make_subject: Callable[..., Subject]) -> None:
    make_subject("百分百科技有限公司")
    make_subject("下划_线科技有限公司")
    assert names("%") == []
    assert names("_") == ["下划_线科技有限公司"]
    assert names("百%科技") == []
    assert names('"科技') == []  # an FTS5 phrase quote is escaped


def test_a_rename_is_searchable_at_once_and_the_old_name_is_not(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject("杭州旧名贸易有限公司")
    do_rename_subject(
        subject, "杭州新名贸易有限公司", effective=date(2026, 1, 5), acting_user=None,
        actor_label="test",
    )  # fmt: skip
    assert names("新名贸易") == ["杭州新名贸易有限公司"]
    assert names("旧名贸易") == []


def test_each_tier_reads_a_bounded_number_of_rows(
    make_subject: Callable[..., Subject], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(8):
        make_subject(f"丽水茶叶合作社{i:02d}号")
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    result = search_subjects("茶叶合作社", limit=5, with_status=False)
    # 3 candidates read, all shown; more match but only what was read is ranked.
    assert len(result.subjects) == 3
    result = search_subjects("茶叶合作社", limit=2, with_status=False)
    assert len(result.subjects) == 2 and result.truncated


def test_status_at_a_glance(world: World, client: Client) -> None:
    hits = {h.name: h for h in search_subjects("某某").subjects}
    company = hits["杭州市某某科技有限公司"]
    assert company.public_records == 1 and company.listings == []
    assert hits["王某某"].public_records == 1
    listed = search_subjects("示范建筑").subjects[0]
    assert [b.list_type_code for b in listed.listings] == ["wage-arrears"]
    assert listed.on_serious_list
    html = client.get(reverse("portal:search"), {"q": "示范建筑"}).content.decode()
    assert "严重失信主体名单：" in html.replace(": ", "：") or "拖欠农民工工资" in html
    assert f'href="{reverse("portal:subject", args=[listed.ref])}"' in html
    html = client.get(reverse("portal:search"), {"q": "某某科技"}).content.decode()
    assert "未列入名单" in html and "1 条公示信息" in html


@pytest.mark.postgres_only
def test_postgres_database_can_index_chinese_trigrams() -> None:
    """Fails on a database created with LC_CTYPE C: pg_trgm would index nothing of a
    Chinese name (docs/decisions/0060-name-search.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        (ctype,) = cursor.fetchone()
    assert trigram_ready(), f"LC_CTYPE {ctype}: create the database with LC_CTYPE C.UTF-8"


@pytest.mark.postgres_only
def test_postgres_uses_the_trigram_index(make_subject: Callable[..., Subject]) -> None:
    make_subject("杭州市某某科技有限公司")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM core_subject WHERE name ILIKE %s LIMIT 10", ["%某某科技%"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "portal_subject_name_trgm" in plan, plan
