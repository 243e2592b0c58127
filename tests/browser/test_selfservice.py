"""Subject self-service in a real browser, on the demo's data: the listed company of the demo
logs in at /me/login/ with the code and password the demo printed, sees its listing and who
checked it, and downloads its own credit report (docs/portal.md, "Self-service")."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests.browser.test_portal import open_page, record_load_time

from xinyong.core.demo.plan import MIN_SUBJECTS
from xinyong.policy.loader import FileOutcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_LOGIN_LINE = re.compile(r"with code (?P<code>\S+) and password (?P<password>\S+)\.")


@pytest.fixture
def demo(loaded_policy: list[FileOutcome]) -> str:
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    return out.getvalue()


def test_the_listed_company_logs_in_and_sees_its_record(
    page: Page, live_server: LiveServer, demo: str, screenshot_dir: Path
) -> None:
    match = _LOGIN_LINE.search(demo)
    assert match, demo
    code, password = match["code"], match["password"]
    assert password == "xinyong-demo-subject"

    open_page(page, live_server.url + "/me/", "self-service, anonymous")
    page.wait_for_url("**/me/login/**")
    page.get_by_label("统一社会信用代码／证件号码").fill(code)
    page.get_by_label("密码").fill("wrong-password-0")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("代码或密码错误")

    page.get_by_label("统一社会信用代码／证件号码").fill(code)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/me/")
    record_load_time(page, "self-service home")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的信用档案")
    expect(page.get_by_text(code)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("我的名单记录"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("谁查询了我"))).to_be_visible()
    if "Checked once by the trading centre" in demo:
        expect(page.get_by_text("政府采购供应商资格审查（演示）")).to_be_visible()
    page.screenshot(path=screenshot_dir / "portal-me.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载本人信用报告（PDF）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("credit-report-")

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/me/login/")
