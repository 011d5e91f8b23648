"""The admin console in a real Chromium, beside the trading page, against a server on the
memory adapters in this process (so that a test can grant the admin role as `bourse
grant-admin` does): an admin signs in with two-factor authentication, halts a market and the
trading page shows it halted and refuses orders; the admin freezes an account and its trading
page is logged out; each act is in the console's audit log. (Named to run after
test_docs_page.py, whose own Playwright must end before the package's browser starts.)"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PageServer
from tests.browser.test_page_access import serious_violations
from tests.live_server import LiveServer

PASSWORD = "correct horse battery"
SECOND = 1000


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


def opened(browser: Browser, live: LiveServer, path: str) -> tuple[Page, PageServer]:
    watcher = PageServer(live.base_url)
    page = watcher.watch(browser.new_context(viewport={"width": 1280, "height": 900}).new_page())
    page.set_default_timeout(15 * SECOND)
    page.goto(f"{live.base_url}{path}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page, watcher


def fill_login(page: Page, email: str) -> None:
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click("#log-in")


def log_in(page: Page, email: str, code: str | None = None) -> None:
    fill_login(page, email)
    if code is not None:
        expect(page.locator("#auth-error")).to_have_text("A two-factor code is required.")
        page.fill('input[name="code"]', code)
        page.click("#log-in")
    expect(page.locator("#signed-in")).to_have_text(email)


def console(browser: Browser, live: LiveServer, name: str) -> Page:
    email, recovery_code = live.admin(name)
    page, _ = opened(browser, live, "/admin")
    log_in(page, email, recovery_code)
    return page


def test_an_admin_halts_a_market_and_the_trading_page_refuses_orders(
    browser: Browser, live: LiveServer
) -> None:
    live.api_key("halted-trader", USDT="10000")
    trading, watcher = opened(browser, live, "/trade/ETHUSDT")
    log_in(trading, "halted-trader@example.com")
    expect(trading.locator("#market-status")).to_be_hidden()

    admin = console(browser, live, "halting-admin")
    admin.fill("#market-reason", "incident 17: matching stalled")
    admin.click('button[data-symbol="ETHUSDT"][data-act="HALT"]')
    expect(admin.locator("#console-status")).to_have_text("ETHUSDT is now HALT.")

    expect(trading.locator("#market-status")).to_have_text("Halted: no orders or cancels")
    form = trading.locator("#order-form")
    form.locator('input[name="price"]').fill("100")
    form.locator('input[name="quantity"]').fill("0.1")
    form.locator("#place").click()
    expect(trading.locator("#order-result")).to_have_text("Market is closed.")

    admin.fill("#market-reason", "incident 17 resolved")
    admin.click('button[data-symbol="ETHUSDT"][data-act="TRADING"]')
    expect(trading.locator("#market-status")).to_be_hidden()
    admin.click('button[data-view="audit"]')
    audit = admin.locator("#audit tbody tr")
    expect(audit.first).to_contain_text("incident 17 resolved")
    expect(audit.nth(1)).to_contain_text("symbol=ETHUSDT status=HALT")
    expect(audit.nth(1)).to_contain_text("halting-admin@example.com")
    assert watcher.complaints == []


def test_freezing_an_account_logs_it_out_of_the_trading_page(
    browser: Browser, live: LiveServer
) -> None:
    live.api_key("frozen-trader", USDT="10000")
    trading, _ = opened(browser, live, "/trade/BTCUSDT")
    log_in(trading, "frozen-trader@example.com")

    admin = console(browser, live, "freezing-admin")
    admin.click('button[data-view="users"]')
    admin.fill("#user-search", "frozen-trader@example.com")
    admin.click('#user-form button[type="submit"]')
    expect(admin.locator("#freeze-state")).to_have_text("Not frozen")
    expect(admin.locator("#user tbody").first).to_contain_text("10000.00000000")
    admin.fill("#freeze-reason", "fraud report 31")
    admin.click("#freeze")
    expect(admin.locator("#freeze-state")).to_contain_text("fraud report 31")

    expect(trading.locator("#signed-in")).to_have_count(0)
    expect(trading.locator("#auth-form")).to_be_visible()
    fill_login(trading, "frozen-trader@example.com")
    expect(trading.locator("#auth-error")).to_have_text(
        "This account is frozen; please contact support."
    )

    admin.fill("#freeze-reason", "cleared")
    admin.click("#unfreeze")
    expect(admin.locator("#freeze-state")).to_have_text("Not frozen")
    log_in(trading, "frozen-trader@example.com")


def test_the_console_is_for_admins_alone(browser: Browser, live: LiveServer) -> None:
    live.api_key("curious-trader")
    page, _ = opened(browser, live, "/admin")
    fill_login(page, "curious-trader@example.com")
    expect(page.locator("#not-admin")).to_have_text("This user is not an admin of the exchange.")
    expect(page.locator("#tabs button")).to_have_count(0)


def test_the_system_view_shows_the_process_and_each_market_s_engine(
    browser: Browser, live: LiveServer
) -> None:
    page = console(browser, live, "watching-admin")
    page.click('button[data-view="system"]')
    expect(page.locator("#system table").first.locator("tbody tr")).to_have_count(1)
    engines = page.locator("#system table").nth(1).locator("tbody tr")
    expect(engines).to_have_count(3)
    expect(engines.first).to_contain_text("held")


def test_an_admin_credits_and_debits_an_account_under_references(
    browser: Browser, live: LiveServer
) -> None:
    _, _, user_id = live.api_key("funded-trader")
    page = console(browser, live, "paying-admin")
    page.click('button[data-view="transfers"]')
    for field, value in (
        ("userId", str(user_id)),
        ("asset", "usdt"),
        ("amount", "250.5"),
        ("reference", "wire 2024-118"),
        ("reason", "bank statement 118"),
    ):
        page.fill(f"#transfer-{field}", value)  # fmt: skip
    page.click("#credit")
    expect(page.locator("#console-status")).to_have_text(
        f"Credited 250.50000000 USDT to user {user_id} (wire 2024-118)."
    )
    page.fill("#transfer-amount", "50")
    page.fill("#transfer-reference", "payout 7")
    page.click("#debit")
    latest = page.locator("#transfers tbody tr")
    expect(latest).to_have_count(2)
    expect(latest.first).to_contain_text("debit")
    expect(latest.first).to_contain_text("payout 7")
    expect(latest.nth(1)).to_contain_text("wire 2024-118")
    expect(latest.nth(1)).to_contain_text("paying-admin@example.com")
    page.fill("#transfer-amount", "1000")
    page.fill("#transfer-reference", "payout 8")
    page.click("#debit")
    expect(page.locator("#console-status")).to_have_text(
        "Account has insufficient balance for requested action."
    )
    expect(latest).to_have_count(2)


def test_an_admin_lists_an_asset_and_a_market_that_trades_at_once(
    browser: Browser, live: LiveServer
) -> None:
    page = console(browser, live, "listing-admin")
    page.click('button[data-view="listings"]')
    for name, value in (("asset", "atom"), ("precision", "8"), ("reason", "new listing 9")):
        page.fill(f"#asset-{name}", value)
    page.click("#list-asset")
    expect(page.locator("#console-status")).to_have_text("ATOM is listed.")
    for name, value in (
        ("baseAsset", "atom"),
        ("quoteAsset", "usdt"),
        ("tickSize", "0.001"),
        ("stepSize", "0.01"),
        ("maxQty", "100000"),
        ("minNotional", "1"),
        ("maxNotional", "1000000"),
        ("makerCommission", "0.001"),
        ("takerCommission", "0.002"),
        ("reason", "new listing 9"),
    ):
        page.fill(f"#market-{name}", value)  # fmt: skip
    page.click("#list-market")
    expect(page.locator("#console-status")).to_have_text("ATOMUSDT is listed and trading.")
    page.click('button[data-view="markets"]')
    expect(page.locator('[data-symbol="ATOMUSDT"][data-act="HALT"]')).to_be_visible()

    page.click('button[data-view="listings"]')
    page.select_option("#change-symbol", "ATOMUSDT")
    page.fill("#change-takerCommission", "0.0015")
    page.fill("#change-reason", "a launch discount")
    page.click("#change-market")
    expect(page.locator("#console-status")).to_have_text(
        "ATOMUSDT's new terms hold for the orders that follow."
    )
    maker, taker = live.ccxt("atom-maker", ATOM="10"), live.ccxt("atom-taker", USDT="100")
    maker.load_markets()
    taker.load_markets()
    maker.create_order("ATOM/USDT", "limit", "sell", 2, 5)
    bought = taker.create_order("ATOM/USDT", "market", "buy", 2)
    assert bought["status"] == "closed"
    assert bought["fee"]["cost"] == 2 * 0.0015  # the new taker commission, in ATOM received
    page.click('button[data-view="audit"]')
    expect(page.locator("#console")).to_contain_text("market.change")


def test_every_view_of_the_console_has_no_serious_accessibility_violation(
    browser: Browser, live: LiveServer, artifacts: Path
) -> None:
    page = console(browser, live, "careful-admin")
    for view in ("markets", "listings", "users", "transfers", "audit", "system"):
        page.click(f'button[data-view="{view}"]')
        expect(page.locator(f'button[data-view="{view}"]')).to_have_attribute(
            "aria-pressed", "true"
        )
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], view
        page.screenshot(path=artifacts / f"console-{view}.png", full_page=True)
