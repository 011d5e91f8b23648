"""The trading page in a real Chromium against `bourse serve` with its demo bots: a trader
signs up, turns on two-factor authentication and logs in with a code, takes faucet funds,
places a limit order that shows in the book and in open orders, cancels it, and a market order
fills and shows in the tape and in the history; the numbers shown are the API's."""

import re
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PageServer

PASSWORD = "correct horse battery"
TAKEN = "The new quantity must be below the order's quantity and above what it executed."
SECOND = 1000


@pytest.fixture
def page(browser: Browser, page_server: PageServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = page_server.watch(context.new_page())
    opened.set_default_timeout(15 * SECOND)
    opened.goto(f"{page_server.base_url}/trade/BTCUSDT")
    expect(opened.locator("body")).to_have_attribute("data-ready", "true")
    yield opened
    context.close()


def eventually(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


def view(page: Page, name: str) -> None:
    page.locator(f'[data-view="{name}"]').click()


def bearer(server: PageServer, email: str, code: str | None) -> dict[str, str]:
    body = {"email": email, "password": PASSWORD, "two_factor_code": code}
    tokens = server.api.post("/api/v1/auth/login", json=body)
    assert tokens.status_code == 200, tokens.text
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def sign_up(page: Page, name: str) -> str:
    """Signs a new trader up on the page; their email."""
    email = f"{name}-{time.time_ns()}@example.com"
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click("#sign-up")
    expect(page.locator("#signed-in")).to_have_text(email)
    return email


def place(page: Page, side: str, kind: str, quantity: str, price: str | None = None) -> str:
    form = page.locator("#order-form")
    form.locator(f'input[name="side"][value="{side}"]').check()
    form.locator('select[name="kind"]').select_option(kind)
    if price is not None:
        form.locator('input[name="price"]').fill(price)
    form.locator('input[name="quantity"]').fill(quantity)
    form.locator("#place").click()
    result = page.locator("#order-result")
    expect(result).to_contain_text("Order ")
    return result.inner_text()


def test_a_trader_signs_up_turns_on_two_factor_and_trades(
    page: Page, page_server: PageServer, artifacts: Path
) -> None:
    email = sign_up(page, "trader")

    view(page, "security")
    page.click("#enrol")
    expect(page.locator("#qr-code")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#two-factor-secret").inner_text())
    page.fill('.security input[name="code"]', totp.now())
    page.click("#enable-two-factor")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery = page.locator("#recovery-codes li").all_inner_texts()
    page.screenshot(path=artifacts / "two-factor-enabled.png", full_page=True)

    page.click("#log-out")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click("#log-in")
    expect(page.locator("#auth-error")).to_have_text("A two-factor code is required.")
    page.fill('input[name="code"]', totp.at(time.time() + 30))  # the next step's: now's is used
    page.click("#log-in")
    expect(page.locator("#signed-in")).to_have_text(email)

    view(page, "balances")
    for asset, amount in [("USDT", "100000"), ("BTC", "1")]:
        page.select_option('#faucet-form select[name="asset"]', asset)
        page.fill('#faucet-form input[name="amount"]', amount)
        page.click("#faucet-form button")
        expect(page.locator("#account-status")).to_contain_text(f"Received {amount}.0")
        expect(page.locator(f'#account-view tr[data-asset="{asset}"] td').nth(1)).to_contain_text(
            f"{amount}.0"
        )
    auth = bearer(page_server, email, recovery[0])
    balances = page_server.api.get("/api/v3/account", headers=auth).json()["balances"]
    free = {b["asset"]: Decimal(b["free"]) for b in balances}
    assert free["USDT"] == 100000
    shown = page.locator('#account-view tr[data-asset="USDT"] td').nth(1)
    expect(shown).to_have_text("100000.00000000")

    # A bid far below the bots' quotes: its level is the order's alone.
    price = "30000.00"
    placed = place(page, "BUY", "LIMIT", "0.01000", price)
    assert placed.endswith("NEW.")
    order_id = placed.split()[1].rstrip(":")
    expect(page.locator('#bids tr[data-price^="30000.00"]')).to_have_count(1)
    view(page, "open")
    row = page.locator(f'#account-view tr[data-order-id="{order_id}"]')
    expect(row).to_be_visible()
    page.screenshot(path=artifacts / "order-in-book.png", full_page=True)
    row.locator("button.cancel").click()
    expect(row).to_have_count(0)
    expect(page.locator('#bids tr[data-price^="30000.00"]')).to_have_count(0)

    filled = place(page, "BUY", "MARKET", "0.01000")
    assert filled.endswith("FILLED."), filled
    market_order = filled.split()[1].rstrip(":")
    trades = page_server.api.get(
        "/api/v3/myTrades", params={"symbol": "BTCUSDT", "orderId": market_order}, headers=auth
    ).json()
    assert trades
    expect(page.locator(f'#tape tr[data-trade-id="{trades[0]["id"]}"]')).to_have_count(1)
    view(page, "orders")
    expect(page.locator(f'#account-view tr[data-order-id="{market_order}"]')).to_contain_text(
        "FILLED"
    )
    view(page, "trades")
    expect(page.locator(f'#account-view tr[data-order-id="{market_order}"]')).to_have_count(
        len(trades)
    )
    page.screenshot(path=artifacts / "after-trading.png", full_page=True)
    assert_no_complaints(page_server)


def test_the_chart_and_the_book_move_with_the_bots(
    page: Page, page_server: PageServer, artifacts: Path
) -> None:
    chart = page.locator("#chart")
    expect(chart.locator("canvas").first).to_be_visible()
    expect(chart).not_to_have_attribute("data-candles", "0")
    closes: set[str] = set()

    def moved() -> bool:
        closes.add(chart.get_attribute("data-last-close") or "")
        return len(closes - {""}) >= 2

    eventually(moved, 60)  # the open candle is redrawn as the bots trade

    spread = page.locator("#spread")
    seen: set[tuple[str, str]] = set()

    def matches_the_api() -> bool:
        shown = (spread.get_attribute("data-best-bid"), spread.get_attribute("data-best-ask"))
        seen.add((shown[0] or "", shown[1] or ""))
        depth = page_server.api.get(
            "/api/v3/depth", params={"symbol": "BTCUSDT", "limit": 1}
        ).json()
        if not depth["bids"] or not depth["asks"]:  # a bot between cancel and quote
            return False
        api = (depth["bids"][0][0], depth["asks"][0][0])
        return shown == api

    eventually(matches_the_api)
    eventually(lambda: matches_the_api() and len(seen) >= 3, 30)  # moved, and still the API's
    page.screenshot(path=artifacts / "desktop.png", full_page=True)
    assert_no_complaints(page_server)


def assert_no_complaints(server: PageServer) -> None:
    assert server.complaints == [], server.complaints


def test_the_page_serves_a_strict_content_security_policy(page_server: PageServer) -> None:
    answer = page_server.api.get("/")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert page_server.api.get("/trade/ETHUSDT").text == answer.text


def bid(page_server: PageServer, auth: dict[str, str], price: str) -> dict[str, Any]:
    """A bid for 0.02 BTC at `price`, from another client than the page."""
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "0.02", "price": price}  # fmt: skip
    placed = page_server.api.post("/api/v3/order", data=order, headers=auth)
    assert placed.status_code == 200, placed.text
    return dict(placed.json())


def amend_a_bid(page: Page, page_server: PageServer, auth: dict[str, str]) -> int:
    """Places a far bid from another client and amends it to half on the page; its id. A demo
    bot's market sell may take part of the bid first, when the book's bids are thin (then the
    amend is refused for what it is): a new bid is tried, twice at most."""
    for _ in range(3):
        order = bid(page_server, auth, "31000")
        row = page.locator(f'#account-view tr[data-order-id="{order["orderId"]}"]')
        expect(row).to_be_visible()
        row.locator('input[name="new-quantity"]').fill("0.01000")
        row.locator("button.amend").click()
        amended = f"Order {order['orderId']} amended."
        status = page.locator("#account-status")
        expect(status).to_have_text(re.compile(f"{re.escape(amended)}|{TAKEN}"))
        if status.inner_text() == amended:
            return int(order["orderId"])
        taken = page_server.api.get(
            "/api/v3/order", params={"symbol": "BTCUSDT", "orderId": order["orderId"]},
            headers=auth,
        ).json()  # fmt: skip
        assert Decimal(taken["executedQty"]) > 0, taken
    raise AssertionError("every bid was taken before its amend")


def test_what_the_trader_types_in_open_orders_stays_as_the_account_changes(
    page: Page, page_server: PageServer
) -> None:
    email = sign_up(page, "typist")
    auth = bearer(page_server, email, None)
    funds = {"asset": "USDT", "amount": "50000"}
    assert page_server.api.post("/api/v1/faucet", json=funds, headers=auth).status_code == 200
    view(page, "open")
    order = bid(page_server, auth, "20000")
    row = page.locator(f'#account-view tr[data-order-id="{order["orderId"]}"]')
    new_quantity = row.locator('input[name="new-quantity"]')
    new_quantity.fill("0.01500")
    row.evaluate("shown => { shown.dataset.before = 'yes'; }")

    # Another client's deposit changes the account: the open orders are shown anew.
    funds["amount"] = "1"
    assert page_server.api.post("/api/v1/faucet", json=funds, headers=auth).status_code == 200
    expect(page.locator('#account-view tr[data-before="yes"]')).to_have_count(0)
    expect(new_quantity).to_have_value("0.01500")
    expect(new_quantity).to_be_focused()
    canceled = page_server.api.delete(
        "/api/v3/order", params={"symbol": "BTCUSDT", "orderId": order["orderId"]}, headers=auth
    )
    assert canceled.status_code == 200, canceled.text
    assert_no_complaints(page_server)


def test_the_account_keeps_live_with_amends_keys_statements_and_refusals(
    page: Page, page_server: PageServer, artifacts: Path
) -> None:
    email = sign_up(page, "keeper")
    auth = bearer(page_server, email, None)

    # Funds and an order from another client reach the page through its user data stream.
    faucet = page_server.api.post(
        "/api/v1/faucet", json={"asset": "USDT", "amount": "50000"}, headers=auth
    )
    assert faucet.status_code == 200, faucet.text
    expect(page.locator('#account-view tr[data-asset="USDT"] td').nth(1)).to_contain_text("50000.0")
    view(page, "open")
    order_id = amend_a_bid(page, page_server, auth)
    amended = page_server.api.get(
        "/api/v3/order", params={"symbol": "BTCUSDT", "orderId": order_id}, headers=auth
    ).json()
    assert Decimal(amended["origQty"]) == Decimal("0.01")

    # Binance's words, when the exchange refuses.
    form = page.locator("#order-form")
    form.locator('input[name="side"][value="BUY"]').check()
    form.locator('select[name="kind"]').select_option("LIMIT")
    form.locator('input[name="price"]').fill("40000.00")
    form.locator('input[name="quantity"]').fill("100.00000")
    form.locator("#place").click()
    expect(page.locator("#order-result")).to_have_text(
        "Account has insufficient balance for requested action."
    )

    view(page, "keys")
    page.fill('.keys input[name="label"]', "bot")
    page.click('.keys button[type="submit"]')
    secret = page.locator("#new-api-secret")
    expect(secret).not_to_be_empty()
    key = page.locator("#new-api-key").inner_text()
    listed = page_server.api.get("/api/v1/api-keys", headers=auth).json()
    assert [k["apiKey"] for k in listed] == [key]
    page.locator(".keys tbody button").click()
    expect(page.locator(".keys")).to_contain_text("No API keys.")
    assert page_server.api.get("/api/v1/api-keys", headers=auth).json() == []

    view(page, "balances")
    with page.expect_download() as downloading:
        page.click("#download-statement")
    statement = Path(downloading.value.path()).read_text()
    assert statement.splitlines()[0].startswith("entryId,")
    assert ",USDT," in statement
    page.screenshot(path=artifacts / "account.png", full_page=True)
    assert_no_complaints(page_server)
