"""The staff console in a real browser, on the demo's data: a reviewer starts the day on the
console home, sees what is due and overdue, follows it to the cases, and reads the
dashboards."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests.browser.test_portal import open_page, record_load_time

from xinyong.core.demo.plan import MIN_SUBJECTS
from xinyong.policy.loader import FileOutcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(loaded_policy: list[FileOutcome]) -> str:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    return out.getvalue()


def log_in(page: Page, live_server: LiveServer, username: str, password: str) -> None:
    open_page(page, live_server.url + "/console/login/", "log-in page")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/console/")


def test_a_reporter_sees_due_work_and_follows_it_to_the_cases(
    page: Page, live_server: LiveServer, demo: str, screenshot_dir: Path
) -> None:
    log_in(page, live_server, "reporter", "xinyong-demo-reporter")
    record_load_time(page, "console home with due work")
    expect(page.get_by_role("heading", name="今日到期与已逾期")).to_be_visible()
    row = page.locator('tr[data-key="lists.cases"]')
    expect(row).to_be_visible()
    expect(row.get_by_role("cell").last).to_have_text("3")  # open cases of the bureau
    page.screenshot(path=screenshot_dir / "console-due.png", full_page=True)

    row.get_by_role("link", name="名单认定案件").click()
    page.wait_for_url("**/console/lists/?due=1")
    record_load_time(page, "cases due")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_dashboards_draw_charts_with_their_numbers(
    page: Page, live_server: LiveServer, demo: str, screenshot_dir: Path
) -> None:
    log_in(page, live_server, "reviewer", "xinyong-demo-reviewer")
    page.get_by_role("link", name="统计看板：报送及时性、名单数量与反馈情况").click()
    page.wait_for_url("**/console/dashboards/")
    record_load_time(page, "dashboards")
    panel = page.locator('[data-panel="lists.volumes"]')
    expect(panel.get_by_role("img", name="按月列入与移出名单的主体数")).to_be_visible()
    panel.get_by_text("数据表").click()  # the table of the same numbers, for screen readers
    expect(panel.get_by_role("table")).to_be_visible()
    page.screenshot(path=screenshot_dir / "console-dashboards.png", full_page=True)
