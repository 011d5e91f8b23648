"""Listings from the store as clients see them, in every deployment (in the split one, the api
process lists the market and the engine and market data processes take it from the store on
the notice, without a restart): the operator lists an asset and a market over it, which
exchangeInfo shows and which trades at once, its book in depth; bad listings are refused with
Binance's codes and change nothing; a change of fees holds for the trades that follow."""

from typing import Any

import pytest

from tests.e2e.conftest import Trader, Venue
from tests.e2e.operators import admin_headers

SOL_USDT = {
    "baseAsset": "SOL", "quoteAsset": "USDT", "tickSize": "0.01", "stepSize": "0.001",
    "maxQty": "100000", "minNotional": "5", "maxNotional": "1000000",
    "makerCommission": "0.001", "takerCommission": "0.002",
}  # fmt: skip


@pytest.fixture
async def operator(venue: Venue) -> dict[str, str]:
    """An admin's login."""
    return await admin_headers(venue)


async def admin(
    venue: Venue, operator: dict[str, str], method: str, path: str, body: dict[str, Any]
) -> Any:
    sent = body | {"reason": "listing test"}
    return await venue.client.request(method, path, json=sent, headers=operator)


async def list_sol_usdt(venue: Venue, operator: dict[str, str]) -> Any:
    asset = {"asset": "SOL", "precision": 8}
    listed = await admin(venue, operator, "POST", "/api/v1/admin/assets", asset)
    assert listed.json() == {"asset": "SOL", "precision": 8}
    return await admin(venue, operator, "POST", "/api/v1/admin/markets", SOL_USDT)


async def exchange_info(venue: Venue) -> dict[str, Any]:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    return {symbol["symbol"]: symbol for symbol in info["symbols"]}


async def order(trader: Trader, side: str, quantity: str, price: str) -> Any:
    return await trader.call(
        "POST", "/api/v3/order", symbol="SOLUSDT", side=side, type="LIMIT",
        timeInForce="GTC", quantity=quantity, price=price,
    )  # fmt: skip


def balances(account: Any) -> dict[str, str]:
    return {b["asset"]: b["free"] for b in account["balances"] if b["asset"] in ("SOL", "USDT")}


async def test_a_listed_market_trades_at_once(venue: Venue, operator: dict[str, str]) -> None:
    listed = await list_sol_usdt(venue, operator)
    assert listed.status_code == 200, listed.text
    shown = (await exchange_info(venue))["SOLUSDT"]
    assert listed.json() == {**shown, "makerCommission": "0.00100000",
                             "takerCommission": "0.00200000"}  # fmt: skip
    assert (shown["status"], shown["baseAsset"], shown["quoteAsset"]) == ("TRADING", "SOL", "USDT")
    assert shown["filters"][0] == {
        "filterType": "PRICE_FILTER", "minPrice": "0.01000000", "maxPrice": "0.00000000",
        "tickSize": "0.01000000",
    }  # fmt: skip

    ada = await venue.trader("ada", SOL="10")
    bob = await venue.trader("bob", USDT="1000")
    resting = await order(ada, "SELL", "2", "150")
    assert resting["status"] == "NEW"
    depth = (await venue.client.get("/api/v3/depth?symbol=SOLUSDT")).json()
    assert depth["asks"] == [["150.00000000", "2.00000000"]], depth
    taken = await order(bob, "BUY", "2", "150")
    assert taken["status"] == "FILLED"
    # The taker's commission (0.2%) is taken from the SOL it receives, the maker's (0.1%) from
    # the USDT.
    assert balances(await bob.call("GET", "/api/v3/account")) == {
        "SOL": "1.99600000", "USDT": "700.00000000",
    }  # fmt: skip
    assert balances(await ada.call("GET", "/api/v3/account")) == {
        "SOL": "8.00000000", "USDT": "299.70000000",
    }  # fmt: skip
    trades = (await venue.client.get("/api/v3/trades?symbol=SOLUSDT")).json()
    assert [(t["price"], t["qty"]) for t in trades] == [("150.00000000", "2.00000000")]


def refusal(response: Any) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


async def test_bad_listings_are_refused_and_change_nothing(
    venue: Venue, operator: dict[str, str]
) -> None:
    before = await exchange_info(venue)
    cases: list[tuple[dict[str, Any], tuple[int, int]]] = [
        ({**SOL_USDT}, (400, -1100)),  # SOL is not listed
        ({**SOL_USDT, "baseAsset": "BTC"}, (409, -1130)),  # BTCUSDT is
        ({**SOL_USDT, "baseAsset": "ETH", "quoteAsset": "BTC"}, (409, -1130)),
        ({**SOL_USDT, "baseAsset": "BTC", "quoteAsset": "ETH", "tickSize": "0.000000001"},
         (400, -1130)),  # finer than ETH's 8 decimals
        ({**SOL_USDT, "baseAsset": "BTC", "quoteAsset": "ETH", "minNotional": "2000000"},
         (400, -1130)),  # above maxNotional
        ({**SOL_USDT, "baseAsset": "BTC", "quoteAsset": "ETH", "makerCommission": "2"},
         (400, -1130)),
        ({**SOL_USDT, "baseAsset": "BTC", "quoteAsset": "ETH", "maxQty": None}, (400, -1100)),
        ({**SOL_USDT, "baseAsset": "BTC", "quoteAsset": "ETH", "colour": "red"}, (400, -1100)),
    ]  # fmt: skip
    for body, expected in cases:
        refused = await admin(venue, operator, "POST", "/api/v1/admin/markets", body)
        assert refusal(refused) == expected, (body, refused.text)
    asset = {"asset": "BTC", "precision": 2}
    assert refusal(await admin(venue, operator, "POST", "/api/v1/admin/assets", asset)) == (
        409,
        -1130,
    )
    for change, expected in [
        ({"minQty": "100000"}, (400, -1130)),  # above maxQty
        ({"minPrice": "0.001"}, (400, -1130)),  # finer than the tick
        ({"takerCommission": "0.00001"}, (400, -1130)),  # not whole basis points
        ({"tickSize": "1"}, (400, -1100)),  # set for good at listing
    ]:
        changed = await admin(venue, operator, "PATCH", "/api/v1/admin/markets/BTCUSDT", change)
        assert refusal(changed) == expected, (change, changed.text)
    unknown = await admin(
        venue, operator, "PATCH", "/api/v1/admin/markets/DOGEUSDT", {"minQty": "1"}
    )
    assert refusal(unknown) == (400, -1121)
    assert await exchange_info(venue) == before
    for headers, status in (({}, 401), ({"X-Admin-Token": "admin-token"}, 403)):
        sneaked = await venue.client.post(
            "/api/v1/admin/assets",
            json={"asset": "SOL", "precision": 8, "reason": "r"},
            headers=headers,
        )
        assert refusal(sneaked) == (status, -1002)
    not_listed = await admin(venue, operator, "POST", "/api/v1/admin/markets", SOL_USDT)
    assert refusal(not_listed) == (400, -1100)


def notional_filter(info: dict[str, Any]) -> tuple[str, str]:
    (notional,) = (f for f in info["BTCUSDT"]["filters"] if f["filterType"] == "NOTIONAL")
    return notional["minNotional"], notional["maxNotional"]


async def test_new_fees_and_filters_hold_for_what_follows(
    venue: Venue, operator: dict[str, str]
) -> None:
    ada = await venue.trader("ada", BTC="1")
    bob = await venue.trader("bob", USDT="10000")
    sell = {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC"}
    await ada.call("POST", "/api/v3/order", **sell, quantity="0.2", price="10000")
    assert notional_filter(await exchange_info(venue)) == ("5.00000000", "9000000.00000000")
    changed = await admin(venue, operator, "PATCH", "/api/v1/admin/markets/BTCUSDT",
                          {"makerCommission": "0", "takerCommission": "0.005",
                           "maxNotional": "50000"})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert notional_filter(await exchange_info(venue)) == ("5.00000000", "50000.00000000")
    assert (changed.json()["makerCommission"], changed.json()["takerCommission"]) == (
        "0.00000000", "0.00500000",
    )  # fmt: skip
    rates = await bob.call("GET", "/api/v3/account/commission", symbol="BTCUSDT")
    assert rates["standardCommission"]["taker"] == "0.00500000"
    await bob.call("POST", "/api/v3/order", **{**sell, "side": "BUY"}, quantity="0.1",
                   price="10000")  # fmt: skip
    # The resting order pays the maker commission in force when it trades: none now.
    bought = await bob.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    assert [(t["commission"], t["commissionAsset"]) for t in bought] == [("0.00050000", "BTC")]
    sold = await ada.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    assert [(t["commission"], t["commissionAsset"]) for t in sold] == [("0.00000000", "USDT")]
