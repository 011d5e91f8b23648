"""A market's view warmed up from its latest book snapshot and the trade stream's events after
it holds the book that every event since the first gives, without reading an order."""

import logging

import pytest

from adapters.memory.book_snapshots import MemoryBookSnapshots
from adapters.memory.demo_listing import demo_markets
from adapters.memory.event_log import MemoryEventLog
from application.account_sequences import AccountCounters
from application.event_log import EventLogWriter
from application.market_view import MarketView
from application.records import OutboxMessage
from application.relay import encode_events
from application.warm_up import SnapshotWarmUp
from domain.commands import Deposit, PlaceOrder
from domain.exchange import Exchange
from domain.orders import OrderType, Side
from tests.clock import SteppedClock

BTC, USDT = 10**8, 10**8
T0 = 1_732_530_000_000


class Market:
    """Orders on BTCUSDT, each command's events relayed to a log and taken by a view."""

    def __init__(self) -> None:
        self.exchange = Exchange(demo_markets())
        self.exchange.deposit(Deposit(1, "BTC", 100 * BTC))
        self.exchange.deposit(Deposit(2, "USDT", 10**8 * USDT))
        self.clock = SteppedClock(T0)
        self.log = MemoryEventLog.of(self.clock, ["trades", "orders"])
        self.writer = EventLogWriter(self.log, Exchange(demo_markets()), "trades", "orders")
        self.view = MarketView("BTCUSDT")
        self.sequence = 0
        self.counters = AccountCounters()
        self.unlogged: list[OutboxMessage] | None = None  # messages kept from the log, if any

    async def trade(self, count: int) -> None:
        for n in range(count):
            self.clock.time += 1_000
            price = (60_000 + n % 7) * USDT
            for account, side, kind in ((1, Side.SELL, OrderType.LIMIT),
                                        (1, Side.SELL, OrderType.LIMIT),
                                        (2, Side.BUY, OrderType.MARKET)):  # fmt: skip
                self.sequence += 1
                order = PlaceOrder(account, "BTCUSDT", side, kind, BTC // 100,
                                   price if kind is OrderType.LIMIT else 0,
                                   timestamp=self.clock.time)  # fmt: skip
                events = self.exchange.place(order)
                self.view.take(self.sequence, events)
                message = OutboxMessage(self.sequence, "BTCUSDT", self.sequence,
                                        encode_events(events),
                                        self.counters.number(events))  # fmt: skip
                if self.unlogged is None:
                    await self.writer.write([message])
                else:
                    self.unlogged.append(message)


async def test_the_view_is_the_snapshot_and_the_book_changes_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    market = Market()
    snapshots = MemoryBookSnapshots()
    warm_up = SnapshotWarmUp(snapshots, market.log, "trades", market.exchange)
    await market.trade(10)
    assert await warm_up.view("BTCUSDT", 0, []) is None  # no snapshot yet
    await snapshots.put(market.view.snapshot(market.clock.now()))
    taken = market.view.sequence
    await market.trade(25)

    with caplog.at_level(logging.INFO, logger="application.warm_up"):
        warm = await warm_up.view("BTCUSDT", 0, [])

    assert warm is not None
    assert warm.snapshot(0) == market.view.snapshot(0)
    assert warm.asks and warm.last_trade_id == market.view.last_trade_id > 10
    assert f"sequence {taken}: 75 commands replayed" in caplog.text
    assert await warm_up.view("BTCUSDT", market.clock.now(), []) is None  # too old a snapshot


async def test_the_messages_still_waiting_for_the_log_make_up_what_it_lacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    market = Market()
    snapshots = MemoryBookSnapshots()
    warm_up = SnapshotWarmUp(snapshots, market.log, "trades", market.exchange)
    await market.trade(10)
    await snapshots.put(market.view.snapshot(market.clock.now()))
    await market.trade(5)
    market.unlogged = []  # the log out of reach: the views go on
    await market.trade(8)
    # The log took a waiting message back meanwhile: found in both, it is taken once.
    await market.writer.write(market.unlogged[:2])

    lacking = await warm_up.view("BTCUSDT", 0, [])
    with caplog.at_level(logging.INFO, logger="application.warm_up"):
        warm = await warm_up.view("BTCUSDT", 0, market.unlogged)

    assert lacking is not None and lacking.sequence < market.view.sequence
    assert warm is not None
    assert warm.snapshot(0) == market.view.snapshot(0)
    assert warm.last_trade_id == market.view.last_trade_id
    # 47 in the log (from a minute before the snapshot), 22 more only in the outbox.
    told = "39 commands replayed from the trade stream and the outbox (47 and 22 found)"
    assert told in caplog.text
