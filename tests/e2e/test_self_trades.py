"""An account that trades against itself sees both sides of the trade in its history, each
with its commission, so that its balances still add up from what it deposited and traded."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from tests.e2e.conftest import Trader, Venue

ORDER = "/api/v3/order"


def limit(side: str, quantity: str, price: str, **extra: str) -> dict[str, str]:
    return {
        "symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
        "quantity": quantity, "price": price,
    } | extra  # fmt: skip


def flows(deposits: dict[str, str], trades: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The balances that the deposits and the account's own trade history add up to."""
    total: defaultdict[str, Decimal] = defaultdict(
        Decimal, {a: Decimal(v) for a, v in deposits.items()}
    )
    for trade in trades:
        sign = 1 if trade["isBuyer"] else -1
        total["BTC"] += sign * Decimal(trade["qty"])
        total["USDT"] -= sign * Decimal(trade["quoteQty"])
        total[trade["commissionAsset"]] -= Decimal(trade["commission"])
    return dict(total)


async def balances(trader: Trader) -> dict[str, Decimal]:
    account = await trader.call("GET", "/api/v3/account", omitZeroBalances="true")
    return {b["asset"]: Decimal(b["free"]) + Decimal(b["locked"]) for b in account["balances"]}


async def test_a_self_trade_shows_both_sides_in_the_account_s_trades(venue: Venue) -> None:
    deposits = {"BTC": "1", "USDT": "100000"}
    trader = await venue.trader("self", **deposits)
    sell = await trader.call("POST", ORDER, **limit("SELL", "0.1", "60000"))
    buy = await trader.call(
        "POST", ORDER, **limit("BUY", "0.1", "60000", selfTradePreventionMode="NONE")
    )
    assert buy["status"] == "FILLED"

    trades = await trader.call("GET", "/api/v3/myTrades", symbol="BTCUSDT")
    assert [(t["id"], t["orderId"], t["isBuyer"], t["isMaker"]) for t in trades] == [
        (1, buy["orderId"], True, False),
        (1, sell["orderId"], False, True),
    ]
    assert [(t["commission"], t["commissionAsset"]) for t in trades] == [
        ("0.00010000", "BTC"),
        ("6.00000000", "USDT"),
    ]
    assert flows(deposits, trades) == await balances(trader)

    of_sell = await trader.call(
        "GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId=sell["orderId"]
    )
    assert [(t["orderId"], t["isBuyer"]) for t in of_sell] == [(sell["orderId"], False)]


async def test_exchange_info_gives_binance_s_self_trade_prevention_modes(venue: Venue) -> None:
    info = (await venue.client.get("/api/v3/exchangeInfo")).json()
    for symbol in info["symbols"]:
        assert symbol["defaultSelfTradePreventionMode"] == "EXPIRE_MAKER"
        assert symbol["allowedSelfTradePreventionModes"] == [
            "NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT", "TRANSFER",
        ]  # fmt: skip


async def test_by_default_a_self_trade_expires_the_resting_order(venue: Venue) -> None:
    trader = await venue.trader("self", BTC="1", USDT="100000")
    sell = await trader.call("POST", ORDER, **limit("SELL", "0.1", "60000"))
    buy = await trader.call("POST", ORDER, **limit("BUY", "0.1", "60000"))
    assert buy["status"] == "NEW"
    assert buy["selfTradePreventionMode"] == "EXPIRE_MAKER"
    assert buy["fills"] == []
    assert buy["preventedMatches"] == [
        {
            "preventedMatchId": 1,
            "makerOrderId": sell["orderId"],
            "price": "60000.00000000",
            "makerPreventedQuantity": "0.10000000",
        }
    ]
    assert "preventedQuantity" not in buy  # the taker lost nothing
    expired = await trader.call("GET", ORDER, symbol="BTCUSDT", orderId=sell["orderId"])
    assert expired["status"] == "EXPIRED_IN_MATCH"
    assert (expired["preventedMatchId"], expired["preventedQuantity"]) == (1, "0.10000000")
    assert await trader.call("GET", "/api/v3/myTrades", symbol="BTCUSDT") == []
    account = await trader.call("GET", "/api/v3/account", omitZeroBalances="true")
    assert {b["asset"]: (b["free"], b["locked"]) for b in account["balances"]} == {
        "BTC": ("1.00000000", "0.00000000"),
        "USDT": ("94000.00000000", "6000.00000000"),  # the buy rests
    }

    record = {
        "symbol": "BTCUSDT",
        "preventedMatchId": 1,
        "takerOrderId": buy["orderId"],
        "makerSymbol": "BTCUSDT",
        "makerOrderId": sell["orderId"],
        "tradeGroupId": -1,
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "price": "60000.00000000",
        "makerPreventedQuantity": "0.10000000",
        "transactTime": buy["transactTime"],
    }
    matches = "/api/v3/myPreventedMatches"
    assert await trader.call("GET", matches, symbol="BTCUSDT", preventedMatchId=1) == [record]
    for order_id in (buy["orderId"], sell["orderId"]):
        assert await trader.call("GET", matches, symbol="BTCUSDT", orderId=order_id) == [record]
    assert (
        await trader.call(
            "GET", matches, symbol="BTCUSDT", orderId=buy["orderId"], fromPreventedMatchId=2
        )
        == []
    )
    stranger = await venue.trader("stranger")
    assert await stranger.call("GET", matches, symbol="BTCUSDT", preventedMatchId=1) == []


async def test_decrement_takes_the_prevented_quantity_from_both_orders(venue: Venue) -> None:
    trader = await venue.trader("self", BTC="1", USDT="100000")
    sell = await trader.call("POST", ORDER, **limit("SELL", "0.3", "60000"))
    buy = await trader.call(
        "POST", ORDER, **limit("BUY", "0.1", "60000", selfTradePreventionMode="DECREMENT")
    )
    assert (buy["status"], buy["preventedQuantity"]) == ("EXPIRED_IN_MATCH", "0.10000000")
    assert buy["preventedMatches"] == [
        {
            "preventedMatchId": 1,
            "makerOrderId": sell["orderId"],
            "price": "60000.00000000",
            "takerPreventedQuantity": "0.10000000",
            "makerPreventedQuantity": "0.10000000",
        }
    ]
    resting = await trader.call("GET", ORDER, symbol="BTCUSDT", orderId=sell["orderId"])
    assert (resting["status"], resting["origQty"], resting["executedQty"]) == (
        "NEW", "0.30000000", "0.00000000",
    )  # fmt: skip
    assert (resting["preventedMatchId"], resting["preventedQuantity"]) == (1, "0.10000000")
    depth = (await venue.client.get("/api/v3/depth?symbol=BTCUSDT")).json()
    assert depth["asks"] == [["60000.00000000", "0.20000000"]]
    account = await trader.call("GET", "/api/v3/account", omitZeroBalances="true")
    assert {b["asset"]: (b["free"], b["locked"]) for b in account["balances"]} == {
        "BTC": ("0.80000000", "0.20000000"),  # the sell holds only what it has left
        "USDT": ("100000.00000000", "0.00000000"),
    }


async def test_prevented_matches_are_asked_for_as_binance_allows(venue: Venue) -> None:
    trader = await venue.trader("self")
    matches = "/api/v3/myPreventedMatches"
    invalid = {"code": -1128, "msg": "Combination of optional parameters invalid."}
    for params in (
        {},
        {"preventedMatchId": 1, "orderId": 1},
        {"preventedMatchId": 1, "fromPreventedMatchId": 1},
        {"fromPreventedMatchId": 1},
    ):
        answer = await trader.request("GET", matches, symbol="BTCUSDT", **params)
        assert (answer.status_code, answer.json()) == (400, invalid), params
    unknown = await trader.request("GET", matches, symbol="XRPUSDT", preventedMatchId=1)
    assert unknown.json()["code"] == -1121
    bad_mode = await trader.request(
        "POST", ORDER, **limit("BUY", "0.1", "60000", selfTradePreventionMode="EXPIRE_ALL")
    )
    assert bad_mode.json()["code"] == -1100
