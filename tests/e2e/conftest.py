"""Browser tests: Playwright driving Debian's Chromium against Kehu on a live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("KEHU_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Every browser test also checks that the pages ran nothing the policy refused.
    refused: list[str] = []
    page.on("console", lambda message: _note_refusal(message, refused))
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


def _note_refusal(message: Any, refused: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        refused.append(f"{message.location.get('url')}: {message.text}")


@pytest.fixture
def screenshot(page: Any) -> Any:
    """Save a full-page screenshot under var/screenshots/ for a person to look at."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page: Any, username: str, password: str, then: str | None = "/customers/") -> None:
    """Log in, wait for the home page, then go on to `then` (None: stay on the home page)."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    if then:
        page.goto(then)


def log_out(page: Any) -> None:
    """Press the navbar's log-out button and wait for the log-in page."""
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login/**")


def switch_language(page: Any, code: str) -> None:
    """Choose a language in the page's language select (it submits itself) and wait for it."""
    from playwright.sync_api import expect

    page.locator("select[name=language]").first.select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def remember_page(page: Any) -> None:
    """Mark the loaded document, so `assert_not_reloaded` can tell a partial update from a
    full page load."""
    page.evaluate("window.__kehuSamePage = true")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("window.__kehuSamePage === true"), "the page was reloaded"


def pick(page: Any, name: str, query: str, label: str) -> None:
    """Choose `label` in the customer or contact picker of field `name` as a person does:
    type `query` into its search box, wait for the matches, and pick `label` among them."""
    from playwright.sync_api import expect

    page.locator(f"#id_{name}_search").press_sequentially(query)
    matches = page.locator(f"select[name={name}]")
    expect(matches.locator("option", has_text=label)).to_have_count(1)
    matches.select_option(label=label)


def choose_region(page: Any, province: str, city: str, district: str) -> None:
    """Pick a region the way a person does: each choice refills the next select."""
    from playwright.sync_api import expect

    page.select_option("#id_province", province)
    expect(page.locator(f"#id_city option[value='{city}']")).to_be_attached()
    page.select_option("#id_city", city)
    expect(page.locator(f"#id_district option[value='{district}']")).to_be_attached()
    page.select_option("#id_district", district)
