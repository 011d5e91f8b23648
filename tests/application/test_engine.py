"""The market engine on the memory adapters: group commit, answers and order of events."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.engine import MarketEngine
from application.errors import MarketUnavailable
from domain.commands import Deposit, PlaceOrder
from domain.errors import InsufficientBalance
from domain.events import Trade
from domain.exchange import Exchange
from domain.orders import OrderStatus, OrderType, Side
from entrypoints.listing import default_markets

BTC, USDT = 10**10, 10**8


@pytest.fixture
async def engine() -> AsyncIterator[MarketEngine]:
    exchange = Exchange(default_markets())
    exchange.deposit(Deposit(1, "BTC", 10 * BTC))
    exchange.deposit(Deposit(2, "USDT", 10**6 * USDT))
    engine = MarketEngine(exchange, "BTCUSDT", MemoryUnitOfWorkFactory(), MemoryEventPublisher())
    engine.start()
    yield engine
    await engine.stop()


def sell(quantity: int) -> PlaceOrder:
    return PlaceOrder(1, "BTCUSDT", Side.SELL, OrderType.LIMIT, quantity, 60_000 * USDT)


def buy(quantity: int) -> PlaceOrder:
    return PlaceOrder(2, "BTCUSDT", Side.BUY, OrderType.LIMIT, quantity, 60_000 * USDT)


async def test_one_batch_may_hold_an_order_and_its_fills(engine: MarketEngine) -> None:
    placed = await asyncio.gather(engine.submit(sell(BTC)), engine.submit(buy(BTC // 4)))
    assert [a.sequence for a in placed] == [1, 2]
    assert any(isinstance(e, Trade) for e in placed[1].events)
    async with engine.unit_of_work() as uow:
        maker = await uow.orders.get("BTCUSDT", 1)
        taker = await uow.orders.get("BTCUSDT", 2)
    assert maker is not None
    assert taker is not None
    assert (maker.status, maker.executed) == (OrderStatus.PARTIALLY_FILLED, BTC // 4)
    assert taker.status is OrderStatus.FILLED


async def test_a_refused_command_takes_no_sequence_number(engine: MarketEngine) -> None:
    with pytest.raises(InsufficientBalance):
        await engine.submit(buy(100 * BTC))
    assert (await engine.submit(sell(BTC))).sequence == 1


async def test_a_caller_that_gives_up_does_not_stop_the_engine(engine: MarketEngine) -> None:
    waiting = asyncio.ensure_future(engine.submit(sell(BTC)))
    await asyncio.sleep(0)
    waiting.cancel()
    assert (await engine.submit(sell(BTC))).sequence == 2
    assert len(engine.exchange.state("BTCUSDT").book.orders) == 2


async def test_events_are_published_after_commit_in_sequence(engine: MarketEngine) -> None:
    assert isinstance(engine.publisher, MemoryEventPublisher)
    queue = engine.publisher.subscribe()
    await asyncio.gather(*(engine.submit(sell(BTC // 10)) for _ in range(5)))
    sequences = [(await queue.get()).sequence for _ in range(5)]  # type: ignore[union-attr]
    assert sequences == [1, 2, 3, 4, 5]


async def test_a_stopped_engine_refuses_at_once(engine: MarketEngine) -> None:
    await engine.stop()
    with pytest.raises(MarketUnavailable):
        await engine.submit(sell(BTC))
