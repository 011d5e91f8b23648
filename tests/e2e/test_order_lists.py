"""OCO order lists over REST, as a Binance client sends them: placed (both routes), shown,
ended by a fill, canceled whole by one order, listed, and refused with Binance's codes."""

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import Trader, Venue

ORDER = "/api/v3/order"
OCO = "/api/v3/orderList/oco"
LIST = "/api/v3/orderList"
SELL_OCO = {
    "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5",
    "aboveType": "LIMIT_MAKER", "abovePrice": "62000",
    "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "59000", "belowPrice": "58500",
    "belowTimeInForce": "GTC",
}  # fmt: skip


async def trade_at(maker: Trader, taker: Trader, price: str) -> None:
    for trader, side in ((maker, "SELL"), (taker, "BUY")):
        await trader.call("POST", ORDER, symbol="BTCUSDT", side=side, type="LIMIT",
                          timeInForce="GTC", quantity="0.01", price=price)  # fmt: skip


async def balance(trader: Trader, asset: str) -> tuple[Decimal, Decimal]:
    account = await trader.call("GET", "/api/v3/account")
    found = next(b for b in account["balances"] if b["asset"] == asset)
    return Decimal(found["free"]), Decimal(found["locked"])


@pytest.fixture
async def market(venue: Venue) -> tuple[Trader, Trader, Trader]:
    """An owner with 1 BTC, and a market whose last price is 60000."""
    maker = await venue.trader("maker", BTC="1", USDT="100000")
    taker = await venue.trader("taker", BTC="1", USDT="100000")
    owner = await venue.trader("owner", BTC="1", USDT="100000")
    await trade_at(maker, taker, "60000")
    return owner, maker, taker


async def test_exchange_info_allows_oco(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo?symbol=BTCUSDT")).json()
    symbol = info["symbols"][0]
    assert symbol["ocoAllowed"] is True
    filters = {f["filterType"]: f for f in symbol["filters"]}
    assert filters["MAX_NUM_ORDER_LISTS"] == {"filterType": "MAX_NUM_ORDER_LISTS",
                                              "maxNumOrderLists": 20}  # fmt: skip
    assert filters["MAX_NUM_ICEBERG_ORDERS"]["maxNumIcebergOrders"] == 10


async def test_an_oco_is_placed_shown_and_held_once(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OCO, listClientOrderId="my-list", **SELL_OCO)
    assert (placed["contingencyType"], placed["listStatusType"], placed["listOrderStatus"]) == (
        "OCO", "EXEC_STARTED", "EXECUTING",
    )  # fmt: skip
    assert placed["listClientOrderId"] == "my-list"
    stop, limit = placed["orderReports"]
    assert (stop["type"], limit["type"]) == ("STOP_LOSS_LIMIT", "LIMIT_MAKER")
    assert [o["orderId"] for o in placed["orders"]] == [stop["orderId"], limit["orderId"]]
    assert placed["orderListId"] == stop["orderId"]
    assert {stop["orderListId"], limit["orderListId"]} == {placed["orderListId"]}
    assert (stop["workingTime"], stop["status"]) == (-1, "NEW")
    assert await balance(owner, "BTC") == (Decimal("0.5"), Decimal("0.5"))
    by_id = await owner.call("GET", LIST, orderListId=placed["orderListId"])
    by_client_id = await owner.call("GET", LIST, origClientOrderId="my-list")
    expected = {k: v for k, v in placed.items() if k != "orderReports"}
    assert by_id == by_client_id == expected
    assert await owner.call("GET", "/api/v3/openOrderList") == [expected]
    shown = await owner.call("GET", "/api/v3/openOrders", symbol="BTCUSDT")
    assert {o["orderListId"] for o in shown} == {placed["orderListId"]}


async def test_a_fill_of_the_limit_order_expires_the_stop(market: tuple[Trader, ...]) -> None:
    owner, _, taker = market
    placed = await owner.call("POST", OCO, **SELL_OCO)
    stop_id = placed["orderReports"][0]["orderId"]
    await taker.call("POST", ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT",
                     timeInForce="GTC", quantity="0.2", price="62000")  # fmt: skip
    stop = await owner.call("GET", ORDER, symbol="BTCUSDT", orderId=stop_id)
    assert stop["status"] == "EXPIRED"
    ended = await owner.call("GET", LIST, orderListId=placed["orderListId"])
    assert (ended["listStatusType"], ended["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert await owner.call("GET", "/api/v3/openOrderList") == []
    assert await balance(owner, "BTC") == (Decimal("0.5"), Decimal("0.3"))
    trades = await owner.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    assert [(t["orderListId"], t["qty"]) for t in trades] == [(placed["orderListId"], "0.20000000")]
    listed = await owner.call("GET", "/api/v3/allOrderList")
    assert [found["orderListId"] for found in listed] == [placed["orderListId"]]


async def test_canceling_one_order_cancels_the_list(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OCO, **SELL_OCO)
    limit_id = placed["orderReports"][1]["orderId"]
    canceled = await owner.call("DELETE", ORDER, symbol="BTCUSDT", orderId=limit_id)
    assert (canceled["status"], canceled["orderListId"]) == ("CANCELED", placed["orderListId"])
    orders = await owner.call("GET", "/api/v3/allOrders", symbol="BTCUSDT")
    assert {o["status"] for o in orders if o["orderListId"] >= 0} == {"CANCELED"}
    assert await balance(owner, "BTC") == (Decimal(1), Decimal(0))
    again = await owner.request("DELETE", LIST, symbol="BTCUSDT",
                                orderListId=placed["orderListId"])  # fmt: skip
    assert (again.status_code, again.json()["code"]) == (400, -2011)


async def test_a_list_is_canceled_whole(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OCO, listClientOrderId="to-cancel", **SELL_OCO)
    canceled = await owner.call("DELETE", LIST, symbol="BTCUSDT", listClientOrderId="to-cancel",
                                newClientOrderId="my-cancel")  # fmt: skip
    assert (canceled["listStatusType"], canceled["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert [r["status"] for r in canceled["orderReports"]] == ["CANCELED", "CANCELED"]
    assert {r["clientOrderId"] for r in canceled["orderReports"]} == {"my-cancel"}
    assert [r["origClientOrderId"] for r in canceled["orderReports"]] == [
        o["clientOrderId"] for o in placed["orders"]
    ]
    assert await balance(owner, "BTC") == (Decimal(1), Decimal(0))


async def test_the_older_oco_route_places_a_limit_maker_and_a_stop(
    market: tuple[Trader, ...],
) -> None:
    owner, *_ = market
    placed = await owner.call(
        "POST", "/api/v3/order/oco", symbol="BTCUSDT", side="BUY", quantity="0.1",
        price="58000", stopPrice="61000", stopLimitPrice="61500", stopLimitTimeInForce="GTC",
        limitClientOrderId="limit-leg", stopClientOrderId="stop-leg",
    )  # fmt: skip
    reports = {r["clientOrderId"]: r for r in placed["orderReports"]}
    assert (reports["stop-leg"]["type"], reports["limit-leg"]["type"]) == (
        "STOP_LOSS_LIMIT", "LIMIT_MAKER",
    )  # fmt: skip
    # A buy OCO holds what its dearer order may spend: 0.1 at 61500.
    assert await balance(owner, "USDT") == (Decimal(100000 - 6150), Decimal(6150))


REFUSALS = [
    ({"aboveType": "LIMIT"}, -1158, "Order type not supported in OCO."),
    ({"aboveType": "NOPE"}, -1116, "Invalid orderType."),
    ({"side": "BUY"}, -1196, "A stop loss order in a buy OCO must be above."),
    ({"side": "BUY", "belowType": "TAKE_PROFIT", "belowPrice": None, "belowTimeInForce": None},
     -1165, "A limit order in a buy OCO must be below."),
    ({"aboveType": "STOP_LOSS", "aboveStopPrice": "63000", "abovePrice": None,
      "belowType": "LIMIT_MAKER", "belowPrice": "58000", "belowStopPrice": None,
      "belowTimeInForce": None}, -1197, "A stop loss order in a sell OCO must be below."),
    ({"belowType": "LIMIT_MAKER", "belowPrice": "58000", "belowStopPrice": None,
      "belowTimeInForce": None}, -1168, "At least one OCO order must be contingent."),
    ({"belowType": "TAKE_PROFIT", "belowPrice": None, "belowTimeInForce": None}, -1199,
     "A take profit order in a sell OCO must be above."),
    ({"abovePrice": "59500"}, -2010,
     "The relationship of the prices for the orders is not correct."),
    ({"belowStopPrice": None}, -1102,
     "Param 'belowStopPrice' or 'belowTrailingDelta' must be sent, but both were empty/null!"),
    ({"abovePrice": None}, -1102,
     "Mandatory parameter 'abovePrice' was not sent, was empty/null, or malformed."),
    ({"belowTimeInForce": None}, -1102,
     "Mandatory parameter 'belowTimeInForce' was not sent, was empty/null, or malformed."),
    ({"aboveTimeInForce": "GTC"}, -1106, "Parameter 'aboveTimeInForce' sent when not required."),
    ({"belowTimeInForce": "IOC", "belowIcebergQty": "0.1"}, -1160,
     "Parameter 'belowIcebergQty' is not supported if 'belowTimeInForce' is not GTC."),
    ({"quantity": "5"}, -2010, "Account has insufficient balance for requested action."),
    ({"abovePrice": "62000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"abovePegPriceType": "PRIMARY_PEG"}, -1106,
     "Parameter 'abovePegPriceType' sent when not required."),
    ({"quantity": None}, -1102,
     "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
    ({"aboveColour": "red"}, -1104,
     "Not all sent parameters were read; read '11' parameter(s) but was sent '12'."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "msg"), REFUSALS)
async def test_bad_ocos_are_refused_and_change_nothing(
    market: tuple[Trader, ...], change: dict[str, Any], code: int, msg: str
) -> None:
    owner, *_ = market
    before = await balance(owner, "BTC"), await balance(owner, "USDT")
    response = await owner.request("POST", OCO, **(SELL_OCO | change))
    assert (response.status_code, response.json()) == (400, {"code": code, "msg": msg})
    assert (await balance(owner, "BTC"), await balance(owner, "USDT")) == before
    assert await owner.call("GET", "/api/v3/openOrders") == []


async def test_lists_asked_for_wrongly_are_refused(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    missing = await owner.request("GET", LIST)
    assert missing.json() == {
        "code": -1102,
        "msg": "Param 'origClientOrderId' or 'orderListId' must be sent, but both were empty/null!",
    }
    unknown = await owner.request("GET", LIST, orderListId=999)
    assert unknown.json() == {"code": -2013, "msg": "Order list does not exist."}
    both = await owner.request("GET", "/api/v3/allOrderList", fromId=1, startTime=1)
    assert both.json() == {"code": -1128, "msg": "Combination of optional parameters invalid."}


async def test_canceling_every_open_order_reports_both_orders_of_a_list(
    market: tuple[Trader, ...],
) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OCO, **SELL_OCO)
    await owner.call("POST", ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT",
                     timeInForce="GTC", quantity="0.1", price="61000")  # fmt: skip
    canceled = await owner.call("DELETE", "/api/v3/openOrders", symbol="BTCUSDT")
    listed, alone = canceled
    assert (listed["orderListId"], listed["listStatusType"]) == (placed["orderListId"], "ALL_DONE")
    reports = listed["orderReports"]
    assert [r["orderId"] for r in reports] == [o["orderId"] for o in placed["orders"]]
    assert {r["status"] for r in reports} == {alone["status"]} == {"CANCELED"}
    assert await balance(owner, "BTC") == (Decimal(1), Decimal(0))


async def test_an_oco_counts_as_two_orders(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    await owner.call("POST", OCO, **SELL_OCO)
    counts = await owner.call("GET", "/api/v3/rateLimit/order")
    assert {entry["count"] for entry in counts} == {2}
