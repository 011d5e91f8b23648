"""Waiting stops survive a restart: the engine that takes the market over rebuilds them from
the store, holds, trail prices and all, and triggers them as the engine that never stopped
would have."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.engine import MarketEngine
from application.relay import Relay
from domain.book import OrderBook
from domain.commands import Deposit, PlaceOco, PlaceOrder, PlaceOto, PlaceOtoco
from domain.events import OrderUpdated
from domain.exchange import Exchange
from domain.orders import ExecutionType, Order, OrderType, Side
from tests.application.test_engine import engine_on, fund

MARKET = next(m for m in demo_markets() if m.symbol == "BTCUSDT")
FUNDS = {1: ("BTC", "10"), 2: ("USDT", "1000000"), 3: ("BTC", "10"), 4: ("USDT", "1000000")}


def order(
    account: int, side: Side, kind: OrderType, quantity: str, price: str = "0", **stop: str
) -> PlaceOrder:
    return PlaceOrder(
        account, "BTCUSDT", side, kind, MARKET.quantity(quantity),
        MARKET.price(price) if price != "0" else 0,
        stop_price=MARKET.price(stop["stop"]) if "stop" in stop else 0,
        trailing_delta=int(stop.get("trailing", "0")),
        iceberg_quantity=MARKET.quantity(stop.get("iceberg", "0")),
        timestamp=int(stop.get("at", "1")),
    )  # fmt: skip


BEFORE = [
    order(1, Side.SELL, OrderType.LIMIT, "1", "60000"),
    order(2, Side.BUY, OrderType.LIMIT, "1", "60000"),  # last price 60,000
    order(1, Side.SELL, OrderType.STOP_LOSS_LIMIT, "0.5", "58000", stop="59000"),
    order(3, Side.SELL, OrderType.STOP_LOSS, "0.5", trailing="100"),  # trails from 60,000
    order(4, Side.BUY, OrderType.STOP_LOSS, "0.2", stop="62000"),  # holds at its cap
    order(1, Side.SELL, OrderType.LIMIT, "0.1", "61000"),
    order(2, Side.BUY, OrderType.LIMIT, "0.1", "61000"),  # the trail moves to 61,000
    order(2, Side.BUY, OrderType.LIMIT, "3", "58000"),
]
AFTER = [
    order(1, Side.SELL, OrderType.LIMIT, "0.4", "62000", at="2"),
    order(2, Side.BUY, OrderType.LIMIT, "0.2", "62000", at="3"),  # triggers 4's buy
    order(1, Side.SELL, OrderType.MARKET, "0.3", at="4"),  # 58,000: triggers 1's and 3's
]


@asynccontextmanager
async def taken_over(
    before: Sequence[PlaceOrder | PlaceOco | PlaceOto | PlaceOtoco],
) -> AsyncIterator[tuple[MarketEngine, Exchange]]:
    """An engine that ran `before` on the memory store, stopped, and its successor serving the
    market rebuilt from the store; and an exchange that ran `before` and never stopped."""
    store = MemoryUnitOfWorkFactory()
    reference = Exchange(demo_markets())
    for account, (asset, amount) in FUNDS.items():
        minor = reference.assets[asset].to_minor(Decimal(amount))
        await fund(store, account, asset, minor)
        reference.execute(Deposit(account, asset, minor))
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    relay.start()
    try:
        engine = engine_on(Exchange(demo_markets()), store, relay)
        await engine.start()
        try:
            for command in before:
                await engine.submit(command)
                reference.execute(command)
        finally:
            await engine.stop()
        successor = engine_on(Exchange(demo_markets()), store, relay, owner="next")
        await successor.start()
        try:
            await asyncio.sleep(0.4)
            await successor._take_over()
            rebuilt, kept = successor.exchange.state("BTCUSDT"), reference.state("BTCUSDT")
            assert rebuilt.stops.orders == kept.stops.orders
            assert rebuilt.pending.orders == kept.pending.orders
            assert rebuilt.lists.lists == kept.lists.lists
            assert rebuilt.last_price == kept.last_price
            for side in Side:
                assert queues(rebuilt.book, side) == queues(kept.book, side)
            yield successor, reference
        finally:
            await successor.stop()
    finally:
        await relay.stop()


def queues(book: OrderBook, side: Side) -> list[list[Order]]:
    return [list(level.orders.values()) for level in book.levels(side)]


async def test_a_market_taken_over_triggers_its_stops_as_if_it_never_stopped() -> None:
    async with taken_over(BEFORE) as (successor, reference):
        rebuilt = successor.exchange.state("BTCUSDT")
        assert len(rebuilt.stops.orders) == 3
        assert rebuilt.stops.orders[4].trail_price == MARKET.price("61000")
        rebuilt.stops.check_invariants(MARKET)
        triggered = []
        for command in AFTER:
            applied = await successor.submit(command)
            assert applied.events == reference.execute(command)
            triggered += [
                e.order_id
                for e in applied.events
                if isinstance(e, OrderUpdated) and e.execution is ExecutionType.NEW
            ]
        assert triggered == [5, 3, 4]
        for account in FUNDS:
            for asset in ("BTC", "USDT"):
                assert successor.exchange.ledger.balance(
                    account, asset
                ) == reference.ledger.balance(account, asset)
        async with successor.unit_of_work() as uow:
            records = await uow.orders.get_many("BTCUSDT", [3, 4, 5])
        assert [records[i].working_time for i in (3, 4, 5)] == [4, 4, 3]


async def test_icebergs_and_triggered_stops_keep_their_place_in_the_queue() -> None:
    before = [
        order(1, Side.SELL, OrderType.LIMIT, "0.1", "60000"),
        order(2, Side.BUY, OrderType.LIMIT, "0.1", "60000"),  # last price 60,000
        order(1, Side.SELL, OrderType.TAKE_PROFIT_LIMIT, "1", "63000", stop="61000"),  # 3
        order(1, Side.SELL, OrderType.LIMIT, "3", "63000", iceberg="1"),  # 4, shows 1
        order(3, Side.SELL, OrderType.LIMIT, "1", "63000"),  # 5
        order(1, Side.SELL, OrderType.LIMIT, "0.1", "61000"),
        order(2, Side.BUY, OrderType.LIMIT, "0.1", "61000"),  # triggers 3: behind 5
        order(2, Side.BUY, OrderType.LIMIT, "1.5", "63000"),  # 4's next part behind 3
        order(3, Side.SELL, OrderType.LIMIT, "1", "63000"),  # 9, last
    ]
    async with taken_over(before) as (successor, reference):
        level = successor.exchange.state("BTCUSDT").book.best(Side.SELL)
        assert level is not None
        assert [(o.order_id, o.visible) for o in level.orders.values()] == [
            (5, MARKET.quantity("0.5")), (3, MARKET.quantity("1")), (4, MARKET.quantity("1")),
            (9, MARKET.quantity("1")),
        ]  # fmt: skip
        sweep = order(2, Side.BUY, OrderType.LIMIT, "4", "63000", at="5")
        assert (await successor.submit(sweep)).events == reference.execute(sweep)
