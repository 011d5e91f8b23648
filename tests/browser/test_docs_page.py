"""/docs in a real headless Chromium (Debian's `chromium`, which .ci/run installs), with every
request to anywhere but this machine refused: the page still renders every operation of the
document, and breaks none of its own Content-Security-Policy. A screenshot of it is kept."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Route, sync_playwright

from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer, SignedClient

CHROMIUM = os.environ.get("BOURSE_CHROMIUM", "/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's (`apt-get install -y chromium`, as "
            ".ci/run does) or name another with BOURSE_CHROMIUM"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def test_the_docs_render_every_operation_without_the_internet(
    browser: Browser, tmp_path: Path
) -> None:
    refused: list[str] = []
    complaints: list[str] = []

    def only_this_machine(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with LiveServer(SETTINGS) as server:
        document = httpx.get(f"{server.base_url}/docs/openapi.json", timeout=10).json()
        operations = sum(len(item) for item in document["paths"].values())
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", only_this_machine)
        page.on("console", lambda message: complaints.append(message.text))
        page.goto(f"{server.base_url}/docs", wait_until="networkidle")
        page.wait_for_selector(".opblock", timeout=20_000)
        shown = page.locator(".opblock").count()
        title = page.locator(".info .title").inner_text()
        page.screenshot(path=tmp_path / "docs.png", full_page=True)
        page.close()

    assert refused == []
    assert shown == operations
    assert title.startswith("Bourse")
    assert [c for c in complaints if "Content Security Policy" in c] == []
    assert (tmp_path / "docs.png").stat().st_size > 50_000


def test_a_signed_order_is_placed_from_the_page(browser: Browser) -> None:
    with LiveServer(SETTINGS) as server:
        api_key, secret, _ = server.api_key("page", USDT="100000")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.base_url}/docs#/Trading/newOrder", wait_until="networkidle")
        page.fill("#secret-key", secret)
        page.evaluate("key => window.ui.preauthorizeApiKey('ApiKey', key)", api_key)
        operation = page.locator("#operations-Trading-newOrder")
        operation.locator(".try-out__btn").click()
        values = {
            "symbol": "BTCUSDT", "quantity": "0.01", "price": "30000",
            "timestamp": "1", "newClientOrderId": "from-the-docs",
        }  # fmt: skip
        for name, value in values.items():
            operation.locator(f'tr[data-param-name="{name}"] input').fill(value)
        for name, value in {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}.items():
            operation.locator(f'tr[data-param-name="{name}"] select').select_option(value)
        operation.locator(".execute").click()
        status = operation.locator(".live-responses-table td.response-col_status:not(.col_header)")
        status.wait_for(timeout=10_000)
        answered = status.inner_text().strip()
        page.close()
        orders = SignedClient(server.base_url, api_key, secret).call(
            "GET", "/api/v3/openOrders", symbol="BTCUSDT"
        )

    assert answered == "200"
    assert [order["clientOrderId"] for order in orders] == ["from-the-docs"]
