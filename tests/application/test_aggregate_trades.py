"""Aggregate trades are folded from trades read a page at a time: the aggregates asked for are
complete, the same as every trade folded at once gives, and a few aggregates read few trades."""

import pytest

from adapters.memory.demo_listing import demo_markets
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.history_ports import PublicTrade
from application.market_data import AGGREGATE_PAGE, EngineBooks, MarketData, fold_aggregates
from application.store_history import StoreCandleHistory, StoreTradeHistory
from domain.events import Trade
from domain.exchange import Exchange
from tests.clock import SteppedClock

T0 = 1_732_530_000_000
TRADES = 3 * AGGREGATE_PAGE + 30


def trades(count: int) -> list[Trade]:
    """Takers filling three makers each, at one price and then at another."""
    return [
        Trade(
            "BTCUSDT",
            n,
            (60_000 + n // 3 % 2) * 10**8,
            10**7,
            6 * 10**11,
            buyer_order_id=10_000 + n // 3,
            seller_order_id=n,
            buyer_account_id=1,
            seller_account_id=2,
            buyer_is_maker=False,
            buyer_fee=0,
            seller_fee=0,
            timestamp=T0 + n * 10,
        )
        for n in range(1, count + 1)
    ]


class CountingHistory(StoreTradeHistory):
    """The store's trade history, counting the trades it hands out."""

    read = 0

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[PublicTrade]:
        found = await super().history(symbol, from_id, start, end, limit)
        self.read += len(found)
        return found

    async def recent(self, symbol: str, limit: int) -> list[PublicTrade]:
        found = await super().recent(symbol, limit)
        self.read += len(found)
        return found


@pytest.fixture
async def market() -> tuple[MarketData, CountingHistory]:
    unit_of_work = MemoryUnitOfWorkFactory()
    async with unit_of_work() as uow:
        for trade in trades(TRADES):
            await uow.trades.add(trade)
        await uow.commit()
    history = CountingHistory(unit_of_work)
    data = MarketData(
        Exchange(demo_markets()),
        EngineBooks({}),
        history,
        StoreCandleHistory(unit_of_work),
        unit_of_work,
        SteppedClock(T0),
    )
    return data, history


PUBLIC = [PublicTrade.of(t) for t in trades(TRADES)]


@pytest.mark.parametrize(
    ("from_id", "start", "end", "limit"),
    [
        (None, None, None, 10),
        (None, None, None, 1000),  # more than there are: every one
        (None, None, T0 + 3_000, 5),
        (4, None, None, 400),
        (None, T0 + 40, T0 + 9_000, 1000),
        (None, T0 + 40, None, 3),
    ],
)
async def test_aggregates_are_those_of_every_trade_folded_at_once(
    market: tuple[MarketData, CountingHistory],
    from_id: int | None,
    start: int | None,
    end: int | None,
    limit: int,
) -> None:
    data, _ = market
    chosen = [
        t
        for t in PUBLIC
        if (from_id is None or t.trade_id >= from_id)
        and (start is None or t.timestamp >= start)
        and (end is None or t.timestamp <= end)
    ]
    folded = fold_aggregates(chosen)
    expected = folded[-limit:] if from_id is None and start is None else folded[:limit]

    found = await data.aggregate_trades("BTCUSDT", from_id, start, end, limit)

    assert found == expected
    assert found


async def test_a_few_aggregates_read_a_page_of_trades(
    market: tuple[MarketData, CountingHistory],
) -> None:
    data, history = market

    await data.aggregate_trades("BTCUSDT", None, None, None, 10)
    assert history.read == AGGREGATE_PAGE
    await data.aggregate_trades("BTCUSDT", 1, None, None, 200)  # 600 trades: two pages
    assert history.read == 3 * AGGREGATE_PAGE
