"""Market states through the engine: a status change is a command like any other, sequenced,
committed and published; while a market is halted every command on its orders is refused and
takes no sequence number; and the status survives the engine's restart and a take-over."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.bus import decode_delivery, encode_delivery
from application.engine import MarketEngine
from application.relay import Relay
from domain.commands import AmendOrder, CancelOrder, CancelReplace, SetMarketStatus
from domain.errors import MarketClosed, MarketClosedToChanges
from domain.events import MarketStatusChanged, OrderUpdated
from domain.exchange import Exchange
from domain.market_status import MarketStatus
from domain.orders import OrderStatus
from tests.application.engine_kit import BTC, buy, sell
from tests.application.test_engine import engine_on, fund


@pytest.fixture
async def store() -> MemoryUnitOfWorkFactory:
    store = MemoryUnitOfWorkFactory()
    await fund(store, 1, "BTC", 10 * BTC)
    await fund(store, 2, "USDT", 10**12)
    return store


@pytest.fixture
async def engine(store: MemoryUnitOfWorkFactory) -> AsyncIterator[MarketEngine]:
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = engine_on(Exchange(demo_markets()), store, relay)
    relay.start()
    await engine.start()
    yield engine
    await engine.stop()
    await relay.stop()


def halt(status: MarketStatus = MarketStatus.HALT) -> SetMarketStatus:
    return SetMarketStatus("BTCUSDT", status, "incident", 1_000)


async def test_a_status_change_is_sequenced_recorded_and_published(
    engine: MarketEngine,
) -> None:
    assert isinstance(engine.relay.publisher, MemoryEventPublisher)
    queue = engine.relay.publisher.subscribe()
    await engine.submit(sell(BTC))
    applied = await engine.submit(halt())
    change = MarketStatusChanged("BTCUSDT", MarketStatus.HALT, "incident", 1_000)
    assert (applied.sequence, applied.events) == (2, [change])
    published = [await queue.get() for _ in range(2)]
    assert published[1].sequence == 2  # type: ignore[union-attr]
    assert list(published[1].events) == [change]  # type: ignore[union-attr]
    async with engine.unit_of_work() as uow:
        assert await uow.market_statuses.current() == {"BTCUSDT": change}


@pytest.mark.parametrize("status", [MarketStatus.HALT, MarketStatus.BREAK])
async def test_while_halted_every_command_on_orders_is_refused(
    engine: MarketEngine, status: MarketStatus
) -> None:
    await engine.submit(sell(BTC))
    await engine.submit(halt(status))
    cancel = CancelOrder(1, "BTCUSDT", order_id=1)
    with pytest.raises(MarketClosed):
        await engine.submit(buy(BTC))
    with pytest.raises(MarketClosedToChanges):
        await engine.submit(cancel)
    with pytest.raises(MarketClosedToChanges):
        await engine.submit(AmendOrder(1, "BTCUSDT", BTC // 2, order_id=1))
    with pytest.raises(MarketClosedToChanges):
        await engine.submit(CancelReplace(cancel, sell(BTC)))
    assert len(engine.exchange.state("BTCUSDT").book.orders) == 1
    reopened = await engine.submit(halt(MarketStatus.TRADING))
    assert reopened.sequence == 3  # the refused commands took none


async def test_a_cancel_only_market_takes_cancels_and_amendments(engine: MarketEngine) -> None:
    await engine.submit(sell(BTC))
    await engine.submit(sell(BTC))
    await engine.submit(halt(MarketStatus.CANCEL_ONLY))
    with pytest.raises(MarketClosed):
        await engine.submit(sell(BTC))
    amended = await engine.submit(AmendOrder(1, "BTCUSDT", BTC // 2, order_id=1))
    canceled = await engine.submit(CancelOrder(1, "BTCUSDT", order_id=2))
    assert [e.quantity for e in amended.events if isinstance(e, OrderUpdated)] == [BTC // 2]
    assert [e.status for e in canceled.events if isinstance(e, OrderUpdated)] == [
        OrderStatus.CANCELED
    ]
    async with engine.unit_of_work() as uow:
        order = await uow.orders.get("BTCUSDT", 2)
    assert order is not None
    assert order.status is OrderStatus.CANCELED


async def test_the_status_survives_a_restart_and_a_take_over(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory
) -> None:
    await engine.submit(sell(BTC))
    await engine.submit(halt())
    await engine.stop()
    await engine.start()  # the same process, rebuilt from the store
    assert engine.exchange.state("BTCUSDT").status is MarketStatus.HALT
    await engine.submit(halt(MarketStatus.CANCEL_ONLY))
    await engine.stop()
    successor = engine_on(Exchange(demo_markets()), store, engine.relay, owner="next")
    await successor.start()
    await asyncio.sleep(0.4)  # the lease of the stopped engine expires
    await successor._take_over()
    assert successor.serving
    assert successor.exchange.state("BTCUSDT").status is MarketStatus.CANCEL_ONLY
    with pytest.raises(MarketClosed):
        await successor.submit(buy(BTC))
    assert len(successor.exchange.state("BTCUSDT").book.orders) == 1
    await successor.submit(CancelOrder(1, "BTCUSDT", order_id=1))
    await successor.stop()


def test_a_status_change_travels_the_command_bus() -> None:
    data = encode_delivery("id-1", 5, "replies", halt(MarketStatus.BREAK))
    delivery, command = decode_delivery(data)
    assert (delivery.kind, command) == ("SetMarketStatus", halt(MarketStatus.BREAK))
