"""A paused engine (a zombie that still thinks it runs the market) cannot commit once another
engine has taken the market over: its late commit is refused and leaves nothing behind."""

import asyncio
from types import TracebackType
from typing import Self

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.unit_of_work import MemoryUnitOfWork, MemoryUnitOfWorkFactory
from adapters.system import SystemClock
from application.engine import EngineSettings, MarketEngine
from application.errors import MarketUnavailable
from application.ledger_sync import LedgerSync
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side

BTC, USDT = 10**8, 10**8
TTL_MS = 300


class PausedCommits:
    """A unit of work whose commits wait while `paused` is clear: a stalled process."""

    def __init__(self, store: MemoryUnitOfWorkFactory) -> None:
        self.store = store
        self.running = asyncio.Event()
        self.running.set()

    def __call__(self) -> "PausedUnitOfWork":
        return PausedUnitOfWork(self.store(), self.running)


class PausedUnitOfWork:
    def __init__(self, uow: MemoryUnitOfWork, running: asyncio.Event) -> None:
        self.uow = uow
        self.running = running

    def __getattr__(self, name: str) -> object:
        return getattr(self.uow, name)

    async def __aenter__(self) -> Self:
        await self.uow.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.uow.__aexit__(exc_type, exc, traceback)

    async def commit(self) -> None:
        await self.running.wait()
        await self.uow.commit()


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
    stalling = PausedCommits(store)
    zombie, successor = engine_of("zombie", stalling, store), engine_of("successor", store, store)
    await zombie.start()
    assert zombie.serving
    stalling.running.clear()  # the zombie stalls in the middle of its commit
    late = asyncio.ensure_future(zombie.submit(buy(1, 50_000)))
    await asyncio.sleep(TTL_MS * 2 / 1000)
    await successor.start()  # the lease has expired: the market is taken over
    assert successor.serving
    applied = await successor.submit(buy(2, 49_000))
    stalling.running.set()  # the zombie wakes up and commits
    with pytest.raises(MarketUnavailable):
        await late
    assert not zombie.serving
    async with store() as uow:
        assert await uow.orders.of_account(1, "BTCUSDT") == []
        assert (await uow.journal.balances(1))["USDT"].locked == 0
        assert [o.order_id for o in await uow.orders.open("BTCUSDT")] == list(applied.orders)
    await zombie.stop()
    await successor.stop()
