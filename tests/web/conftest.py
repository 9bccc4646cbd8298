"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, one fresh context per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from support.live_api import LiveApi
from web_support import CHROMIUM, CHROMIUM_ARGS, Client

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    """A page in a new context; fails the test on any script error the page did not handle."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))

    def console(message: object) -> None:
        kind, text = getattr(message, "type", ""), getattr(message, "text", "")
        # The browser itself logs every 4xx it receives; the page's own errors are what matter.
        if kind == "error" and "Failed to load resource" not in text:
            problems.append(f"console: {text}")

    page.on("console", console)
    try:
        yield page
    finally:
        context.close()
    assert not problems, problems


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 1280, 800)


@pytest.fixture
def narrow_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 420, 800)


@pytest.fixture
def client(live_api: LiveApi) -> Iterator[Client]:
    http = Client(live_api)
    try:
        yield http
    finally:
        http.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/screenshots when ECOCANVAS_SCREENSHOTS=1, else the test's tmp dir."""
    if os.environ.get("ECOCANVAS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path
