"""The memory store's retention: what ended before its window is dropped, what is live or
inside its window is kept, and every account's statement still adds up to its balance."""

from collections.abc import AsyncIterator

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.retention import Retention
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.engine import EngineSettings, MarketEngine
from application.ledger_sync import LedgerSync
from application.relay import Relay
from domain.candles import DAY, HOUR, MINUTE, Interval
from domain.commands import CancelOrder, PlaceOrder
from domain.events import OrderAccepted
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderStatus, OrderType, Side
from entrypoints.server import build_container
from entrypoints.settings import Settings
from tests.clock import SteppedClock

BTC, USDT = 10**8, 10**8
PRICE = 60_000 * USDT
START = 20_000 * DAY  # a day's start, where candles of every length up to a day open
SELLER, BUYER = 1, 2


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


@pytest.fixture
async def store(clock: SteppedClock) -> MemoryUnitOfWorkFactory:
    retention = Retention(clock, unfilled_orders=HOUR, history=3 * HOUR, statements=2 * HOUR)
    store = MemoryUnitOfWorkFactory(retention=retention)
    async with store() as uow:
        for account, asset, amount in ((SELLER, "BTC", 10 * BTC), (BUYER, "USDT", 10**6 * USDT)):
            entry = transfer_entry(EntryKind.DEPOSIT, account, asset, amount, "funding")
            await uow.journal.add(entry, clock.now())
        await uow.commit()
    return store


@pytest.fixture
async def engine(
    store: MemoryUnitOfWorkFactory, clock: SteppedClock
) -> AsyncIterator[MarketEngine]:
    exchange = Exchange(demo_markets())
    relay = Relay(store, MemoryEventPublisher(), MemoryOutboxSignal())
    settings = EngineSettings("test", lease_ttl_ms=10 * DAY)  # the test's clock jumps by hours
    engine = MarketEngine(
        exchange, "BTCUSDT", store, LedgerSync(exchange.ledger), relay, clock, settings
    )
    relay.start()
    await engine.start()
    yield engine
    await engine.stop()
    await relay.stop()


async def place(
    engine: MarketEngine,
    clock: SteppedClock,
    account: int,
    side: Side,
    lots: int,
    price: int = PRICE,
) -> int:
    quantity = lots * BTC // 100
    command = PlaceOrder(
        account, "BTCUSDT", side, OrderType.LIMIT, quantity, price, timestamp=clock.now()
    )
    applied = await engine.submit(command)
    return next(e.order_id for e in applied.events if isinstance(e, OrderAccepted))


async def cancel(engine: MarketEngine, clock: SteppedClock, account: int, order_id: int) -> None:
    await engine.submit(CancelOrder(account, "BTCUSDT", order_id, timestamp=clock.now()))


async def test_an_order_cancelled_without_fills_is_dropped_after_its_window(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory, clock: SteppedClock
) -> None:
    dropped = await place(engine, clock, SELLER, Side.SELL, 1)
    resting = await place(engine, clock, SELLER, Side.SELL, 2)
    await cancel(engine, clock, SELLER, dropped)
    clock.at(40)
    kept = await place(engine, clock, SELLER, Side.SELL, 3)
    await cancel(engine, clock, SELLER, kept)
    clock.at(61)
    await place(engine, clock, SELLER, Side.SELL, 4)  # a commit, after which the store prunes
    async with store() as uow:
        assert await uow.orders.get("BTCUSDT", dropped) is None
        assert await uow.orders.by_client_id(SELLER, "BTCUSDT", f"bourse-BTCUSDT-{dropped}") is None
        listed = [o.order_id for o in await uow.orders.of_account(SELLER, "BTCUSDT")]
        assert listed == [resting, kept, kept + 1]
        # An open order stays however old it is.
        still_open = await uow.orders.get("BTCUSDT", resting)
        assert still_open is not None and still_open.status is OrderStatus.NEW
        assert [o.order_id for o in await uow.orders.open("BTCUSDT")] == [resting, kept + 1]


async def test_trades_and_the_orders_that_traded_go_with_the_history_window(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory, clock: SteppedClock
) -> None:
    old_maker = await place(engine, clock, SELLER, Side.SELL, 1)
    old_taker = await place(engine, clock, BUYER, Side.BUY, 1)
    clock.at(120)
    new_maker = await place(engine, clock, SELLER, Side.SELL, 1)
    await place(engine, clock, BUYER, Side.BUY, 1)
    clock.at(181)
    last_maker = await place(engine, clock, SELLER, Side.SELL, 1)
    await place(engine, clock, BUYER, Side.BUY, 1)
    async with store() as uow:
        assert await uow.orders.get("BTCUSDT", old_maker) is None
        assert await uow.orders.get("BTCUSDT", old_taker) is None
        assert await uow.orders.get("BTCUSDT", new_maker) is not None
        assert [t.trade_id for t in await uow.trades.history("BTCUSDT")] == [2, 3]
        # Trade ids still address trades once the first ones are gone.
        assert [t.trade_id for t in await uow.trades.history("BTCUSDT", from_id=3)] == [3]
        assert [t.trade_id for t in await uow.trades.history("BTCUSDT", from_id=1)] == [2, 3]
        assert [t.trade_id for t in await uow.trades.of_account(BUYER, "BTCUSDT")] == [2, 3]
        minutes = await uow.candles.between("BTCUSDT", Interval.MINUTE_1, 0, clock.now(), 1)
        assert [(c.open_time, c.first_trade_id) for c in minutes] == [(START + 120 * MINUTE, 2)]
        assert await uow.orders.get("BTCUSDT", last_maker) is not None


async def test_a_market_keeps_its_last_trade_and_candle_past_the_window(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory, clock: SteppedClock
) -> None:
    maker = await place(engine, clock, SELLER, Side.SELL, 1)
    await place(engine, clock, BUYER, Side.BUY, 1)
    clock.at(24 * 60)
    resting = await place(engine, clock, SELLER, Side.SELL, 1)
    async with store() as uow:
        assert await uow.orders.get("BTCUSDT", maker) is None
        assert [t.trade_id for t in await uow.trades.recent("BTCUSDT", 10)] == [1]
        assert await uow.trades.last_id("BTCUSDT") == 1
        days = await uow.candles.between("BTCUSDT", Interval.DAY_1, 0, clock.now(), 10)
        assert [c.trades for c in days] == [1, 0]
    # A rebuilt market goes on from the ids it had.
    await engine.stop()
    await engine.start()
    await place(engine, clock, BUYER, Side.BUY, 1)
    async with store() as uow:
        assert [t.trade_id for t in await uow.trades.recent("BTCUSDT", 10)] == [1, 2]
        filled = await uow.orders.get("BTCUSDT", resting)
        assert filled is not None and filled.status is OrderStatus.FILLED


async def test_statements_keep_their_window_and_still_add_up_to_the_balances(
    engine: MarketEngine, store: MemoryUnitOfWorkFactory, clock: SteppedClock
) -> None:
    for minute in range(0, 300, 30):
        clock.at(minute)
        await place(engine, clock, SELLER, Side.SELL, 1 + minute // 30)
        await place(engine, clock, BUYER, Side.BUY, 1)
        order = await place(engine, clock, BUYER, Side.BUY, 1, PRICE // 2)
        await cancel(engine, clock, BUYER, order)
    async with store() as uow:
        for account in (SELLER, BUYER):
            lines = await uow.journal.statement(account, None, None, None)
            assert lines, "the last two hours traded"
            assert min(line.timestamp for line in lines) >= clock.now() - 2 * HOUR
            # Lines go oldest first: none left from 150 minutes ago, all from 120 on.
            assert {line.timestamp for line in lines} == {
                START + minute * MINUTE for minute in range(150, 300, 30)
            }
            for asset, balance in (await uow.journal.balances(account)).items():
                mine = [line for line in lines if line.asset == asset]
                opening = (mine[0].available - mine[0].available_change,
                           mine[0].locked - mine[0].locked_change)  # fmt: skip
                closing = (opening[0] + sum(line.available_change for line in mine),
                           opening[1] + sum(line.locked_change for line in mine))  # fmt: skip
                assert closing == (balance.available, balance.locked)
                assert (mine[-1].available, mine[-1].locked) == closing


def test_the_windows_come_from_the_settings_in_memory_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOURSE_RETENTION_UNFILLED_MINUTES", "5")
    monkeypatch.setenv("BOURSE_RETENTION_HISTORY_MINUTES", "90")
    monkeypatch.delenv("BOURSE_RETENTION_STATEMENT_MINUTES", raising=False)
    factory = build_container(Settings.from_env("memory")).unit_of_work()
    assert isinstance(factory, MemoryUnitOfWorkFactory)
    retention = factory.retention
    assert retention is not None
    assert (retention.unfilled_orders, retention.history, retention.statements) == (
        5 * MINUTE, 90 * MINUTE, 30 * MINUTE,
    )  # fmt: skip
    monkeypatch.setenv("BOURSE_RETENTION_HISTORY_MINUTES", "0")
    with pytest.raises(ValueError, match="BOURSE_RETENTION_HISTORY_MINUTES"):
        Settings.from_env("memory")
