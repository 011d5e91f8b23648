"""A paused engine (a zombie that still thinks it runs the market) cannot commit once another
engine has taken the market over: its late commit is refused and leaves nothing behind."""

import asyncio

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.system import SystemClock
from application.engine import EngineSettings, MarketEngine
from application.errors import MarketUnavailable
from application.ledger_sync import LedgerSync
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side
from tests.application.engine_kit import GatedCommits

BTC, USDT = 10**8, 10**8
TTL_MS = 300


def engine_of(owner: str, unit_of_work: object, store: MemoryUnitOfWorkFactory) -> MarketEngine:
    exchange = Exchange(demo_markets())
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    return MarketEngine(
        exchange, "BTCUSDT", unit_of_work, LedgerSync(exchange.ledger), relay,  # type: ignore[arg-type]
        SystemClock(), EngineSettings(owner, TTL_MS),
    )  # fmt: skip


def buy(account: int, price: int) -> PlaceOrder:
    return PlaceOrder(account, "BTCUSDT", Side.BUY, OrderType.LIMIT, BTC // 100, price * USDT)


async def test_a_paused_engine_s_late_commit_is_refused() -> None:
    store = MemoryUnitOfWorkFactory()
    async with store() as uow:
        for account in (1, 2):
            entry = transfer_entry(EntryKind.DEPOSIT, account, "USDT", 10_000 * USDT, "t")
            await uow.journal.add(entry, 0)
        await uow.commit()
    stalling = GatedCommits(store)
    zombie, successor = engine_of("zombie", stalling, store), engine_of("successor", store, store)
    await zombie.start()
    assert zombie.serving
    stalling.open.clear()  # the zombie stalls in the middle of its commit
    late = asyncio.ensure_future(zombie.submit(buy(1, 50_000)))
    await asyncio.sleep(TTL_MS * 2 / 1000)
    await successor.start()  # the lease has expired: the market is taken over
    assert successor.serving
    applied = await successor.submit(buy(2, 49_000))
    stalling.open.set()  # the zombie wakes up and commits
    with pytest.raises(MarketUnavailable):
        await late
    assert not zombie.serving
    async with store() as uow:
        assert await uow.orders.of_account(1, "BTCUSDT") == []
        assert (await uow.journal.balances(1))["USDT"].locked == 0
        assert [o.order_id for o in await uow.orders.open("BTCUSDT")] == list(applied.orders)
    await zombie.stop()
    await successor.stop()
