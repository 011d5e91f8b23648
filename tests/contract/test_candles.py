"""Candles: every trade lands in its candle of every interval, candles merge across units of
work, and a range shows the intervals nobody traded in as flat candles."""

from application.ports import UnitOfWorkFactory
from application.projection import record_events
from domain.candles import MINUTE, Candle, Interval
from domain.events import Trade

T0 = 1_700_000_040_000  # a minute's start, a Tuesday


def trade(trade_id: int, timestamp: int, price: int, quantity: int, taker_buys: bool) -> Trade:
    return Trade(
        symbol="BTCUSDT",
        trade_id=trade_id,
        price=price,
        quantity=quantity,
        quote_quantity=price * quantity,
        buyer_order_id=1,
        seller_order_id=2,
        buyer_account_id=7,
        seller_account_id=8,
        buyer_is_maker=not taker_buys,
        buyer_fee=0,
        seller_fee=0,
        timestamp=timestamp,
    )


async def _record(unit_of_work: UnitOfWorkFactory, *trades: Trade) -> None:
    async with unit_of_work() as uow:
        for recorded in trades:
            await uow.candles.record(recorded)
        await uow.commit()


async def test_candles_merge_across_units_of_work(unit_of_work: UnitOfWorkFactory) -> None:
    await _record(unit_of_work, trade(1, T0 + 1, 100, 2, True), trade(2, T0 + 2, 120, 1, False))
    await _record(unit_of_work, trade(3, T0 + 3, 90, 5, True))
    await _record(unit_of_work, trade(4, T0 + 4, 110, 10**20, False))

    minute = Candle(
        T0, T0 + MINUTE - 1, 100, 120, 90, 110,
        volume=8 + 10**20, quote_volume=200 + 120 + 450 + 110 * 10**20, trades=4,
        taker_buy_volume=7, taker_buy_quote_volume=650, first_trade_id=1, last_trade_id=4,
    )  # fmt: skip
    async with unit_of_work() as uow:
        assert await uow.candles.between("BTCUSDT", Interval.MINUTE_1, T0, T0, 10) == [minute]
        seconds = await uow.candles.between("BTCUSDT", Interval.SECOND_1, T0, T0, 10)
        months = await uow.candles.between("BTCUSDT", Interval.MONTH_1, 0, T0, 10)
        assert await uow.candles.between("ETHUSDT", Interval.MINUTE_1, T0, T0, 10) == []
    assert seconds[0].trades == 4
    assert seconds[0].close == 110
    assert [(m.open_time, m.trades, m.high, m.low) for m in months] == [
        (1_698_796_800_000, 4, 120, 90)  # 2023-11-01
    ]


async def test_nothing_is_recorded_without_a_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.candles.record(trade(1, T0, 100, 1, True))
    async with unit_of_work() as uow:
        assert await uow.candles.between("BTCUSDT", Interval.MINUTE_1, 0, T0 * 2, 10) == []


async def test_quiet_intervals_are_flat_at_the_last_close(unit_of_work: UnitOfWorkFactory) -> None:
    await _record(
        unit_of_work,
        trade(1, T0 + 5, 100, 1, True),
        trade(2, T0 + 6, 105, 1, True),
        trade(3, T0 + 3 * MINUTE, 90, 1, False),
    )

    async with unit_of_work() as uow:
        candles = await uow.candles.between(
            "BTCUSDT", Interval.MINUTE_1, T0 - 2 * MINUTE, T0 + 5 * MINUTE, 10
        )
        later = await uow.candles.between(
            "BTCUSDT", Interval.MINUTE_1, T0 + MINUTE, T0 + 5 * MINUTE, 2
        )
    opens = [candle.open_time for candle in candles]
    assert opens == [T0 + i * MINUTE for i in range(6)]
    assert [(c.open, c.close, c.trades) for c in candles] == [
        (100, 105, 2), (105, 105, 0), (105, 105, 0), (90, 90, 1), (90, 90, 0), (90, 90, 0),
    ]  # fmt: skip
    assert later == candles[1:3]


async def test_a_store_with_an_event_log_leaves_the_candles_to_its_consumers(
    logged_unit_of_work: UnitOfWorkFactory,
) -> None:
    async with logged_unit_of_work() as uow:
        await record_events(uow, [([trade(1, T0 + 1, 100, 2, True)], T0 + 1, 1)])
        await uow.commit()

    async with logged_unit_of_work() as uow:
        assert await uow.candles.between("BTCUSDT", Interval.MINUTE_1, T0, T0, 10) == []
        assert [t.trade_id for t in await uow.trades.history("BTCUSDT")] == [1]
