import time
from decimal import Decimal
from typing import Any

import pytest

from domain.ledger import FEE_ACCOUNT
from tests.e2e.conftest import Venue


async def test_ping_time_and_exchange_info(venue: Venue) -> None:
    assert (await venue.client.get("/api/v3/ping")).json() == {}
    assert (await venue.client.get("/api/v3/time")).json()["serverTime"] > 0
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    filters = {f["filterType"]: f for f in btc["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.01000000"
    assert Decimal(filters["LOT_SIZE"]["stepSize"]) == Decimal("0.00001")
    assert Decimal(filters["NOTIONAL"]["minNotional"]) == 5


async def test_a_limit_order_rests_and_a_market_order_takes_it(venue: Venue) -> None:
    maker = await venue.trader("maker", BTC="1")
    taker = await venue.trader("taker", USDT="100000")
    placed = await maker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="SELL", type="LIMIT",
        timeInForce="GTC", quantity="0.5", price="60000",
    )  # fmt: skip
    assert placed["status"] == "NEW"
    depth = (await venue.client.get("/api/v3/depth?symbol=BTCUSDT")).json()
    assert depth["asks"] == [["60000.00000000", "0.50000000"]]
    taken = await taker.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.2"
    )
    assert taken["status"] == "FILLED"
    assert taken["fills"] == [
        {
            "price": "60000.00000000",
            "qty": "0.20000000",
            "commission": "0.00020000",
            "commissionAsset": "BTC",
            "tradeId": 1,
        }
    ]
    order = await maker.call("GET", "/api/v3/order", symbol="BTCUSDT", orderId=placed["orderId"])
    assert order["status"] == "PARTIALLY_FILLED"
    assert order["executedQty"] == "0.20000000"


ORDER = "/api/v3/order"


def limit(side: str, quantity: str, price: str, **extra: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
        "quantity": quantity, "price": price,
    } | extra  # fmt: skip


async def test_response_types(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="100000")
    ack = await trader.call("POST", ORDER, **limit("BUY", "0.1", "50000", newOrderRespType="ACK"))
    assert set(ack) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    result = await trader.call(
        "POST", ORDER, **limit("BUY", "0.1", "50000", newOrderRespType="RESULT")
    )
    assert result["status"] == "NEW"
    assert "fills" not in result
    full = await trader.call("POST", ORDER, **limit("BUY", "0.1", "50000"))
    assert full["fills"] == []
    maker = await trader.call(
        "POST", ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT_MAKER",
        quantity="0.1", price="49000",
    )  # fmt: skip
    assert set(maker) == set(ack)


async def test_client_order_ids_make_retries_idempotent(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="100000")
    first = await trader.call("POST", ORDER, **limit("BUY", "0.1", "50000", newClientOrderId="a1"))
    again = await trader.call("POST", ORDER, **limit("BUY", "0.1", "50000", newClientOrderId="a1"))
    assert again["orderId"] == first["orderId"]
    assert len(await trader.call("GET", "/api/v3/openOrders", symbol="BTCUSDT")) == 1
    by_client = await trader.call("GET", ORDER, symbol="BTCUSDT", origClientOrderId="a1")
    assert by_client["orderId"] == first["orderId"]


async def test_query_cancel_and_cancel_all(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="100000")
    one = await trader.call("POST", ORDER, **limit("BUY", "0.1", "50000"))
    await trader.call("POST", ORDER, **limit("BUY", "0.1", "50001"))
    await trader.call("POST", ORDER, **limit("BUY", "0.1", "50002"))
    canceled = await trader.call("DELETE", ORDER, symbol="BTCUSDT", orderId=one["orderId"])
    assert canceled["status"] == "CANCELED"
    assert canceled["origClientOrderId"] == one["clientOrderId"]
    rest = await trader.call("DELETE", "/api/v3/openOrders", symbol="BTCUSDT")
    assert sorted(o["status"] for o in rest) == ["CANCELED", "CANCELED"]
    assert await trader.call("GET", "/api/v3/openOrders") == []
    history = await trader.call("GET", "/api/v3/allOrders", symbol="BTCUSDT")
    assert [o["status"] for o in history] == ["CANCELED"] * 3
    assert (await trader.call("GET", "/api/v3/account"))["balances"][-1] == {
        "asset": "USDT",
        "free": "100000.00000000",
        "locked": "0.00000000",
    }


async def test_amend_keeps_priority_and_cancel_replace_moves(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="100000")
    placed = await trader.call("POST", ORDER, **limit("BUY", "1", "50000"))
    amended = await trader.call(
        "PUT", "/api/v3/order/amend/keepPriority", symbol="BTCUSDT",
        orderId=placed["orderId"], newQty="0.4",
    )  # fmt: skip
    assert amended["amendedOrder"]["origQty"] == "0.40000000"
    assert amended["amendedOrder"]["orderId"] == placed["orderId"]
    replaced = await trader.call(
        "POST", "/api/v3/order/cancelReplace", cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=placed["orderId"], **limit("BUY", "0.2", "49000"),
    )  # fmt: skip
    assert replaced["cancelResult"] == "SUCCESS"
    assert replaced["newOrderResult"] == "SUCCESS"
    assert replaced["cancelResponse"]["status"] == "CANCELED"
    assert replaced["newOrderResponse"]["price"] == "49000.00000000"
    failed = await trader.request(
        "POST", "/api/v3/order/cancelReplace", cancelReplaceMode="STOP_ON_FAILURE",
        cancelOrderId=999, **limit("BUY", "0.2", "49000"),
    )  # fmt: skip
    assert failed.status_code == 400
    assert failed.json()["code"] == -2011
    partly = await trader.request(
        "POST", "/api/v3/order/cancelReplace", cancelReplaceMode="ALLOW_FAILURE",
        cancelOrderId=999, **limit("BUY", "0.2", "49000"),
    )  # fmt: skip
    assert partly.json()["code"] == -2021
    assert partly.json()["data"]["cancelResponse"] == {"code": -2011, "msg": "Unknown order sent."}
    assert len(await trader.call("GET", "/api/v3/openOrders", symbol="BTCUSDT")) == 2


async def test_test_orders_check_without_placing(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="100000")
    assert await trader.call("POST", "/api/v3/order/test", **limit("BUY", "0.1", "50000")) == {}
    rates = await trader.call(
        "POST", "/api/v3/order/test", computeCommissionRates="true", **limit("BUY", "1", "5")
    )
    assert rates["standardCommissionForOrder"] == {"maker": "0.00100000", "taker": "0.00100000"}
    refused = await trader.request("POST", "/api/v3/order/test", **limit("BUY", "0.1", "0.001"))
    assert refused.json() == {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}
    assert await trader.call("GET", "/api/v3/openOrders") == []


@pytest.mark.parametrize(
    ("params", "code", "msg"),
    [
        ({"side": "BUY", "type": "LIMIT", "quantity": "1", "price": "1"}, -1102,
         "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
        (limit("HOLD", "0.1", "50000"), -1117, "Invalid side."),
        (limit("BUY", "0.1", "50000", type="STOP"), -1116, "Invalid orderType."),
        (limit("BUY", "0.1", "50000", timeInForce="GTD"), -1115, "Invalid timeInForce."),
        (limit("BUY", "0.1", "50000", timeInForce=""), -1102,
         "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
        ({"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1", "price": "1"},
         -1106, "Parameter 'price' sent when not required."),
        (limit("BUY", "0.1", "1e5"), -1100,
         "Illegal characters found in parameter 'price'; legal range is "
         "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'."),
        (limit("BUY", "0.1", "50000.001"), -1013, "Filter failure: PRICE_FILTER"),
        (limit("BUY", "0.000001", "50000"), -1013, "Filter failure: LOT_SIZE"),
        (limit("BUY", "0.00001", "50000"), -1013, "Filter failure: NOTIONAL"),
        (limit("BUY", "100", "50000"), -2010,
         "Account has insufficient balance for requested action."),
        (limit("BUY", "0.1", "50000", color="blue"), -1104,
         "Not all sent parameters were read; read '8' parameter(s) but was sent '9'."),
        (limit("BUY", "0.1", "50000", symbol="DOGEUSDT"), -1121, "Invalid symbol."),
        (limit("BUY", "0.1", "50000", recvWindow="70000"), -1131,
         "recvWindow must be less than 60000"),
        (limit("BUY", "0.1", "50000", timestamp="1000"), -1021,
         "Timestamp for this request is outside of the recvWindow."),
    ],
)  # fmt: skip
async def test_bad_orders_are_refused_and_change_nothing(
    venue: Venue, params: dict[str, str], code: int, msg: str
) -> None:
    trader = await venue.trader("t", USDT="1000")
    response = await trader.request("POST", ORDER, **params)
    assert response.status_code == 400
    assert response.json() == {"code": code, "msg": msg}
    assert await trader.call("GET", "/api/v3/allOrders", symbol="BTCUSDT") == []
    account = await trader.call("GET", "/api/v3/account", omitZeroBalances="true")
    assert account["balances"] == [
        {"asset": "USDT", "free": "1000.00000000", "locked": "0.00000000"}
    ]


async def test_credentials_are_checked(venue: Venue) -> None:
    trader = await venue.trader("t", USDT="1000")
    query = "symbol=BTCUSDT&timestamp=" + str(int(time.time() * 1000))
    missing = await venue.client.get(f"/api/v3/openOrders?{query}")
    assert (missing.status_code, missing.json()["code"]) == (401, -2014)
    unknown = await venue.client.get(
        f"/api/v3/openOrders?{query}&signature=00", headers={"X-MBX-APIKEY": "nope"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (401, -2015)
    forged = await venue.client.get(
        f"/api/v3/openOrders?{query}&signature=00", headers={"X-MBX-APIKEY": trader.key.api_key}
    )
    assert forged.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
    ahead = await trader.request(
        "GET", "/api/v3/openOrders", timestamp=int(time.time() * 1000) + 5000
    )
    assert ahead.json()["code"] == -1021
    unknown_order = await trader.request("DELETE", ORDER, symbol="BTCUSDT", orderId=42)
    assert unknown_order.json() == {"code": -2011, "msg": "Unknown order sent."}
    no_such = await trader.request("GET", ORDER, symbol="BTCUSDT", orderId=42)
    assert no_such.json() == {"code": -2013, "msg": "Order does not exist."}
    neither = await trader.request("GET", ORDER, symbol="BTCUSDT")
    assert neither.json()["code"] == -1102


async def test_two_traders_end_with_balances_that_match_trades_and_fees(venue: Venue) -> None:
    alice = await venue.trader("alice", BTC="3", USDT="10000")
    bob = await venue.trader("bob", USDT="500000")
    for price in ("60000", "60000.01", "60100.5"):
        await alice.call("POST", ORDER, **limit("SELL", "1", price))
    await bob.call("POST", ORDER, **limit("BUY", "2.34567", "60100.5"))
    await bob.call("POST", ORDER, symbol="BTCUSDT", side="BUY", type="MARKET",
                   quoteOrderQty="1234.56")  # fmt: skip
    trades = await bob.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    alice_trades = await alice.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    assert [t["id"] for t in trades] == [t["id"] for t in alice_trades]
    spent = sum(Decimal(t["quoteQty"]) for t in trades)
    received = sum(Decimal(t["qty"]) - Decimal(t["commission"]) for t in trades)
    earned = sum(Decimal(t["quoteQty"]) - Decimal(t["commission"]) for t in alice_trades)
    sold = sum(Decimal(t["qty"]) for t in alice_trades)
    for t in trades:  # 0.10% of what the buyer receives, rounded up to the minor unit
        fee = (Decimal(t["qty"]) / 1000).quantize(Decimal("1e-10"), "ROUND_CEILING")
        assert Decimal(t["commission"]) == fee
    bob_balances = await bob.call("GET", "/api/v3/account", omitZeroBalances="true")
    alice_balances = await alice.call("GET", "/api/v3/account", omitZeroBalances="true")

    def free(account: dict[str, Any], asset: str) -> Decimal:
        found = next(b for b in account["balances"] if b["asset"] == asset)
        return Decimal(found["free"]) + Decimal(found["locked"])

    assert free(bob_balances, "USDT") == 500000 - spent
    assert free(bob_balances, "BTC") == received
    assert free(alice_balances, "USDT") == 10000 + earned
    assert free(alice_balances, "BTC") == 3 - sold
    fees = await venue.run(venue.container.funds().balances, FEE_ACCOUNT)
    assert Decimal(fees["BTC"].available) / 10**8 == sum(Decimal(t["commission"]) for t in trades)
