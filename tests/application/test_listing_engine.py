"""A change of a market's filters and fees through its engine: `TakeListing` takes effect in
the engine's order of commands (the orders queued before it trade at the old fees, those after
at the new, resting orders included) and takes no sequence number; and an engine rebuilding its
market takes the terms the store lists."""

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.bus import TakeListing
from application.engine import MarketEngine
from application.relay import Relay
from domain.events import Event, Trade
from domain.exchange import Exchange
from tests.application.engine_kit import BTC, buy, sell
from tests.application.test_engine import engine_on, fund


@pytest.fixture
async def store() -> MemoryUnitOfWorkFactory:
    store = MemoryUnitOfWorkFactory()
    await fund(store, 1, "BTC", 10 * BTC)
    await fund(store, 2, "USDT", 10**14)
    return store


@pytest.fixture
async def engine(store: MemoryUnitOfWorkFactory) -> AsyncIterator[MarketEngine]:
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = engine_on(Exchange(demo_markets()), store, relay)
    await engine.start()
    yield engine
    await engine.stop()


async def list_fees(store: MemoryUnitOfWorkFactory, maker_bps: int, taker_bps: int) -> None:
    changed = dataclasses.replace(
        demo_markets()[0], maker_fee_bps=maker_bps, taker_fee_bps=taker_bps
    )
    async with store() as uow:
        await uow.listings.change_market(changed)
        await uow.commit()


def fees(events: Sequence[Event]) -> list[tuple[int, int]]:
    """Each trade's (maker's, taker's) fee: the resting seller's, the incoming buyer's."""
    return [(t.seller_fee, t.buyer_fee) for t in events if isinstance(t, Trade)]


async def test_new_fees_hold_from_their_place_in_the_order_of_commands(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory
) -> None:
    await engine.submit(sell(BTC))
    await list_fees(store, 0, 50)
    # One batch: the buy queued before the change, the change, the buy queued after it.
    before, taken, after = await asyncio.gather(
        engine.submit(buy(BTC // 4)),
        engine.submit(TakeListing("BTCUSDT", 1_000)),
        engine.submit(buy(BTC // 4)),
    )
    quarter_cost = 15_000 * 10**8  # 0.25 BTC at 60000 USDT, in USDT minor units
    assert fees(before.events) == [(quarter_cost * 10 // 10_000, BTC // 4 * 10 // 10_000)]
    # The resting sell pays the maker fee in force when it trades: none.
    assert fees(after.events) == [(0, BTC // 4 * 50 // 10_000)]
    assert (before.sequence, taken.sequence, after.sequence) == (2, 2, 3)
    assert taken.events == []


async def test_a_rebuilt_market_takes_the_terms_the_store_lists(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory
) -> None:
    await list_fees(store, 3, 7)
    await engine.stop()
    await engine.start()
    market = engine.exchange.state("BTCUSDT").market
    assert (market.maker_fee_bps, market.taker_fee_bps) == (3, 7)
