"""The public portal's subject journeys in a real browser (Debian chromium, headless).

A search leads to a subject page; the credit report is downloaded and verified (by its code,
then by uploading the file); the list publicity page is filtered; the language switch keeps
the page. Each test prints its page-load times (``pytest -m browser -s``); docs/portal.md
quotes them. Screenshots: ``docs/screenshots/portal-*.png`` (with
``XINYONG_SCREENSHOT_DIR=docs/screenshots``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests.browser.test_portal import has_no_horizontal_scroll, open_page, record_load_time

from xinyong.portal.models import CreditReport
from xinyong.portal.reports import format_code
from xinyong.portal.tests.conftest import PUBLIC_FACT, SECRET_MARKERS, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_then_subject_page(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
) -> None:
    open_page(
        page, live_server.url + "/search/?q=%E6%9F%90%E6%9F%90%E7%A7%91%E6%8A%80", "search 某某科技"
    )
    row = page.locator("table.results-table tbody tr").first
    expect(row).to_contain_text("杭州市某某科技有限公司")
    expect(row).to_contain_text("未列入名单")
    expect(row).to_contain_text("1 条公示信息")
    page.screenshot(path=screenshot_dir / "portal-search.png", full_page=True)
    page.get_by_role("link", name="杭州市某某科技有限公司").click()
    page.wait_for_url("**/subjects/*/")
    record_load_time(page, "subject page")
    expect(page.get_by_role("heading", level=1)).to_have_text("杭州市某某科技有限公司")
    expect(page.get_by_text(PUBLIC_FACT)).to_be_visible()
    expect(
        page.get_by_role("heading", name="行政管理信息（行政许可、行政处罚等） (1)")
    ).to_be_visible()
    content = page.content()
    for marker in SECRET_MARKERS.values():
        assert marker not in content
    page.screenshot(path=screenshot_dir / "portal-subject.png", full_page=True)

    # The listed company's page: the list at a glance.
    subject = world.listed.subject
    open_page(page, f"{live_server.url}/subjects/{subject.uscc}/", "subject page (listed)")
    expect(
        page.get_by_text("列入严重失信主体名单：拖欠农民工工资失信联合惩戒对象名单")
    ).to_be_visible()


def test_subject_page_on_a_phone_and_in_print(
    phone_page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
) -> None:
    url = f"{live_server.url}/subjects/{world.person.pk}/"
    open_page(phone_page, url, "subject page (phone)")
    expect(phone_page.get_by_text(world.person.id_number_masked)).to_be_visible()
    assert world.person_id not in phone_page.content()
    assert has_no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "portal-subject-phone.png", full_page=True)
    phone_page.emulate_media(media="print")
    expect(phone_page.locator(".subject-actions")).to_be_hidden()
    expect(phone_page.locator(".site-nav")).to_be_hidden()
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()


def test_download_the_report_and_verify_it(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    open_page(page, f"{live_server.url}/subjects/{world.company.uscc}/", "subject page")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载信用报告（PDF）").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    report = CreditReport.objects.get()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == report.sha256
    assert report.code in download.suggested_filename

    # The code, typed as printed, on the verification page.
    open_page(page, live_server.url + "/reports/verify/", "verify: code form")
    page.get_by_label("验证码").fill(format_code(report.code))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"**/reports/verify/{report.code}/")
    record_load_time(page, "verify: report")
    expect(page.get_by_text("真实：本平台出具过使用该验证码的信用报告。")).to_be_visible()
    expect(page.get_by_text(report.sha256)).to_be_visible()
    # The file itself, uploaded: unchanged.
    page.get_by_label("报告的 PDF 文件").set_input_files(path)
    page.get_by_role("button", name="比对").click()
    page.wait_for_load_state("load")
    record_load_time(page, "verify: upload")
    expect(page.get_by_text("一致：该文件与所出具的报告完全相同。")).to_be_visible()
    page.screenshot(path=screenshot_dir / "portal-verify.png", full_page=True)
    # An altered file is not.
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(path.read_bytes() + b"\n")
    page.get_by_label("报告的 PDF 文件").set_input_files(altered)
    page.get_by_role("button", name="比对").click()
    expect(page.get_by_role("alert")).to_contain_text("不一致")


def test_list_publicity_filters(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
) -> None:
    open_page(page, live_server.url + "/lists/serious/", "serious lists")
    name = world.listed.subject.name
    expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("共 1 条")
    page.get_by_label("名单", exact=True).select_option("major-tax-violation")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/lists/serious/?*")
    record_load_time(page, "serious lists (filtered)")
    expect(page.get_by_text("没有符合筛选条件的条目。")).to_be_visible()
    page.get_by_label("名单", exact=True).select_option("wage-arrears")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    page.screenshot(path=screenshot_dir / "portal-lists.png", full_page=True)
    page.get_by_role("link", name="守信激励名单（红名单）").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("守信激励名单（红名单）")


def test_subject_page_in_english(
    page: Page,
    live_server: LiveServer,
    world: World,
    screenshot_dir: Path,
) -> None:
    url = f"{live_server.url}/subjects/{world.company.uscc}/"
    open_page(page, url, "subject page")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page).to_have_url(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Download credit report (PDF)")).to_be_visible()
    expect(page.get_by_role("heading", name="Published credit information")).to_be_visible()
    page.screenshot(path=screenshot_dir / "portal-subject-en.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="公示的信用信息")).to_be_visible()


def test_keyboard_reaches_the_report_link(
    page: Page,
    live_server: LiveServer,
    world: World,
) -> None:
    open_page(page, f"{live_server.url}/subjects/{world.company.uscc}/", "subject page")
    link = page.get_by_role("link", name="下载信用报告（PDF）")
    for _ in range(30):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
