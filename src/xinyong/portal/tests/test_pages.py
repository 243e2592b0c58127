"""Portal pages through the Django test client: rendering, language, headers, search."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, Settings

from xinyong.core.choices import SubjectKind
from xinyong.core.models import Subject
from xinyong.core.tests.fixtures import resident_id_for
from xinyong.portal.queries import SEARCH_LIMIT

pytestmark = pytest.mark.django_db

ZH_TAGLINE = "公共信用信息平台"
EN_TAGLINE = "Public credit information platform"

PAGES = ["portal:home", "portal:search", "console:login"]


def test_context_processor_is_registered() -> None:
    options = cast(dict[str, list[str]], settings.TEMPLATES[0]["OPTIONS"])
    processors = options["context_processors"]
    assert "xinyong.portal.context_processors.platform" in processors, (
        "register xinyong.portal.context_processors.platform in TEMPLATES (settings.py)"
    )


def test_home_renders_in_chinese_by_default(client: Client) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert settings.XINYONG["PLATFORM_NAME"] in html
    assert ZH_TAGLINE in html
    assert "双公示" in html
    assert "信用修复" in html
    assert f'href="{reverse("console:login")}"' in html
    assert f'action="{reverse("portal:search")}"' in html
    assert 'method="get"' in html


@pytest.mark.parametrize("name", PAGES)
def test_pages_send_csp_and_use_no_inline_code(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    html = response.content.decode()
    # The CSP forbids inline styles and un-nonced scripts; we use neither.
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert "<script" not in html
    assert "/static/css/xinyong.css" in html


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_skip_link_first_and_a_main_landmark(client: Client, name: str) -> None:
    html = client.get(reverse(name)).content.decode()
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert first_link is not None
    assert 'class="skip-link" href="#main"' in first_link.group(0)
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html


def test_static_css_is_served(client: Client) -> None:
    response = client.get("/static/css/xinyong.css")
    assert response.status_code == 200
    assert b"@media print" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_language_switch_sets_cookie_and_page_turns_english(client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html and ">English</button>" in html
    assert 'name="language" value="zh-hans"' in html and ">中文</button>" in html

    response = client.post(reverse("set_language"), {"language": "en", "next": "/search/?q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=x"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in html
    assert EN_TAGLINE in html
    assert ZH_TAGLINE not in html
    assert "Dual publicity" in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert ZH_TAGLINE in html


def test_language_switch_refuses_foreign_next(client: Client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_english_platform_name_is_used_when_configured(client: Client, settings: Settings) -> None:
    settings.XINYONG = {**settings.XINYONG, "PLATFORM_NAME_EN": "Demo City"}
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Demo City" in client.get("/").content.decode()


def test_unknown_page_is_a_404_in_our_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'class="skip-link"' in html


def test_search_without_query_prompts(client: Client) -> None:
    response = client.get(reverse("portal:search"))
    assert response.status_code == 200
    assert "请在上方输入名称或代码" in response.content.decode()


def test_search_finds_a_subject_by_any_substring_of_its_name(
    client: Client, make_subject: Callable[..., Subject]
) -> None:
    subject = make_subject("杭州示范数据科技有限公司")
    make_subject("宁波港口物流有限公司")
    for query in ["杭州示范数据科技有限公司", "示范数据", "科技", "杭", "  示范  "]:
        html = client.get(reverse("portal:search"), {"q": query}).content.decode()
        assert subject.name in html, query
        assert subject.display_identifier in html
        assert "法人" in html  # kind label, in Chinese
        assert "宁波港口物流有限公司" not in html


def test_search_finds_a_subject_by_exact_uscc_only(
    client: Client, make_subject: Callable[..., Subject]
) -> None:
    subject = make_subject("温州精密机械有限公司")
    assert subject.uscc
    for query in [subject.uscc, subject.uscc.lower(), f" {subject.uscc} "]:
        html = client.get(reverse("portal:search"), {"q": query}).content.decode()
        assert subject.name in html, query
    html = client.get(reverse("portal:search"), {"q": subject.uscc[:10]}).content.decode()
    assert subject.name not in html
    assert "没有找到" in html


def test_search_never_shows_a_natural_persons_id_number(
    client: Client, make_subject: Callable[..., Subject]
) -> None:
    id_number = resident_id_for()
    person = make_subject("王晓明", kind=SubjectKind.NATURAL_PERSON, id_number=id_number)
    assert person.id_number_masked and person.id_number_masked != id_number
    response = client.get(reverse("portal:search"), {"q": "晓明"})
    html = response.content.decode()
    assert "王晓明" in html
    assert person.id_number_masked in html
    assert "自然人" in html
    assert id_number not in html
    assert id_number[6:14] not in html  # not even the birth date
    assert person.id_number_encrypted not in html
    assert person.id_number_hash not in html
    # Searching by the full ID number reveals nothing either.
    html = client.get(reverse("portal:search"), {"q": id_number}).content.decode()
    assert "王晓明" not in html


def test_search_shows_at_most_the_limit_and_says_so(
    client: Client, make_subject: Callable[..., Subject]
) -> None:
    for i in range(SEARCH_LIMIT + 1):
        make_subject(f"丽水茶叶合作社{i:02d}")
    html = client.get(reverse("portal:search"), {"q": "茶叶合作社"}).content.decode()
    assert html.count("丽水茶叶合作社") == SEARCH_LIMIT
    assert "丽水茶叶合作社00" in html
    assert "丽水茶叶合作社20" not in html
    assert f"超过 {SEARCH_LIMIT} 个" in html


def test_search_is_three_queries(
    client: Client,
    make_subject: Callable[..., Subject],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for i in range(5):
        make_subject(f"嘉兴纺织有限公司{i}")
    make_subject("嘉兴个人", kind=SubjectKind.NATURAL_PERSON)
    # One for the ranking, one for the lists of the page's subjects, one for their counts of
    # published records — whatever the number of results.
    with django_assert_num_queries(3):
        response = client.get(reverse("portal:search"), {"q": "嘉兴"})
    assert response.content.decode().count("嘉兴") >= 6


def test_search_refuses_an_overlong_query(client: Client) -> None:
    response = client.get(reverse("portal:search"), {"q": "长" * 101})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "field__errors" in html


def test_search_escapes_the_query(client: Client) -> None:
    html = client.get(reverse("portal:search"), {"q": "<b>x</b>"}).content.decode()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_portal_pages_refuse_post(client: Client) -> None:
    assert client.post(reverse("portal:home")).status_code == 405
    assert client.post(reverse("portal:search")).status_code == 405


def test_favicon_redirects_to_the_static_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


@pytest.mark.django_db
def test_chinese_unless_english_chosen(client: Client) -> None:
    """A browser asking for English still gets Chinese until the visitor switches."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
