"""The user data feed: what each account is told, payload by payload, as Binance words it."""

from typing import Any

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.publisher import Published
from domain.commands import AmendOrder, CancelOrder, Command, Deposit, PlaceOrder, Withdraw
from domain.exchange import Exchange
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce
from entrypoints.streams.user_data import UserDataFeed

BTC, USDT = 10**8, 10**8
NOW = 1_700_000_000_000
SELLER, BUYER = 1, 2
Json = dict[str, Any]


class Venue:
    """An exchange and its feed, run as the engine would: one sequence number per command."""

    def __init__(self) -> None:
        self.exchange = Exchange(demo_markets())
        self.feed = UserDataFeed(self.exchange)
        self.sequence = 0
        self.exchange.deposit(Deposit(SELLER, "BTC", 2 * BTC))
        self.exchange.deposit(Deposit(BUYER, "USDT", 100_000 * USDT))

    async def run(self, command: Command) -> list[tuple[int, Json]]:
        events = self.exchange.execute(command)
        self.sequence += 1
        symbol = "" if isinstance(command, Deposit | Withdraw) else "BTCUSDT"
        return await self.feed.messages([Published(symbol, self.sequence, tuple(events))], NOW)


def limit(
    account_id: int,
    side: Side,
    quantity: int,
    price: int,
    timestamp: int,
    client_order_id: str,
    tif: TimeInForce = TimeInForce.GTC,
    stp: SelfTradePrevention = SelfTradePrevention.NONE,
) -> PlaceOrder:
    return PlaceOrder(
        account_id, "BTCUSDT", side, OrderType.LIMIT, quantity, price, time_in_force=tif,
        client_order_id=client_order_id, stp=stp, timestamp=timestamp,
    )  # fmt: skip


def resting_sell(timestamp: int = 1000) -> PlaceOrder:
    return limit(SELLER, Side.SELL, BTC // 2, 60_000 * USDT, timestamp, "ask-1")


def report(**changes: Any) -> Json:
    """The NEW report of `resting_sell()`, with `changes`."""
    return {
        "e": "executionReport", "E": NOW, "s": "BTCUSDT", "c": "ask-1", "S": "SELL",
        "o": "LIMIT", "f": "GTC", "q": "0.50000000", "p": "60000.00000000",
        "P": "0.00000000", "F": "0.00000000", "g": -1, "C": "", "x": "NEW", "X": "NEW",
        "r": "NONE", "i": 1, "l": "0.00000000", "z": "0.00000000", "L": "0.00000000",
        "n": "0", "N": None, "T": 1000, "t": -1, "I": 1, "w": True, "m": False, "M": False,
        "O": 1000, "Z": "0.00000000", "Y": "0.00000000", "Q": "0.00000000", "W": 1000,
        "V": "NONE",
    } | changes  # fmt: skip


def position(time: int, *balances: tuple[str, str, str]) -> Json:
    return {
        "e": "outboundAccountPosition",
        "E": NOW,
        "u": time,
        "B": [{"a": asset, "f": free, "l": locked} for asset, free, locked in balances],
    }


@pytest.fixture
def venue() -> Venue:
    return Venue()


async def test_a_resting_order_is_new_and_its_hold_changes_the_position(venue: Venue) -> None:
    assert await venue.run(resting_sell()) == [
        (SELLER, report()),
        (SELLER, position(1000, ("BTC", "1.50000000", "0.50000000"))),
    ]


async def test_a_fill_is_a_trade_for_maker_and_taker_with_their_commissions(venue: Venue) -> None:
    await venue.run(resting_sell())
    messages = await venue.run(limit(BUYER, Side.BUY, BTC // 5, 61_000 * USDT, 2000, "bid-1"))
    fill = {
        "x": "TRADE", "l": "0.20000000", "z": "0.20000000", "L": "60000.00000000",
        "T": 2000, "t": 1, "I": 2, "Z": "12000.00000000", "Y": "12000.00000000",
    }  # fmt: skip
    taker = {"c": "bid-1", "S": "BUY", "p": "61000.00000000", "q": "0.20000000", "i": 2,
             "O": 2000, "W": 2000}  # fmt: skip
    assert messages == [
        (BUYER, report(**taker, T=2000, I=2)),
        (SELLER, report(**fill, X="PARTIALLY_FILLED", n="12.00000000", N="USDT", m=True)),
        (BUYER, report(**taker, **fill, X="FILLED", n="0.00020000", N="BTC", w=False)),
        # The buyer paid 12,000 USDT and got 0.2 BTC less its fee, which no trader is told of.
        (BUYER, position(2000, ("USDT", "88000.00000000", "0.00000000"),
                         ("BTC", "0.19980000", "0.00000000"))),
        (SELLER, position(2000, ("USDT", "11988.00000000", "0.00000000"),
                          ("BTC", "1.50000000", "0.30000000"))),
    ]  # fmt: skip


async def test_a_cancel_names_the_canceled_order(venue: Venue) -> None:
    await venue.run(resting_sell())
    messages = await venue.run(CancelOrder(SELLER, "BTCUSDT", order_id=1, timestamp=3000))
    assert messages == [
        (SELLER, report(x="CANCELED", X="CANCELED", C="ask-1", T=3000, I=2, w=False)),
        (SELLER, position(3000, ("BTC", "2.00000000", "0.00000000"))),
    ]


async def test_an_amend_is_a_replacement_with_the_new_quantity(venue: Venue) -> None:
    await venue.run(resting_sell())
    messages = await venue.run(AmendOrder(SELLER, "BTCUSDT", BTC // 4, order_id=1, timestamp=3000))
    assert messages == [
        (SELLER, report(x="REPLACED", q="0.25000000", T=3000, I=2)),
        (SELLER, position(3000, ("BTC", "1.75000000", "0.25000000"))),
    ]


async def test_what_an_ioc_order_cannot_fill_expires(venue: Venue) -> None:
    await venue.run(resting_sell())
    messages = await venue.run(
        limit(BUYER, Side.BUY, BTC, 60_000 * USDT, 2000, "ioc", TimeInForce.IOC)
    )
    ioc = {"c": "ioc", "S": "BUY", "f": "IOC", "q": "1.00000000", "i": 2, "O": 2000,
           "T": 2000, "I": 2, "w": False}  # fmt: skip
    fill = {"x": "TRADE", "l": "0.50000000", "z": "0.50000000", "L": "60000.00000000",
            "t": 1, "Z": "30000.00000000", "Y": "30000.00000000"}  # fmt: skip
    assert messages == [
        (BUYER, never_resting(report(**ioc))),
        (SELLER, report(**fill, X="FILLED", T=2000, I=2, w=False, n="30.00000000", N="USDT",
                        m=True)),
        (BUYER, never_resting(report(**ioc, **fill, X="PARTIALLY_FILLED", n="0.00050000",
                                     N="BTC"))),
        (BUYER, never_resting(report(**ioc, x="EXPIRED", X="EXPIRED", z="0.50000000",
                                     Z="30000.00000000", eR="UNFILLED_IOC_QUANTITY_EXPIRED"))),
        (BUYER, position(2000, ("USDT", "70000.00000000", "0.00000000"),
                         ("BTC", "0.49950000", "0.00000000"))),
        (SELLER, position(2000, ("USDT", "29970.00000000", "0.00000000"),
                          ("BTC", "1.50000000", "0.00000000"))),
    ]  # fmt: skip


async def test_self_trade_prevention_expires_both_orders_in_the_match(venue: Venue) -> None:
    venue.exchange.deposit(Deposit(SELLER, "USDT", 10_000 * USDT))
    bid = limit(SELLER, Side.BUY, BTC // 10, 50_000 * USDT, 1000, "bid")
    ask = limit(SELLER, Side.SELL, BTC // 20, 50_000 * USDT, 2000, "ask",
                stp=SelfTradePrevention.EXPIRE_BOTH)  # fmt: skip
    await venue.run(bid)
    messages = await venue.run(ask)
    bid_report = {"c": "bid", "S": "BUY", "q": "0.10000000", "p": "50000.00000000"}
    ask_report = {"c": "ask", "q": "0.05000000", "p": "50000.00000000", "i": 2, "O": 2000,
                  "W": 2000, "V": "EXPIRE_BOTH"}  # fmt: skip
    expired = {"x": "TRADE_PREVENTION", "X": "EXPIRED_IN_MATCH", "T": 2000, "I": 2, "w": False}
    # The match prevented: 0.05 BTC (all the ask had) at the bid's price; each order lost all
    # it had left to it.
    prevented = {"v": 1, "u": -1, "Cs": "BTCUSDT", "pl": "0.05000000", "pL": "50000.00000000",
                 "pY": "2500.00000000"}  # fmt: skip
    assert messages == [
        (SELLER, report(**ask_report, T=2000, I=2)),
        (SELLER, report(**bid_report, **expired, **prevented, A="0.10000000", B="0.10000000",
                        U=2)),
        (SELLER, report(**ask_report, **expired, **prevented, A="0.05000000", B="0.05000000",
                        U=1)),
        (SELLER, position(2000, ("BTC", "2.00000000", "0.00000000"),
                          ("USDT", "10000.00000000", "0.00000000"))),
    ]  # fmt: skip


async def test_deposits_and_withdrawals_are_balance_updates(venue: Venue) -> None:
    assert await venue.run(Withdraw(BUYER, "USDT", 250 * USDT)) == [
        (BUYER, {"e": "balanceUpdate", "E": NOW, "a": "USDT", "d": "-250.00000000", "T": NOW}),
        (BUYER, position(NOW, ("USDT", "99750.00000000", "0.00000000"))),
    ]
    assert await venue.run(Deposit(SELLER, "ETH", 3 * 10**8)) == [
        (SELLER, {"e": "balanceUpdate", "E": NOW, "a": "ETH", "d": "3.00000000", "T": NOW}),
        (SELLER, position(NOW, ("ETH", "3.00000000", "0.00000000"))),
    ]


async def test_orders_resting_before_the_feed_started_are_known_from_the_book() -> None:
    venue = Venue()
    await venue.run(resting_sell())
    venue.feed = UserDataFeed(venue.exchange)
    messages = await venue.run(CancelOrder(SELLER, "BTCUSDT", order_id=1, timestamp=3000))
    assert messages[0] == (
        SELLER,
        report(x="CANCELED", X="CANCELED", C="ask-1", T=3000, I=2, w=False),
    )


async def test_an_order_is_forgotten_once_it_is_done(venue: Venue) -> None:
    await venue.run(resting_sell())
    await venue.run(limit(BUYER, Side.BUY, BTC // 2, 60_000 * USDT, 2000, "bid-1"))
    assert venue.feed._orders == {}


async def test_only_followed_accounts_are_told_and_an_order_placed_unfollowed_is_known() -> None:
    venue, followed = Venue(), {BUYER}
    venue.feed = UserDataFeed(venue.exchange, followed=followed.__contains__)
    assert await venue.run(resting_sell()) == []
    assert venue.feed._orders.keys() == {("BTCUSDT", 1)}
    followed.add(SELLER)
    fill = {
        "x": "TRADE", "l": "0.20000000", "z": "0.20000000", "L": "60000.00000000",
        "T": 2000, "t": 1, "I": 2, "Z": "12000.00000000", "Y": "12000.00000000",
    }  # fmt: skip
    followed.remove(BUYER)
    messages = await venue.run(limit(BUYER, Side.BUY, BTC // 5, 61_000 * USDT, 2000, "bid-1"))
    assert messages == [
        (SELLER, report(**fill, X="PARTIALLY_FILLED", n="12.00000000", N="USDT", m=True)),
        (SELLER, position(2000, ("USDT", "11988.00000000", "0.00000000"),
                          ("BTC", "1.50000000", "0.30000000"))),
    ]  # fmt: skip
    assert await venue.run(Deposit(BUYER, "ETH", 3 * 10**8)) == []


def never_resting(payload: Json) -> Json:
    """Binance gives a working time only to an order that can rest on the book."""
    return {name: value for name, value in payload.items() if name != "W"}


async def test_a_stop_is_reported_waiting_then_working_once_triggered() -> None:
    venue = Venue()
    stop = PlaceOrder(
        SELLER, "BTCUSDT", Side.SELL, OrderType.STOP_LOSS_LIMIT, BTC // 2, 59_000 * USDT,
        client_order_id="ask-1", timestamp=1000, stop_price=59_500 * USDT, trailing_delta=100,
    )  # fmt: skip
    messages = await venue.run(stop)
    placed = [payload for _, payload in messages if payload["e"] == "executionReport"]
    waiting = {"o": "STOP_LOSS_LIMIT", "p": "59000.00000000", "P": "59500.00000000", "d": 100}
    expected = report(w=False, V="EXPIRE_MAKER", **waiting)
    del expected["W"]  # a waiting stop is not on the book
    assert placed == [expected]
    await venue.run(limit(SELLER, Side.SELL, BTC // 10, 59_500 * USDT, 2000, "ask-2"))
    messages = await venue.run(limit(BUYER, Side.BUY, BTC // 10, 59_500 * USDT, 3000, "bid-1"))
    reports = [p for account, p in messages if account == SELLER and p["e"] == "executionReport"]
    assert reports[0]["i"] == 2 and reports[0]["x"] == "TRADE"
    # 59,500 reaches the stop price: tracking starts, and nothing triggers yet.
    assert len(reports) == 1
    await venue.run(limit(SELLER, Side.SELL, BTC // 10, 58_900 * USDT, 4000, "ask-3"))
    messages = await venue.run(limit(BUYER, Side.BUY, BTC // 10, 58_900 * USDT, 5000, "bid-2"))
    triggered = [p for _, p in messages if p["e"] == "executionReport" and p["i"] == 1]
    assert [(p["x"], p["X"], p["w"], p["W"], p["T"]) for p in triggered] == [
        ("NEW", "NEW", True, 5000, 5000)
    ]


async def test_a_stop_waiting_before_the_feed_started_is_known_from_the_stops() -> None:
    venue = Venue()
    await venue.run(
        PlaceOrder(
            SELLER, "BTCUSDT", Side.SELL, OrderType.STOP_LOSS_LIMIT, BTC // 2, 59_000 * USDT,
            client_order_id="ask-1", timestamp=1000, stop_price=59_500 * USDT,
        )
    )  # fmt: skip
    venue.feed = UserDataFeed(venue.exchange)
    messages = await venue.run(CancelOrder(SELLER, "BTCUSDT", order_id=1, timestamp=3000))
    canceled = [p for _, p in messages if p["e"] == "executionReport"]
    assert [(p["C"], p["x"], p["o"], p["P"]) for p in canceled] == [
        ("ask-1", "CANCELED", "STOP_LOSS_LIMIT", "59500.00000000")
    ]
