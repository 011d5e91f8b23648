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
        ("0.0001000000", "BTC"),
        ("6.00000000", "USDT"),
    ]
    assert flows(deposits, trades) == await balances(trader)

    of_sell = await trader.call(
        "GET", "/api/v3/myTrades", symbol="BTCUSDT", orderId=sell["orderId"]
    )
    assert [(t["orderId"], t["isBuyer"]) for t in of_sell] == [(sell["orderId"], False)]
