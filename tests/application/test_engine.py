"""The market engine on the memory adapters: group commit, answers and order of events."""

import asyncio
from collections.abc import AsyncIterator, Collection

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.history import MemoryOrders
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.system import SystemClock
from application.engine import EngineSettings, MarketEngine
from application.errors import MarketUnavailable
from application.ledger_sync import LedgerSync
from application.records import OrderRecord
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.errors import InsufficientBalance
from domain.events import PreventedMatch, Trade
from domain.exchange import Exchange
from domain.ledger import Balance, EntryKind, transfer_entry
from domain.orders import OrderStatus, OrderType, SelfTradePrevention, Side
from tests.application.engine_kit import BTC, USDT, buy, check_quarter_filled, sell

Records = dict[int, OrderRecord]


def engine_on(
    exchange: Exchange, store: MemoryUnitOfWorkFactory, relay: Relay, owner: str = "test"
) -> MarketEngine:
    sync = LedgerSync(exchange.ledger)
    return MarketEngine(
        exchange, "BTCUSDT", store, sync, relay, SystemClock(), EngineSettings(owner, 300)
    )


async def fund(store: MemoryUnitOfWorkFactory, account: int, asset: str, amount: int) -> None:
    async with store() as uow:
        await uow.journal.add(transfer_entry(EntryKind.DEPOSIT, account, asset, amount, "t"), 0)
        await uow.commit()


@pytest.fixture
async def store() -> MemoryUnitOfWorkFactory:
    store = MemoryUnitOfWorkFactory()
    await fund(store, 1, "BTC", 10 * BTC)
    await fund(store, 2, "USDT", 10**6 * USDT)
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


async def test_one_batch_may_hold_an_order_and_its_fills(engine: MarketEngine) -> None:
    placed = await asyncio.gather(engine.submit(sell(BTC)), engine.submit(buy(BTC // 4)))
    assert [a.sequence for a in placed] == [1, 2]
    assert any(isinstance(e, Trade) for e in placed[1].events)
    await check_quarter_filled(engine.unit_of_work)


async def test_an_order_the_engine_committed_is_changed_from_its_record_of_it(
    engine: MarketEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[set[int]] = []
    get_many = MemoryOrders.get_many

    async def reading(orders: MemoryOrders, symbol: str, ids: Collection[int]) -> Records:
        read.append(set(ids))
        return await get_many(orders, symbol, ids)

    monkeypatch.setattr(MemoryOrders, "get_many", reading)
    await engine.submit(sell(BTC))
    await engine.submit(buy(BTC // 8))  # fills an eighth of order 1, known since it was placed
    assert read == []
    # A restart forgets what the engine knew: the order is read from the store once.
    await engine.stop()
    await engine.start()
    await engine.submit(buy(BTC // 8))
    await engine.submit(buy(BTC // 8))
    assert read == [{1}]
    async with engine.unit_of_work() as uow:
        maker = await uow.orders.get("BTCUSDT", 1)
    assert maker is not None
    assert (maker.status, maker.executed) == (OrderStatus.PARTIALLY_FILLED, 3 * BTC // 8)


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
    assert isinstance(engine.relay.publisher, MemoryEventPublisher)
    queue = engine.relay.publisher.subscribe()
    await asyncio.gather(*(engine.submit(sell(BTC // 10)) for _ in range(5)))
    sequences = [(await queue.get()).sequence for _ in range(5)]  # type: ignore[union-attr]
    assert sequences == [1, 2, 3, 4, 5]


async def test_a_stopped_engine_refuses_at_once(engine: MarketEngine) -> None:
    await engine.stop()
    with pytest.raises(MarketUnavailable):
        await engine.submit(sell(BTC))


async def test_a_restarted_engine_rebuilds_its_book_ids_and_sequence(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory
) -> None:
    await engine.submit(sell(BTC))
    await engine.submit(buy(BTC // 4))
    await engine.submit(sell(BTC // 2))
    before = engine.depth(10)
    await engine.stop()
    # Another process, sharing only the store, takes the market over once the lease expires.
    successor = engine_on(Exchange(demo_markets()), store, engine.relay, owner="next")
    await successor.start()
    assert not successor.serving
    await asyncio.sleep(0.4)
    await successor._take_over()
    assert successor.serving
    assert successor.depth(10) == before
    assert successor.exchange.ledger.balance(2, "USDT") == engine.exchange.ledger.balance(2, "USDT")
    assert (await successor.submit(sell(BTC // 10))).sequence == 4
    await successor.stop()


async def test_an_overdraft_the_store_refuses_is_refused_on_the_market_rebuilt(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory
) -> None:
    await engine.submit(sell(BTC))
    # Another process spends the seller's last bitcoin behind this engine's back.
    async with store() as uow:
        entry = transfer_entry(EntryKind.WITHDRAWAL, 1, "BTC", 9 * BTC, "elsewhere")
        await uow.journal.add(entry, 0)
        await uow.commit()
    engine.exchange.ledger.replace([(1, "BTC", Balance(available=9 * BTC, locked=BTC))])
    engine.sync.applied([1])  # as if a batch of another market had the account in flight
    # The store refuses the batch; applied again on balances read from the store, the order
    # is refused for what it is, and the market goes on.
    with pytest.raises(InsufficientBalance):
        await engine.submit(sell(BTC))
    engine.sync.settled([1])
    assert engine.serving
    assert engine.exchange.ledger.balance(1, "BTC") == Balance(available=0, locked=BTC)
    assert engine.depth(10).asks == [(60_000 * USDT, BTC)]
    assert (await engine.submit(buy(BTC // 2))).sequence == 2


async def test_a_restarted_engine_keeps_what_self_trade_prevention_took(
    store: MemoryUnitOfWorkFactory,
) -> None:
    await fund(store, 2, "BTC", BTC)
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = engine_on(Exchange(demo_markets()), store, relay)
    relay.start()
    await engine.start()
    await engine.submit(buy(BTC))
    decrement = PlaceOrder(
        2, "BTCUSDT", Side.SELL, OrderType.LIMIT, BTC // 4, 60_000 * USDT,
        stp=SelfTradePrevention.DECREMENT,
    )  # fmt: skip
    await engine.submit(decrement)
    before = engine.depth(10)
    assert before.bids == [(60_000 * USDT, 3 * BTC // 4)]
    await engine.stop()
    successor = engine_on(Exchange(demo_markets()), store, relay, owner="next")
    await successor.start()
    await asyncio.sleep(0.4)
    await successor._take_over()
    assert successor.depth(10) == before
    # The bid holds what is left of it, and nothing for the quarter prevented.
    assert successor.exchange.ledger.balance(2, "USDT") == Balance(
        available=(10**6 - 45_000) * USDT, locked=45_000 * USDT
    )
    again = await successor.submit(decrement)
    matches = [e for e in again.events if isinstance(e, PreventedMatch)]
    assert [m.prevented_match_id for m in matches] == [2]
    await successor.stop()
    await relay.stop()
