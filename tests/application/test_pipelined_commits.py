"""Pipelined group commit: while one batch commits, the engine applies the next and sends its
writes; each batch is answered only after its own commit, in order, and when a commit fails
the batch after it is discarded too."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.system import SystemClock
from application.bus import Applied
from application.engine import EngineSettings, MarketEngine
from application.errors import MarketUnavailable, Unavailable
from application.ledger_sync import LedgerSync
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.errors import InsufficientBalance
from domain.exchange import Exchange
from domain.ledger import Balance, EntryKind, transfer_entry
from domain.orders import OrderType, Side
from entrypoints.settings import Settings
from tests.application.engine_kit import (
    BTC,
    USDT,
    GatedCommits,
    buy,
    check_quarter_filled,
    sell,
)


@pytest.fixture
async def store() -> MemoryUnitOfWorkFactory:
    store = MemoryUnitOfWorkFactory()
    async with store() as uow:
        for account, asset, amount in ((1, "BTC", 10 * BTC), (2, "USDT", 10**6 * USDT)):
            await uow.journal.add(transfer_entry(EntryKind.DEPOSIT, account, asset, amount, "t"), 0)
        await uow.commit()
    return store


@pytest.fixture
def gate(store: MemoryUnitOfWorkFactory) -> GatedCommits:
    return GatedCommits(store)


@pytest.fixture
async def engine(store: MemoryUnitOfWorkFactory, gate: GatedCommits) -> AsyncIterator[MarketEngine]:
    exchange = Exchange(demo_markets())
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    engine = MarketEngine(
        exchange, "BTCUSDT", gate, LedgerSync(exchange.ledger), relay,  # type: ignore[arg-type]
        SystemClock(), EngineSettings("test", 60_000, pipeline=2),
    )  # fmt: skip
    relay.start()
    await engine.start()
    # A first command, refused, has the engine keep its first snapshot before any gate shuts.
    with pytest.raises(InsufficientBalance):
        await engine.submit(
            PlaceOrder(3, "BTCUSDT", Side.SELL, OrderType.LIMIT, BTC, 60_000 * USDT)
        )
    while engine._snapshot is None or not engine._snapshot.done():
        await asyncio.sleep(0.001)
    yield engine
    gate.open.set()
    await engine.stop()
    await relay.stop()


async def two_batches_committing(
    engine: MarketEngine, gate: GatedCommits, first: PlaceOrder, second: PlaceOrder
) -> tuple["asyncio.Future[Applied]", "asyncio.Future[Applied]"]:
    """The first command's batch held at its commit, the second's applied behind it, neither
    answered."""
    gate.open.clear()
    earlier = asyncio.ensure_future(engine.submit(first))
    async with asyncio.timeout(5):
        await gate.held(1)
        later = asyncio.ensure_future(engine.submit(second))
        while engine.sequence < 2:
            await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)
    assert not earlier.done()
    assert not later.done()
    return earlier, later


async def test_the_next_batch_is_applied_while_one_commits_and_answered_after_it(
    engine: MarketEngine, gate: GatedCommits, store: MemoryUnitOfWorkFactory
) -> None:
    earlier, later = await two_batches_committing(engine, gate, sell(BTC), buy(BTC // 4))
    assert engine.depth(10).asks == [(60_000 * USDT, 3 * BTC // 4)]  # applied in memory
    async with store() as uow:
        assert await uow.orders.get("BTCUSDT", 1) is None  # nothing committed yet
    answered: list[int] = []
    earlier.add_done_callback(lambda _: answered.append(1))
    later.add_done_callback(lambda _: answered.append(2))
    gate.open.set()
    placed = [await earlier, await later]
    assert answered == [1, 2]
    assert [applied.sequence for applied in placed] == [1, 2]
    # The later batch's fill of the order the earlier one placed, recorded on top of it.
    await check_quarter_filled(store)


async def test_a_failed_commit_discards_the_batch_after_it_and_the_market_is_rebuilt(
    engine: MarketEngine, gate: GatedCommits, store: MemoryUnitOfWorkFactory
) -> None:
    earlier, later = await two_batches_committing(engine, gate, sell(BTC), buy(BTC // 4))
    gate.failure = Unavailable("the store went away")
    gate.open.set()
    for answer in (earlier, later):
        with pytest.raises(MarketUnavailable):
            await answer
    async with store() as uow:
        assert await uow.orders.open("BTCUSDT") == []
        assert (await uow.journal.balances(2))["USDT"] == Balance(10**6 * USDT, 0)
    while not engine.serving:  # rebuilt from the store: neither batch happened
        await asyncio.sleep(0.01)
    assert engine.depth(10).asks == []
    assert engine.exchange.ledger.balance(1, "BTC") == Balance(10 * BTC, 0)
    assert (await engine.submit(sell(BTC))).sequence == 1


async def test_an_overdraft_refused_at_commit_applies_both_batches_again(
    engine: MarketEngine, gate: GatedCommits, store: MemoryUnitOfWorkFactory
) -> None:
    # Another process spends the seller's bitcoin behind this engine's back.
    async with store() as uow:
        entry = transfer_entry(EntryKind.WITHDRAWAL, 1, "BTC", 10 * BTC, "elsewhere")
        await uow.journal.add(entry, 0)
        await uow.commit()
    earlier, later = await two_batches_committing(engine, gate, sell(BTC), buy(BTC // 4))
    gate.failure = InsufficientBalance("Account has insufficient balance for requested action.")
    gate.open.set()
    with pytest.raises(InsufficientBalance):  # refused for what it is, on the market rebuilt
        await earlier
    bid = await later  # applied again after it: it rests, nothing to fill it
    assert bid.sequence == 1
    assert engine.serving
    assert engine.depth(10).bids == [(60_000 * USDT, BTC // 4)]
    assert engine.depth(10).asks == []


async def test_a_command_sent_again_while_it_commits_is_answered_as_it_is(
    engine: MarketEngine, gate: GatedCommits, store: MemoryUnitOfWorkFactory
) -> None:
    gate.open.clear()
    first = engine.enqueue(sell(BTC), command_id="the-same")
    async with asyncio.timeout(5):
        await gate.held(1)
    again = engine.enqueue(sell(BTC), command_id="the-same")
    other = engine.enqueue(buy(BTC // 4))  # in the batch behind, with the command sent again
    async with asyncio.timeout(5):
        while engine.sequence < 2:
            await asyncio.sleep(0.001)
    assert not again.done()
    gate.open.set()
    assert await again == await first
    assert (await other).sequence == 2
    async with store() as uow:
        assert [order.order_id for order in await uow.orders.of_account(1, "BTCUSDT")] == [1]


def test_the_pipeline_is_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOURSE_ENGINE_PIPELINE", "2")
    assert Settings.from_env("memory").engine_pipeline == 2
    monkeypatch.setenv("BOURSE_ENGINE_PIPELINE", "0")  # no batch could ever commit
    with pytest.raises(ValueError, match="BOURSE_ENGINE_PIPELINE"):
        Settings.from_env("memory")
