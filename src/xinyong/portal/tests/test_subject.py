"""The subject page and the list publicity pages: only what is public, within its window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from xinyong.core.models import Subject
from xinyong.lists import actions as list_actions
from xinyong.lists.choices import CaseState
from xinyong.lists.models import ListingCase
from xinyong.lists.tests.conftest import People
from xinyong.portal import queries
from xinyong.portal.queries import public_record_q, subject_by_ref
from xinyong.portal.tests.conftest import PUBLIC_FACT, SECRET_MARKERS, World
from xinyong.records.models import Record

pytestmark = pytest.mark.django_db


def page(client: Client, subject: Subject) -> str:
    response = client.get(reverse("portal:subject", args=[subject.uscc or subject.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_public_record_q_is_record_is_published(world: World) -> None:
    today = timezone.localdate()
    for record in Record.objects.all():
        shown = Record.objects.filter(public_record_q(today), pk=record.pk).exists()
        assert shown == record.is_published, record
    # And on the day after a window ends.
    record = world.records["public"]
    assert record.publication_max_end is not None
    after = record.publication_max_end + timedelta(days=1)
    assert not Record.objects.filter(public_record_q(after), pk=record.pk).exists()
    assert Record.objects.filter(public_record_q(record.publication_max_end), pk=record.pk).exists()


def test_company_page_shows_its_public_penalty_and_nothing_else(
    world: World, client: Client
) -> None:
    html = page(client, world.company)
    assert world.company.name in html and (world.company.uscc or "") in html
    assert PUBLIC_FACT in html
    assert world.records["public"].decision_number in html
    assert "行政管理信息（行政许可、行政处罚等）" in html
    assert "杭州市市场监督管理局" in html
    for marker in SECRET_MARKERS.values():
        assert marker not in html, marker
    for hidden in ("withdrawn", "expired", "shared", "not_disclosed"):
        assert world.records[hidden].decision_number not in html, hidden
    # The legal representative's ID number and ID type (not public fields) are not shown.
    assert world.representative_id not in html
    assert "法定代表人证件号码" not in html
    assert "未列入名单" in html
    assert reverse("portal:subject-report", args=[world.company.uscc]) in html


def test_person_page_shows_the_masked_id_only(world: World, client: Client) -> None:
    html = page(client, world.person)
    assert world.person.id_number_masked in html
    assert world.person_id not in html
    assert world.person_id[6:14] not in html  # not even the birth date
    assert world.records["person"].decision_number in html


def test_listed_company_page_shows_the_listing(world: World, client: Client) -> None:
    html = page(client, world.listed.subject)
    assert "拖欠农民工工资失信联合惩戒对象名单" in html
    assert "列入严重失信主体名单" in html
    assert "2026年3月12日" in html  # listed on
    assert "2029年3月12日" in html  # term end
    assert SECRET_MARKERS["listing_facts"] not in html  # the facts are not published


def test_a_suspended_listing_says_an_objection_is_pending(
    world: World, client: Client, people: People
) -> None:
    case = world.listed
    list_actions.do_file_objection(
        case, received_on=date(2026, 6, 1), grounds="工资已全部支付。",
        acting_user=people.reviewer, today=date(2026, 6, 1),
    )  # fmt: skip
    assert ListingCase.objects.get(pk=case.pk).state == CaseState.SUSPENDED
    html = page(client, case.subject)
    assert "异议核查中，惩戒措施暂停" in html


def test_subject_addresses(world: World, client: Client) -> None:
    assert subject_by_ref(world.company.uscc or "") == world.company
    assert subject_by_ref((world.company.uscc or "").lower()) == world.company
    assert subject_by_ref(str(world.person.pk)) == world.person
    # Never by ID number, not by garbage.
    assert subject_by_ref(world.person_id) is None
    assert subject_by_ref("abc") is None
    assert client.get(reverse("portal:subject", args=[world.person_id])).status_code == 404
    assert client.get(reverse("portal:subject", args=["999999"])).status_code == 404
    # The page of a subject by number loads no personal column.
    subject = subject_by_ref(str(world.person.pk))
    assert subject is not None
    assert "id_number_encrypted" in subject.get_deferred_fields()


def test_no_objection_app_means_nothing_under_objection(world: World) -> None:
    assert queries.items_under_objection(world.company) == set()


def test_subject_page_query_count_does_not_grow_with_records(
    world: World, client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("portal:subject", args=[world.company.uscc])
    client.get(url)  # warm the catalog cache
    # subject, objections pending (3, xinyong.repair), records, listings, decision numbers
    with django_assert_num_queries(7):
        client.get(url)


# --- list publicity ------------------------------------------------------------------------


def test_serious_list_page_shows_the_entry_and_filters(world: World, client: Client) -> None:
    url = reverse("portal:lists-serious")
    html = client.get(url).content.decode()
    subject = world.listed.subject
    assert subject.name in html and "拖欠农民工工资失信联合惩戒对象名单" in html
    assert reverse("portal:subject", args=[subject.uscc]) in html
    assert "共 1 条" in html
    assert SECRET_MARKERS["listing_facts"] not in html
    for params, found in [
        ({"list_type": "wage-arrears"}, True),
        ({"list_type": "major-tax-violation"}, False),
        ({"listed_from": "2026-03-12", "listed_to": "2026-03-12"}, True),
        ({"listed_from": "2026-03-13"}, False),
        ({"q": "示范建筑"}, True),
        ({"q": "某某"}, False),
        ({"division": world.listed.initiating_department.division}, True),
        ({"division": "110101"}, False),
    ]:
        html = client.get(url, params).content.decode()
        assert (subject.name in html) is found, params
    body = client.get(url, {"listed_from": "2026-04-01", "listed_to": "2026-03-01"}).content
    assert "起始日期晚于截止日期" in body.decode()


def test_red_list_page_is_separate(world: World, client: Client) -> None:
    html = client.get(reverse("portal:lists-red")).content.decode()
    assert world.listed.subject.name not in html
    assert "共 0 条" in html
    assert "纳税信用A级纳税人" in html  # a red list type in the filter


def test_list_pages_page(
    world: World, client: Client, make_subject: Callable[..., Subject], people: People,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from xinyong.lists.tests.conftest import no_grounds, open_wage_case

    other = make_subject("示范第二建筑有限公司")
    p = people
    case = open_wage_case(p, other, today=date(2026, 3, 2))
    case = list_actions.do_issue_prior_notice(
        case,
        notice_date=date(2026, 3, 2),
        acting_user=p.clerk,
        today=date(2026, 3, 2),
    )
    case = list_actions.do_close_objection_window(case, acting_user=None, today=date(2026, 3, 10))
    no_grounds(case, p.clerk, today=date(2026, 3, 10))
    case = list_actions.do_decide_listing(
        case,
        decision_date=date(2026, 3, 10),
        acting_user=p.clerk,
        today=date(2026, 3, 10),
    )
    list_actions.do_publish_listing(
        case,
        listed_on=date(2026, 3, 13),
        acting_user=p.reviewer,
        today=date(2026, 3, 13),
    )
    monkeypatch.setattr(queries, "LIST_PAGE_SIZE", 1)
    url = reverse("portal:lists-serious")
    first = client.get(url, {"list_type": "wage-arrears"}).content.decode()
    assert "示范第二建筑有限公司" in first and world.listed.subject.name not in first
    assert "第 1 页，共 2 页" in first
    assert "list_type=wage-arrears&amp;page=2" in first
    second = client.get(url, {"list_type": "wage-arrears", "page": "2"}).content.decode()
    assert world.listed.subject.name in second
    assert client.get(url, {"page": "x"}).status_code == 200
