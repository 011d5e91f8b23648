"""Market states as clients see them, in every deployment: an admin halts a market and opens
it again; exchangeInfo tells the status at once; orders (tested ones too), cancels and
amendments are refused with Binance's codes while halted, cancels are taken while
cancel-only, and the orders in the book wait the halt out."""

from typing import Any

from tests.e2e.conftest import Trader, Venue
from tests.e2e.operators import admin_headers

STATUS = "/api/v1/admin/markets/BTCUSDT/status"
BID = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}


async def set_status(venue: Venue, admin: dict[str, str], status: str, path: str = STATUS) -> Any:
    return await venue.client.put(
        path, json={"status": status, "reason": "incident 42"}, headers=admin
    )


async def statuses(venue: Venue) -> dict[str, str]:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    return {symbol["symbol"]: symbol["status"] for symbol in info["symbols"]}


def refusal(response: Any) -> tuple[int, int, str]:
    return response.status_code, response.json()["code"], response.json()["msg"]


async def bid(trader: Trader, quantity: str = "0.2") -> Any:
    return await trader.request("POST", "/api/v3/order", **BID, quantity=quantity, price="100")


async def test_a_halted_market_refuses_orders_and_keeps_its_book(venue: Venue) -> None:
    ada = await venue.trader("ada", USDT="1000")
    admin = await admin_headers(venue)
    assert await statuses(venue) == {
        "BTCUSDT": "TRADING",
        "ETHUSDT": "TRADING",
        "ETHBTC": "TRADING",
    }
    resting = (await bid(ada)).json()
    assert "orderId" in resting, resting
    halted = await set_status(venue, admin, "HALT")
    assert halted.status_code == 200, halted.text
    assert {k: v for k, v in halted.json().items() if k != "time"} == {
        "symbol": "BTCUSDT", "status": "HALT", "reason": "incident 42",
    }  # fmt: skip
    assert (await statuses(venue))["BTCUSDT"] == "HALT"
    assert refusal(await bid(ada)) == (400, -2010, "Market is closed.")
    tested = await ada.request("POST", "/api/v3/order/test", **BID, quantity="0.2", price="100")
    assert refusal(tested) == (400, -2010, "Market is closed.")
    order = {"symbol": "BTCUSDT", "orderId": resting["orderId"]}
    canceled = await ada.request("DELETE", "/api/v3/order", **order)
    assert refusal(canceled) == (400, -2011, "Market is closed.")
    amended = await ada.request("PUT", "/api/v3/order/amend/keepPriority", **order, newQty="0.1")
    assert refusal(amended) == (400, -2011, "Market is closed.")
    assert [o["orderId"] for o in await ada.call("GET", "/api/v3/openOrders")] == [
        resting["orderId"]
    ]
    other = await ada.request("POST", "/api/v3/order", **{**BID, "symbol": "ETHUSDT"},
                              quantity="0.2", price="100")  # fmt: skip
    assert other.status_code == 200, other.text

    halted_only = await venue.client.get("/api/v3/exchangeInfo?symbolStatus=HALT")
    assert [m["symbol"] for m in halted_only.json()["symbols"]] == ["BTCUSDT"]

    assert (await set_status(venue, admin, "CANCEL_ONLY")).status_code == 200
    assert (await statuses(venue))["BTCUSDT"] == "CANCEL_ONLY"
    assert refusal(await bid(ada)) == (400, -2010, "Market is closed.")
    assert (await ada.call("DELETE", "/api/v3/order", **order))["status"] == "CANCELED"

    assert (await set_status(venue, admin, "TRADING")).status_code == 200
    assert (await statuses(venue))["BTCUSDT"] == "TRADING"
    assert (await bid(ada)).status_code == 200
    assert await ada.call("POST", "/api/v3/order/test", **BID, quantity="0.2", price="100") == {}


async def test_a_status_change_is_the_operator_s_alone(venue: Venue) -> None:
    admin = await admin_headers(venue)
    body = {"status": "HALT", "reason": "none of yours"}
    for headers, status in (({}, 401), ({"X-Admin-Token": "admin-token"}, 403)):
        refused = await venue.client.put(STATUS, json=body, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (status, -1002)
    unknown = await set_status(venue, admin, "HALT", "/api/v1/admin/markets/DOGEUSDT/status")
    assert (unknown.status_code, unknown.json()["code"]) == (400, -1121)
    for wrong in ({"status": "CLOSED", "reason": "x"}, {"status": "HALT"},
                  {"status": "HALT", "reason": ""}, {**body, "until": 5}):  # fmt: skip
        refused = await venue.client.put(STATUS, json=wrong, headers=admin)
        assert (refused.status_code, refused.json()["code"]) == (400, -1100), wrong
    assert (await statuses(venue))["BTCUSDT"] == "TRADING"


async def test_exchange_info_lists_the_markets_of_one_status(venue: Venue) -> None:
    trading = (await venue.client.get("/api/v3/exchangeInfo?symbolStatus=TRADING")).json()
    assert len(trading["symbols"]) == 3
    broken = (await venue.client.get("/api/v3/exchangeInfo?symbolStatus=BREAK")).json()
    assert broken["symbols"] == []
    for query, code in (("symbolStatus=CLOSED", -1100), ("symbolStatus=HALT&symbol=ETHBTC", -1101)):
        refused = await venue.client.get(f"/api/v3/exchangeInfo?{query}")
        assert (refused.status_code, refused.json()["code"]) == (400, code), query
