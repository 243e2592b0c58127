"""Playwright fixtures: Debian's chromium (never a downloaded browser) against ``live_server``.

``scripts/system-deps`` installs ``chromium`` and ``fonts-noto-cjk``. Without chromium the
browser tests are skipped on a developer machine and fail in CI (``CI=true``).

Screenshots go to ``var/screenshots/`` unless ``XINYONG_SCREENSHOT_DIR`` names another folder;
the ones in ``docs/screenshots/`` were made with ``XINYONG_SCREENSHOT_DIR=docs/screenshots``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright

CHROMIUM = Path(os.environ.get("XINYONG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: run scripts/system-deps (installs Debian chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems:
    """Console errors and failed requests seen by a page (CSP violations land here)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _new_page(browser: Browser, problems: PageProblems, viewport: ViewportSize) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", problems.on_console)
    page.on("pageerror", lambda error: problems.errors.append(str(error)))
    return page


@pytest.fixture
def page(browser: Browser, page_problems: PageProblems) -> Iterator[Page]:
    """A desktop-sized page in a fresh context (no cookies), Chinese browser locale."""
    page = _new_page(browser, page_problems, DESKTOP)
    yield page
    page.context.close()
    assert page_problems.errors == [], page_problems.errors


@pytest.fixture
def phone_page(browser: Browser, page_problems: PageProblems) -> Iterator[Page]:
    """A phone-sized page (390 × 844 CSS pixels)."""
    page = _new_page(browser, page_problems, PHONE)
    yield page
    page.context.close()
    assert page_problems.errors == [], page_problems.errors


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("XINYONG_SCREENSHOT_DIR") or settings.VAR_DIR / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


# The portal's fixture world (records reported through the API, a listing through the listing
# actions): tests/browser/test_portal_subjects.py.
from xinyong.lists.tests.conftest import case_in, company, people  # noqa: E402, F401
from xinyong.portal.tests.conftest import world  # noqa: E402, F401
