"""The portal and the staff console in a real browser (Debian chromium, headless).

Each test prints the time from navigation start to the load event of the pages it opens
(``pytest -m browser -s`` shows them); the README quotes these numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from xinyong.core.actions import do_create_user
from xinyong.core.choices import DepartmentKind, Role, SubjectKind
from xinyong.core.models import Department, Subject, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-9"


def open_page(page: Page, url: str, label: str) -> float:
    """Go to ``url``, wait for the load event and print how long navigation to load took."""
    page.goto(url, wait_until="load")
    return record_load_time(page, label)


def record_load_time(page: Page, label: str) -> float:
    milliseconds = float(
        page.evaluate(
            "() => { const [n] = performance.getEntriesByType('navigation');"
            " return n.loadEventEnd - n.startTime; }"
        )
    )
    print(f"page load {label}: {milliseconds:.0f} ms (navigation start to load event)")
    return milliseconds


def has_no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.fixture
def subjects(make_subject: Callable[..., Subject]) -> list[Subject]:
    return [
        make_subject("杭州示范数据科技有限公司"),
        make_subject("杭州示范环保工程有限公司"),
        make_subject("杭州市上城区示范小吃店", kind=SubjectKind.INDIVIDUAL_BUSINESS),
        make_subject("张示范", kind=SubjectKind.NATURAL_PERSON),
        make_subject("宁波港口物流有限公司"),
    ]


@pytest.fixture
def clerk(make_department: Callable[..., Department]) -> User:
    office = make_department("市发展和改革委员会", kind=DepartmentKind.CREDIT_OFFICE)
    return do_create_user(
        username="liwei",
        password=PASSWORD,
        display_name="李伟",
        department=office,
        roles=[Role.PLATFORM_ADMIN, Role.CREDIT_OFFICE_REVIEWER],
        acting_user=None,
        actor_label="test",
    )


def test_landing_page_renders_chinese(
    page: Page, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_page(page, live_server.url + "/", "landing page")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(settings.XINYONG["PLATFORM_NAME"])
    expect(page.get_by_role("heading", name="双公示")).to_be_visible()
    expect(page.get_by_role("heading", name="异议与信用修复")).to_be_visible()
    expect(page.get_by_role("searchbox", name="名称或统一社会信用代码")).to_be_visible()
    expect(page.get_by_role("link", name="工作人员登录").first).to_be_visible()
    # The style sheet loaded (the header is dark blue, not the browser default).
    header_colour = page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == "rgb(11, 61, 115)"
    page.screenshot(path=screenshot_dir / "landing.png", full_page=True)


def test_landing_page_on_a_phone(
    phone_page: Page, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_page(phone_page, live_server.url + "/", "landing page (phone)")
    expect(phone_page.get_by_role("button", name="查询")).to_be_visible()
    assert has_no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "landing-phone.png", full_page=True)


def test_search_and_see_a_result(
    page: Page, live_server: LiveServer, subjects: list[Subject], screenshot_dir: Path
) -> None:
    open_page(page, live_server.url + "/", "landing page")
    page.get_by_role("searchbox", name="名称或统一社会信用代码").fill("示范")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/search/?q=*")
    record_load_time(page, "search results")
    rows = page.locator("table.results-table tbody tr")
    expect(rows).to_have_count(4)
    expect(page.get_by_role("rowheader", name="杭州市上城区示范小吃店")).to_be_visible()
    expect(page.get_by_role("rowheader", name="杭州示范数据科技有限公司")).to_be_visible()
    person = subjects[3]
    expect(page.get_by_text(person.id_number_masked)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("共找到 4 个")
    assert "宁波" not in page.content()
    page.screenshot(path=screenshot_dir / "search.png", full_page=True)

    # A code finds exactly its subject.
    box = page.get_by_role("searchbox", name="名称或统一社会信用代码")
    expect(box).to_have_value("示范")
    box.fill(subjects[4].uscc or "")
    box.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("宁波港口物流有限公司")


def test_search_results_on_a_phone(
    phone_page: Page, live_server: LiveServer, subjects: list[Subject], screenshot_dir: Path
) -> None:
    open_page(phone_page, live_server.url + "/search/?q=%E7%A4%BA%E8%8C%83", "search (phone)")
    expect(phone_page.locator("table.results-table tbody tr")).to_have_count(4)
    assert has_no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "search-phone.png", full_page=True)


def test_switch_to_english_and_back(
    page: Page, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_page(page, live_server.url + "/search/?q=abc", "search (no result)")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    # Back on the same page (with its query), now in English.
    expect(page).to_have_url(live_server.url + "/search/?q=abc")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search credit subjects")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    # The choice is kept (cookie) on the next page.
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="Dual publicity")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Name or unified social credit code")).to_be_visible()
    page.screenshot(path=screenshot_dir / "landing-en.png", full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="双公示")).to_be_visible()


def test_staff_log_in_and_see_the_console_home(
    page: Page, live_server: LiveServer, clerk: User, screenshot_dir: Path
) -> None:
    open_page(page, live_server.url + "/console/", "console (redirected to log-in)")
    assert "/console/login/?next=/console/" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    page.get_by_label("用户名").fill("liwei")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码")
    page.screenshot(path=screenshot_dir / "login-error.png", full_page=True)

    page.get_by_label("用户名").fill("liwei")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/console/")
    record_load_time(page, "console home")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_text("欢迎，李伟。")).to_be_visible()
    expect(page.get_by_role("rowheader", name="市发展和改革委员会")).to_be_visible()
    expect(page.get_by_text("平台管理员", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="系统管理：政策数据、部门和用户")).to_be_visible()
    page.screenshot(path=screenshot_dir / "console.png", full_page=True)

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("link", name="工作人员登录").first).to_be_visible()


def test_log_in_page_screenshot(page: Page, live_server: LiveServer, screenshot_dir: Path) -> None:
    open_page(page, live_server.url + "/console/login/", "log-in page")
    expect(page.get_by_label("用户名")).to_be_visible()
    page.screenshot(path=screenshot_dir / "login.png", full_page=True)


def test_tab_reaches_the_skip_link_first(
    page: Page, live_server: LiveServer, screenshot_dir: Path
) -> None:
    open_page(page, live_server.url + "/", "landing page")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.screenshot(path=screenshot_dir / "skip-link.png")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes into the content (the search box), past the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox")).to_be_focused()


def test_print_shows_content_without_navigation(
    page: Page, live_server: LiveServer, subjects: list[Subject]
) -> None:
    page.emulate_media(media="print")
    open_page(page, live_server.url + "/search/?q=%E7%A4%BA%E8%8C%83", "search (print)")
    for chrome in [".site-nav", ".language-switch", ".search-form", ".skip-link"]:
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("table.results-table tbody tr")).to_have_count(4)
    expect(page.get_by_role("status")).to_contain_text("示范")
