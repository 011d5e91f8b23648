"""The trading page for everyone: no serious or critical accessibility violation that axe-core
finds (signed out, and signed in with the account's views), usable at 360 px wide without
sideways scrolling, and its forms worked with the keyboard alone."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PageServer

SERIOUS = {"serious", "critical"}


@pytest.fixture
def narrow(browser: Browser, page_server: PageServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = page_server.watch(context.new_page())
    page.goto(f"{page_server.base_url}/trade/ETHUSDT")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    yield page
    context.close()


def serious_violations(page: Page) -> list[str]:
    results: Any = Axe().run(page)
    assert results.response["passes"], "axe-core checked nothing"
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_no_serious_accessibility_violations(narrow: Page, artifacts: Path) -> None:
    assert serious_violations(narrow) == []
    email = f"access-{time.time_ns()}@example.com"
    # With the keyboard alone: tab to each field, type, and Enter to submit.
    narrow.focus('input[name="email"]')
    narrow.keyboard.type(email)
    narrow.keyboard.press("Tab")
    narrow.keyboard.type("correct horse battery")
    narrow.locator("#sign-up").focus()
    narrow.keyboard.press("Enter")
    expect(narrow.locator("#signed-in")).to_have_text(email)
    for view in ("balances", "open", "orders", "keys", "security"):
        narrow.locator(f'[data-view="{view}"]').press("Enter")
        expect(narrow.locator(f'[data-view="{view}"]')).to_have_attribute("aria-pressed", "true")
        narrow.wait_for_load_state("networkidle")
        assert serious_violations(narrow) == [], view
    narrow.screenshot(path=artifacts / "narrow-signed-in.png", full_page=True)


def test_usable_at_360_pixels_wide(narrow: Page, artifacts: Path) -> None:
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    for selector in ("#chart canvas", "#bids tr", "#tape tr", "#order-form #place"):
        expect(narrow.locator(selector).first).to_be_visible()
    narrow.screenshot(path=artifacts / "narrow.png", full_page=True)
