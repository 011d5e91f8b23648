"""OTO and OTOCO lists over REST, as a Binance client sends them: placed with the pending
orders PENDING_NEW, shown by every order and list query, placed when the working order fills,
canceled whole by one order, and refused with Binance's codes."""

from decimal import Decimal
from typing import Any

import pytest

from tests.e2e.conftest import Trader, Venue
from tests.e2e.test_order_lists import balance, market, trade_at

__all__ = ["market"]  # the fixture, shared with the OCO tests

ORDER = "/api/v3/order"
OTO = "/api/v3/orderList/oto"
OTOCO = "/api/v3/orderList/otoco"
LIST = "/api/v3/orderList"
WORKING = {
    "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "59000",
    "workingQuantity": "0.1", "workingTimeInForce": "GTC",
}  # fmt: skip
BUY_THEN_SELL = WORKING | {
    "pendingType": "LIMIT", "pendingSide": "SELL", "pendingPrice": "61000",
    "pendingQuantity": "0.0999", "pendingTimeInForce": "GTC",
}  # fmt: skip
BUY_THEN_OCO = WORKING | {
    "pendingSide": "SELL", "pendingQuantity": "0.0999",
    "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "62000",
    "pendingBelowType": "STOP_LOSS", "pendingBelowStopPrice": "58000",
}  # fmt: skip


async def sell_to(taker: Trader, price: str, quantity: str = "0.1") -> None:
    await taker.call("POST", ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT",
                     timeInForce="GTC", quantity=quantity, price=price)  # fmt: skip


async def test_exchange_info_allows_oto(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo?symbol=BTCUSDT")).json()
    assert info["symbols"][0]["otoAllowed"] is True


async def test_an_oto_waits_pending_then_places_its_pending_order(
    market: tuple[Trader, ...],
) -> None:
    owner, _, taker = market
    placed = await owner.call("POST", OTO, listClientOrderId="my-oto", **BUY_THEN_SELL)
    assert (placed["contingencyType"], placed["listStatusType"], placed["listOrderStatus"]) == (
        "OTO", "EXEC_STARTED", "EXECUTING",
    )  # fmt: skip
    working, pending = placed["orderReports"]
    assert (working["status"], pending["status"]) == ("NEW", "PENDING_NEW")
    assert (working["type"], pending["type"], pending["side"]) == ("LIMIT", "LIMIT", "SELL")
    assert pending["workingTime"] == -1 and placed["orderListId"] == working["orderId"]
    # The working buy holds its quote; the pending sell is paid by the BTC the buy brings.
    assert await balance(owner, "USDT") == (Decimal(100000 - 5900), Decimal(5900))
    assert await balance(owner, "BTC") == (Decimal(1), Decimal(0))
    shown = await owner.call("GET", ORDER, symbol="BTCUSDT", orderId=pending["orderId"])
    assert shown["status"] == "PENDING_NEW"
    open_orders = await owner.call("GET", "/api/v3/openOrders", symbol="BTCUSDT")
    assert [o["status"] for o in open_orders] == ["NEW", "PENDING_NEW"]
    expected = {k: v for k, v in placed.items() if k != "orderReports"}
    assert await owner.call("GET", "/api/v3/openOrderList") == [expected]
    assert await owner.call("GET", LIST, origClientOrderId="my-oto") == expected

    await sell_to(taker, "59000")
    shown = await owner.call("GET", ORDER, symbol="BTCUSDT", orderId=pending["orderId"])
    assert (shown["status"], shown["workingTime"] > 0) == ("NEW", True)
    ended = await owner.call("GET", LIST, orderListId=placed["orderListId"])
    assert (ended["contingencyType"], ended["listOrderStatus"]) == ("OTO", "ALL_DONE")
    assert await owner.call("GET", "/api/v3/openOrderList") == []
    assert await balance(owner, "BTC") == (Decimal("1.0000"), Decimal("0.0999"))
    all_lists = await owner.call("GET", "/api/v3/allOrderList")
    assert [(x["orderListId"], x["contingencyType"]) for x in all_lists] == [
        (placed["orderListId"], "OTO")
    ]


async def test_canceling_the_pending_order_cancels_the_list(market: tuple[Trader, ...]) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OTO, **BUY_THEN_SELL)
    pending_id = placed["orderReports"][1]["orderId"]
    await owner.call("DELETE", ORDER, symbol="BTCUSDT", orderId=pending_id)
    statuses = [
        (await owner.call("GET", ORDER, symbol="BTCUSDT", orderId=o["orderId"]))["status"]
        for o in placed["orders"]
    ]
    assert statuses == ["CANCELED", "CANCELED"]
    assert await balance(owner, "USDT") == (Decimal(100000), Decimal(0))
    again = await owner.call("POST", OTO, **BUY_THEN_SELL)
    canceled = await owner.call("DELETE", LIST, symbol="BTCUSDT", orderListId=again["orderListId"])
    assert [r["status"] for r in canceled["orderReports"]] == ["CANCELED", "CANCELED"]
    assert await owner.call("GET", "/api/v3/openOrders") == []


async def test_an_otoco_places_an_oco_once_its_working_order_fills(
    market: tuple[Trader, ...],
) -> None:
    owner, maker, taker = market
    placed = await owner.call("POST", OTOCO, **BUY_THEN_OCO)
    assert placed["contingencyType"] == "OTO"
    assert [r["status"] for r in placed["orderReports"]] == ["NEW", "PENDING_NEW", "PENDING_NEW"]
    assert [r["type"] for r in placed["orderReports"]] == ["LIMIT", "STOP_LOSS", "LIMIT_MAKER"]
    await sell_to(taker, "59000")
    listed = await owner.call("GET", "/api/v3/openOrderList")
    assert [[o["orderId"] for o in x["orders"]] for x in listed] == [
        [o["orderId"] for o in placed["orders"]]
    ]
    assert await balance(owner, "BTC") == (Decimal(1), Decimal("0.0999"))
    await maker.call("POST", ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT",
                     timeInForce="GTC", quantity="0.0999", price="62000")  # fmt: skip
    ended = await owner.call("GET", LIST, orderListId=placed["orderListId"])
    assert ended["listOrderStatus"] == "ALL_DONE"
    stop_id = placed["orderReports"][1]["orderId"]
    stop = await owner.call("GET", ORDER, symbol="BTCUSDT", orderId=stop_id)
    assert stop["status"] == "EXPIRED"


REFUSALS = [
    (OTO, {"workingType": "MARKET"}, -1116, "Invalid orderType."),
    (OTO, {"workingTimeInForce": None}, -1102,
     "Mandatory parameter 'workingTimeInForce' was not sent, was empty/null, or malformed."),
    (OTO, {"pendingPrice": None}, -1102,
     "Mandatory parameter 'pendingPrice' was not sent, was empty/null, or malformed."),
    (OTO, {"pendingSide": "UP"}, -1117, "Invalid side."),
    (OTO, {"pendingType": "MARKET", "pendingPrice": None, "pendingTimeInForce": None,
           "pendingStopPrice": "1"}, -1106, "Parameter 'pendingStopPrice' sent when not required."),
    (OTO, {"workingQuantity": "5"}, -2010,
     "Account has insufficient balance for requested action."),
    (OTO, {"pendingSide": "BUY", "pendingQuantity": "5"}, -2010,
     "Account has insufficient balance for requested action."),
    (OTO, {"pendingPrice": "61000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    (OTOCO, {"pendingAboveType": "LIMIT", "pendingAboveTimeInForce": "GTC"}, -1158,
     "Order type not supported in OCO."),
    (OTOCO, {"pendingAbovePrice": "57000"}, -2010,
     "The relationship of the prices for the orders is not correct."),
    (OTOCO, {"pendingAboveType": "STOP_LOSS", "pendingAbovePrice": None,
             "pendingAboveStopPrice": "62000", "pendingBelowType": "LIMIT_MAKER",
             "pendingBelowStopPrice": None, "pendingBelowPrice": "58000"}, -1197,
     "A stop loss order in a sell OCO must be below."),
]  # fmt: skip


@pytest.mark.parametrize(("path", "change", "code", "msg"), REFUSALS)
async def test_bad_otos_are_refused_and_change_nothing(
    market: tuple[Trader, ...], path: str, change: dict[str, Any], code: int, msg: str
) -> None:
    owner, *_ = market
    base = BUY_THEN_SELL if path == OTO else BUY_THEN_OCO
    params = {k: v for k, v in (base | change).items() if v is not None}
    before = await balance(owner, "BTC"), await balance(owner, "USDT")
    response = await owner.request("POST", path, **params)
    assert (response.status_code, response.json()) == (400, {"code": code, "msg": msg})
    assert (await balance(owner, "BTC"), await balance(owner, "USDT")) == before
    assert await owner.call("GET", "/api/v3/openOrders") == []


async def test_a_working_order_that_fills_at_once_places_its_pending_order(
    market: tuple[Trader, ...],
) -> None:
    owner, maker, _ = market
    await trade_at(maker, maker, "60000")  # leaves nothing on the book
    await maker.call("POST", ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT",
                     timeInForce="GTC", quantity="0.1", price="59000")  # fmt: skip
    placed = await owner.call("POST", OTO, **BUY_THEN_SELL)
    working, pending = placed["orderReports"]
    assert working["status"] == "FILLED" and pending["status"] == "NEW"


async def test_canceling_every_open_order_reports_the_list_whole(
    market: tuple[Trader, ...],
) -> None:
    owner, *_ = market
    placed = await owner.call("POST", OTO, **BUY_THEN_SELL)
    canceled = await owner.call("DELETE", "/api/v3/openOrders", symbol="BTCUSDT")
    assert [(c["orderListId"], c["contingencyType"]) for c in canceled] == [
        (placed["orderListId"], "OTO")
    ]
    assert [r["status"] for r in canceled[0]["orderReports"]] == ["CANCELED", "CANCELED"]
    assert await owner.call("GET", "/api/v3/openOrders") == []


async def test_the_placement_answer_gives_each_expiry_reason(market: tuple[Trader, ...]) -> None:
    """An IOC working order that cannot fill expires, and its pending order with it."""
    owner, *_ = market
    placed = await owner.call("POST", OTO, **(BUY_THEN_SELL | {"workingTimeInForce": "IOC"}))
    assert [(r["status"], r.get("expiryReason")) for r in placed["orderReports"]] == [
        ("EXPIRED", "UNFILLED_IOC_QUANTITY_EXPIRED"),
        ("EXPIRED", "OTO_PHASE_ONE_EXPIRED"),
    ]
    acked = await owner.call(
        "POST", OTO, newOrderRespType="ACK", **(BUY_THEN_SELL | {"workingTimeInForce": "IOC"})
    )
    assert all("expiryReason" not in r for r in acked["orderReports"])
