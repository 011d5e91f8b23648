"""An engine that takes a market over starts from the market's latest snapshot of its open
orders and the orders changed since, and gets the book, the waiting stops, every order's hold
and the next ids that a rebuild from every stored open order gets (and that the engine before
it had); a snapshot that disagrees with the store is passed over."""

import logging
from typing import Any

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from application.engine import SNAPSHOT_EVERY_MS, EngineSettings, MarketEngine
from application.ledger_sync import LedgerSync
from application.ports import UnitOfWorkFactory
from application.rebuild import rebuild_market, snapshot_of
from application.relay import Relay
from domain.commands import CancelOrder, PlaceOrder
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side
from tests.clock import SteppedClock

BTC, USDT = 10**8, 10**8
SELLER, BUYER = 1, 2
T0 = 1_732_530_000_000


def orders_of(exchange: Exchange) -> dict[str, Any]:
    """What a market's engine holds: each level's orders in their queue, with every field
    (holds included), the waiting stops, the last ids."""
    state = exchange.state("BTCUSDT")
    return {
        "book": {
            side: [(level.price, list(level.orders.values())) for level in state.book.levels(side)]
            for side in Side
        },
        "stops": sorted(state.stops.orders.values(), key=lambda order: order.order_id),
        "ids": (state.last_order_id, state.last_trade_id, state.last_prevented_match_id),
        "balances": sorted(
            (account, asset, balance.available, balance.locked)
            for account, asset, balance in exchange.ledger.balances()
        ),
    }


async def rebuilt(store: UnitOfWorkFactory) -> Exchange:
    exchange = Exchange(demo_markets())
    await LedgerSync(exchange.ledger).reload(store)
    await rebuild_market(exchange, "BTCUSDT", store, T0)
    return exchange


async def trade(engine: MarketEngine, clock: SteppedClock, round: int) -> None:
    """Orders resting on both sides, a buy taking part of the asks, a cancel, a stop waiting,
    an iceberg resting."""
    ids = []
    for n in range(4):
        clock.time += 1
        price = (60_000 + 10 * round + n) * USDT
        for account, side, at in ((SELLER, Side.SELL, price + 500 * USDT),
                                  (BUYER, Side.BUY, price - 500 * USDT)):  # fmt: skip
            placed = await engine.submit(
                PlaceOrder(
                    account, "BTCUSDT", side, OrderType.LIMIT, BTC // 100, at, timestamp=clock.time
                )
            )
            ids.append(next(iter(placed.orders)))
    await engine.submit(
        PlaceOrder(BUYER, "BTCUSDT", Side.BUY, OrderType.MARKET, BTC // 80, timestamp=clock.time)
    )
    await engine.submit(CancelOrder(BUYER, "BTCUSDT", ids[1], timestamp=clock.time))
    await engine.submit(
        PlaceOrder(
            SELLER,
            "BTCUSDT",
            Side.SELL,
            OrderType.STOP_LOSS_LIMIT,
            BTC // 100,
            50_000 * USDT,
            stop_price=51_000 * USDT,
            timestamp=clock.time,
        )
    )
    await engine.submit(
        PlaceOrder(
            SELLER,
            "BTCUSDT",
            Side.SELL,
            OrderType.LIMIT,
            BTC // 10,
            70_000 * USDT,
            iceberg_quantity=BTC // 100,
            timestamp=clock.time,
        )
    )


@pytest.fixture
async def traded(unit_of_work: UnitOfWorkFactory) -> tuple[Exchange, int, int]:
    """A market traded a while, with a snapshot of its open orders kept midway; the engine's
    exchange, the sequence of the snapshot and the last one."""
    async with unit_of_work() as uow:
        for account, asset in ((SELLER, "BTC"), (BUYER, "USDT")):
            entry = transfer_entry(EntryKind.DEPOSIT, account, asset, 10**6 * BTC, asset)
            await uow.journal.add(entry, 0)
        await uow.commit()
    exchange, clock = Exchange(demo_markets()), SteppedClock(T0)
    relay = Relay(unit_of_work, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = MarketEngine(exchange, "BTCUSDT", unit_of_work, LedgerSync(exchange.ledger), relay,
                          clock, EngineSettings("first", 60_000))  # fmt: skip
    await engine.start()
    try:
        await trade(engine, clock, 0)
        clock.time += SNAPSHOT_EVERY_MS
        await trade(engine, clock, 1)  # its first batch keeps a snapshot
        async with unit_of_work() as uow:
            snapshot = await uow.orders.snapshot("BTCUSDT")
        await trade(engine, clock, 2)
    finally:
        await engine.stop()
    assert snapshot is not None and 0 < snapshot.sequence < engine.sequence
    return exchange, snapshot.sequence, engine.sequence


async def test_a_rebuild_from_the_snapshot_is_a_rebuild_from_every_open_order(
    unit_of_work: UnitOfWorkFactory,
    traded: tuple[Exchange, int, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    running, taken, last = traded
    with caplog.at_level(logging.INFO, logger="application.rebuild"):
        from_snapshot = await rebuilt(unit_of_work)
    told = f"rebuilt from its open orders at sequence {taken}: {last - taken} commands after it"
    assert told in caplog.text
    no_orders = Exchange(demo_markets())
    for wrong in (last, last + 1):  # too few orders for the store; never committed
        async with unit_of_work() as uow:
            await uow.orders.keep_snapshot(snapshot_of(no_orders, "BTCUSDT", wrong, 0))
            await uow.commit()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="application.rebuild"):
            from_orders = await rebuilt(unit_of_work)
        assert f"open orders at sequence {wrong} disagrees with the store" in caplog.text
        assert orders_of(from_orders) == orders_of(running)

    assert orders_of(from_snapshot) == orders_of(running)
    assert orders_of(running)["stops"] and orders_of(running)["book"][Side.SELL]
