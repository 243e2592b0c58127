"""Objections and credit repair in a real browser, on the demo's data (issue 6: "an objection
and a repair application from the portal, then their handling in the console").

A subject finds itself on the portal, objects to its penalty and applies for repair with two
PDFs, and follows both with their query codes; the credit office's reviewer sees them on the
console, opens a material and passes the initial review; the market regulation bureau's
reporter answers the objection and approves the repair; the portal then shows the outcomes
and no longer shows the record. Page load times are printed (``pytest -s``); screenshots go
to ``docs/screenshots/repair-*.png`` with ``XINYONG_SCREENSHOT_DIR=docs/screenshots``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests.browser.test_console import log_in
from tests.browser.test_portal import open_page, record_load_time

from xinyong.core.demo.plan import MIN_SUBJECTS
from xinyong.policy.loader import FileOutcome
from xinyong.repair.demo import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(loaded_policy: list[FileOutcome], settings: object, tmp_path: Path) -> str:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]  # uploads of this test only
    out = io.StringIO()
    call_command("demo", "--subjects", str(MIN_SUBJECTS), stdout=out)
    return out.getvalue()


def eligible_subject(printed: str) -> tuple[str, str]:
    """Name and code of the demo subject with a record eligible for repair."""
    line = next(x for x in printed.splitlines() if "Eligible for repair" in x)
    found = re.search(r"no application yet: (.+) \(([0-9A-Z]{18})\), record #(\d+)", line)
    assert found, line
    return found.group(1), found.group(2)


def query_code(page: Page) -> str:
    code = page.locator(".query-code .code").inner_text().strip()
    assert re.fullmatch(r"(OB|RA)[A-Z2-9]{10}", code), code
    return code


def look_up(page: Page, live_server: LiveServer, code: str, identifier: str) -> None:
    open_page(page, live_server.url + "/repair/progress/", "progress look-up form")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("统一社会信用代码或身份证号码").fill(identifier)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("load")
    record_load_time(page, "progress look-up result")


def test_a_subject_objects_and_applies_and_the_console_handles_both(
    page: Page,
    live_server: LiveServer,
    demo: str,
    screenshot_dir: Path,
) -> None:
    name, uscc = eligible_subject(demo)
    subject_url = f"{live_server.url}/subjects/{uscc}/"

    # --- Portal: the subject objects to its penalty --------------------------------------
    open_page(page, subject_url, "subject page")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="提出异议").first.click()
    page.wait_for_url("**/repair/object/**")
    record_load_time(page, "objection form")
    expect(page.get_by_role("heading", level=1)).to_have_text("对本主体的信用信息提出异议")
    expect(page.get_by_label("统一社会信用代码或身份证号码")).to_have_value(uscc)
    page.get_by_label("姓名").fill("王示例")
    page.get_by_label("联系电话或电子邮箱").fill("0571-8700 0002")
    page.get_by_label("异议事由").select_option(label="与作出决定机关的信息不一致")
    page.get_by_label("异议内容及理由").fill("公示的罚款金额与处罚决定书不一致，请核实。")
    page.screenshot(path=screenshot_dir / "repair-object.png", full_page=True)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state("load")
    record_load_time(page, "objection submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text("提交成功")
    objection_code = query_code(page)

    # --- Portal: the subject applies for repair, with two PDFs ---------------------------
    open_page(page, subject_url, "subject page (under objection)")
    expect(page.get_by_text("异议处理中").first).to_be_visible()
    page.get_by_role("link", name="申请信用修复").first.click()
    page.wait_for_url("**/repair/apply/**")
    record_load_time(page, "repair application form")
    expect(page.get_by_role("heading", level=1)).to_have_text("申请信用修复")
    page.get_by_label("姓名").fill("王示例")
    page.get_by_label("纠正失信行为、履行法定义务的情况").fill(
        "罚款已缴清，涉案产品已全部下架召回，并建立了进货查验制度。"
    )
    proof = minimal_pdf(f"Proof of performance {uscc}")
    commitment = minimal_pdf(f"Credit commitment {uscc}")
    page.get_by_label("履行义务的证明材料").set_input_files(
        {"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": proof}
    )
    page.get_by_label("信用承诺书").set_input_files(
        {"name": "信用承诺书.pdf", "mimeType": "application/pdf", "buffer": commitment}
    )
    page.screenshot(path=screenshot_dir / "repair-apply.png", full_page=True)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state("load")
    record_load_time(page, "repair application submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text("提交成功")
    application_code = query_code(page)
    page.screenshot(path=screenshot_dir / "repair-submitted.png", full_page=True)

    look_up(page, live_server, application_code, uscc)
    expect(page.get_by_role("heading", name=f"信用修复申请 {application_code}")).to_be_visible()
    expect(page.get_by_text("信用办初审", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "repair-progress.png", full_page=True)

    # --- Console: the credit office's reviewer -------------------------------------------
    log_in(page, live_server, "reviewer", "xinyong-demo-reviewer")
    record_load_time(page, "console home")
    row = page.locator('tr[data-key="repair.applications"]')
    expect(row).to_be_visible()  # the demo's application waits for review, due today
    page.screenshot(path=screenshot_dir / "repair-console-home.png", full_page=True)
    row.get_by_role("link").first.click()
    page.wait_for_url("**/console/repair/?due=1")
    record_load_time(page, "repair work due")
    open_page(page, live_server.url + "/console/repair/", "repair worklist")
    objections = page.get_by_role("table", name="异议")
    applications = page.get_by_role("table", name="信用修复申请")
    expect(objections.get_by_role("row").filter(has_text=name)).to_have_count(1)
    mine = applications.get_by_role("row").filter(has_text=name)
    expect(mine).to_have_count(1)
    page.screenshot(path=screenshot_dir / "repair-console-worklist.png", full_page=True)

    mine.get_by_role("link").first.click()
    page.wait_for_url("**/console/repair/applications/*/")
    record_load_time(page, "repair application (reviewer)")
    material = page.get_by_role("link", name="信用承诺书.pdf")
    response = page.request.get(live_server.url + str(material.get_attribute("href")))
    assert response.status == 200 and response.body() == commitment  # decrypted, as uploaded
    page.get_by_role("combobox", name="初审").select_option(label="材料齐全：转行业主管部门审核")
    page.get_by_label("初审意见").fill("申请材料齐全。")
    page.screenshot(path=screenshot_dir / "repair-console-application.png", full_page=True)
    page.get_by_role("button", name="提交初审意见").click()
    page.wait_for_load_state("load")
    expect(page.locator("ul.messages")).to_contain_text("已办理")
    expect(page.get_by_text("行业主管部门审核决定").first).to_be_visible()

    # --- Console: the bureau's reporter answers the objection and decides ----------------
    page.context.clear_cookies()
    log_in(page, live_server, "reporter", "xinyong-demo-reporter")
    expect(page.locator('tr[data-key="repair.objections"]')).to_be_visible()
    open_page(page, live_server.url + "/console/repair/", "repair worklist (reporter)")
    page.get_by_role("table", name="异议").get_by_role("row").filter(has_text=name).get_by_role(
        "link"
    ).first.click()
    page.wait_for_url("**/console/repair/objections/*/")
    record_load_time(page, "objection (reporter)")
    page.get_by_role("combobox", name="结果").select_option(label="维持原信息（异议不成立）")
    page.get_by_label("理由").fill("经核实，公示的罚款金额与处罚决定书一致。")
    page.screenshot(path=screenshot_dir / "repair-console-objection.png", full_page=True)
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("维持原信息（异议不成立）").first).to_be_visible()

    open_page(page, live_server.url + "/console/repair/", "repair worklist (reporter, after)")
    page.get_by_role("table", name="信用修复申请").get_by_role("row").filter(
        has_text=name
    ).get_by_role("link").first.click()
    page.wait_for_url("**/console/repair/applications/*/")
    record_load_time(page, "repair application (reporter)")
    page.get_by_role("combobox", name="审核决定").select_option(label="准予修复")
    page.get_by_label("理由").fill("已履行处罚决定并完成整改。")
    page.get_by_role("button", name="提交审核决定").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("已信用修复").first).to_be_visible()

    # --- Portal: the outcomes --------------------------------------------------------------
    page.context.clear_cookies()
    look_up(page, live_server, objection_code, uscc)
    expect(page.get_by_text("维持原信息（异议不成立）")).to_be_visible()
    look_up(page, live_server, application_code, uscc)
    expect(page.get_by_text("已信用修复", exact=True)).to_be_visible()
    expect(page.get_by_text("信用修复已完成").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "repair-progress-outcome.png", full_page=True)
    look_up(page, live_server, application_code, "91110000000000000X")
    expect(page.get_by_role("status")).to_have_text("没有与该查询码和证件号码相符的办理事项。")

    open_page(page, subject_url, "subject page (after repair)")
    expect(page.get_by_role("link", name="申请信用修复")).to_have_count(0)
