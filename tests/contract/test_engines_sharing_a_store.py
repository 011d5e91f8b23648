"""Two processes on one store, each with its own exchange in memory: one market has one engine
at a time, an account's balance cannot be spent twice by engines of different markets, and a
deposit sent to both under one reference is made once."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from decimal import Decimal

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.system import SystemClock
from application.engine import EngineSettings, MarketEngine
from application.errors import MarketUnavailable
from application.funds import Funds
from application.ledger_sync import LedgerSync
from application.ports import UnitOfWorkFactory
from application.relay import Relay
from domain.commands import PlaceOrder
from domain.errors import InsufficientBalance
from domain.exchange import Exchange
from domain.ledger import Balance, EntryKind, transfer_entry
from domain.orders import OrderType, Side

BTC, USDT, ETH = 10**8, 10**8, 10**8
BUYER = 7


class Process:
    """What one `bourse serve` holds: its exchange in memory, its engines, its relay."""

    def __init__(self, name: str, unit_of_work: UnitOfWorkFactory) -> None:
        self.exchange = Exchange(demo_markets())
        sync = LedgerSync(self.exchange.ledger)
        self.relay = Relay(unit_of_work, MemoryEventPublisher(), MemoryOutboxSignal())
        self.funds = Funds(self.exchange, unit_of_work, sync, self.relay, SystemClock(), False)
        settings = EngineSettings(name, lease_ttl_ms=60_000)
        self.engines = {
            symbol: MarketEngine(
                self.exchange, symbol, unit_of_work, sync, self.relay, SystemClock(), settings
            )
            for symbol in self.exchange.markets
        }

    async def start(self, *symbols: str) -> None:
        for symbol in symbols:
            await self.engines[symbol].start()

    async def stop(self) -> None:
        for engine in self.engines.values():
            await engine.stop()


@pytest.fixture
async def processes(unit_of_work: UnitOfWorkFactory) -> AsyncIterator[tuple[Process, Process]]:
    async with unit_of_work() as uow:
        entry = transfer_entry(EntryKind.DEPOSIT, BUYER, "USDT", 1000 * USDT, "funding")
        await uow.journal.add(entry, 0)
        await uow.commit()
    first, second = Process("first", unit_of_work), Process("second", unit_of_work)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(first.stop)
        stack.push_async_callback(second.stop)
        yield first, second


async def test_a_market_runs_in_one_process_only(processes: tuple[Process, Process]) -> None:
    first, second = processes
    await first.start("BTCUSDT")
    await second.start("BTCUSDT", "ETHUSDT")
    assert first.engines["BTCUSDT"].serving
    assert not second.engines["BTCUSDT"].serving
    assert second.engines["ETHUSDT"].serving
    with pytest.raises(MarketUnavailable):
        await second.engines["BTCUSDT"].submit(buy("BTCUSDT", BTC // 100, 60_000))


def buy(symbol: str, quantity: int, price: int) -> PlaceOrder:
    return PlaceOrder(BUYER, symbol, Side.BUY, OrderType.LIMIT, quantity, price * USDT)


async def test_one_balance_is_not_spent_twice_across_processes(
    processes: tuple[Process, Process], unit_of_work: UnitOfWorkFactory
) -> None:
    first, second = processes
    await first.start("BTCUSDT")
    await second.start("ETHUSDT")
    # Each order holds 800 of the buyer's 1000 USDT, each in a process of its own.
    outcomes = await asyncio.gather(
        first.engines["BTCUSDT"].submit(buy("BTCUSDT", BTC // 100, 80_000)),
        second.engines["ETHUSDT"].submit(buy("ETHUSDT", ETH // 2, 1_600)),
        return_exceptions=True,
    )
    accepted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(accepted) == 1
    assert isinstance(refused[0], InsufficientBalance | MarketUnavailable)
    async with unit_of_work() as uow:
        balances = await uow.journal.balances(BUYER)
    assert balances["USDT"] == Balance(available=200 * USDT, locked=800 * USDT)


async def test_a_credit_made_by_another_process_is_found_when_needed(
    processes: tuple[Process, Process], unit_of_work: UnitOfWorkFactory
) -> None:
    first, _ = processes
    await first.start("BTCUSDT")
    # Another process deposits: this one's ledger in memory does not know of it yet.
    async with unit_of_work() as uow:
        entry = transfer_entry(EntryKind.DEPOSIT, BUYER, "USDT", 5000 * USDT, "elsewhere")
        await uow.journal.add(entry, 0)
        await uow.commit()
    applied = await first.engines["BTCUSDT"].submit(buy("BTCUSDT", BTC // 10, 50_000))
    assert applied.sequence == 1
    assert first.exchange.ledger.balance(BUYER, "USDT") == Balance(
        available=1000 * USDT, locked=5000 * USDT
    )


async def test_a_deposit_sent_to_two_processes_at_once_is_made_once(
    processes: tuple[Process, Process], unit_of_work: UnitOfWorkFactory
) -> None:
    first, second = processes
    async with unit_of_work() as uow:
        user = await uow.users.add("ada@example.com", "hash", 0)
        await uow.commit()
    await asyncio.gather(
        *(
            process.funds.deposit(user.user_id, "BTC", Decimal("1.5"), "bank-42")
            for process in (first, second, second)
        )
    )
    async with unit_of_work() as uow:
        balances = await uow.journal.balances(user.user_id)
        lines = await uow.journal.statement(user.user_id, None, None, None)
    assert balances == {"BTC": Balance(available=15 * BTC // 10, locked=0)}
    assert [line.reference for line in lines] == ["bank-42"]


async def test_an_overspending_account_fails_alone_and_the_batch_goes_through(
    processes: tuple[Process, Process], unit_of_work: UnitOfWorkFactory
) -> None:
    first, second = processes
    others = list(range(100, 110))
    async with unit_of_work() as uow:
        for account in others:
            entry = transfer_entry(EntryKind.DEPOSIT, account, "USDT", 1000 * USDT, "funding")
            await uow.journal.add(entry, 0)
        await uow.commit()
    await first.start("BTCUSDT")
    await second.start("ETHUSDT")
    # The second process spends 800 of the buyer's 1000 USDT first; the first does not know.
    await second.engines["ETHUSDT"].submit(buy("ETHUSDT", ETH // 2, 1_600))
    first.exchange.ledger.replace([(BUYER, "USDT", Balance(available=1000 * USDT))])
    # One batch: the buyer's overdraft among other accounts' orders.
    engine = first.engines["BTCUSDT"]
    orders = [
        PlaceOrder(account, "BTCUSDT", Side.BUY, OrderType.LIMIT, BTC // 100, 50_000 * USDT)
        for account in others
    ]
    answers = [engine.enqueue(order) for order in orders[:5]]
    overdraft = engine.enqueue(buy("BTCUSDT", BTC // 100, 80_000))
    answers += [engine.enqueue(order) for order in orders[5:]]
    outcomes = await asyncio.gather(*answers, overdraft, return_exceptions=True)
    assert isinstance(outcomes[-1], InsufficientBalance)
    assert all(not isinstance(outcome, BaseException) for outcome in outcomes[:-1])
    assert engine.serving
    async with unit_of_work() as uow:
        assert (await uow.journal.balances(BUYER))["USDT"] == Balance(200 * USDT, 800 * USDT)
        for account in others:
            balance = (await uow.journal.balances(account))["USDT"]
            assert balance == Balance(available=500 * USDT, locked=500 * USDT)
