from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.candles import DAY, HOUR, MINUTE, Candle, Interval, aggregate
from domain.events import Trade
from domain.ticker import RollingTicker


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def trade(trade_id: int, timestamp: int, price: int, quantity: int = 2) -> Trade:
    return Trade(
        "BTCUSDT", trade_id, price, quantity, price * quantity, 1, 2, 1, 2,
        trade_id % 2 == 0, 0, 0, timestamp,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("interval", "moment", "opens"),
    [
        (Interval.SECOND_1, "2026-11-25 10:15:42.917", "2026-11-25 10:15:42"),
        (Interval.MINUTE_3, "2026-11-25 10:17:42", "2026-11-25 10:15:00"),
        (Interval.HOUR_4, "2026-11-25 10:17:42", "2026-11-25 08:00:00"),
        (Interval.DAY_1, "2026-11-25 10:17:42", "2026-11-25 00:00:00"),
        (Interval.WEEK_1, "2026-11-25 10:17:42", "2026-11-23 00:00:00"),
        (Interval.WEEK_1, "2026-11-23 00:00:00", "2026-11-23 00:00:00"),
        (Interval.MONTH_1, "2026-11-25 10:17:42", "2026-11-01 00:00:00"),
        (Interval.MONTH_1, "2026-12-31 23:59:59.999", "2026-12-01 00:00:00"),
    ],
)
def test_candles_open_where_binance_opens_them(interval: Interval, moment: str, opens: str) -> None:
    assert interval.open_time(at(moment)) == at(opens)


def test_month_ends_where_the_next_one_starts() -> None:
    december = at("2026-12-01 00:00:00")
    assert Interval.MONTH_1.next_open_time(december) == at("2027-01-01 00:00:00")
    assert Interval.MONTH_1.next_open_time(at("2027-02-01 00:00:00")) == at("2027-03-01 00:00:00")


def test_a_candle_aggregates_its_trades() -> None:
    start = at("2026-11-25 10:00:00")
    trades = [
        trade(1, start + 1, 100),
        trade(2, start + 2, 105, 3),
        trade(3, start + MINUTE - 1, 98),
        trade(4, start + 3 * MINUTE, 101),
    ]
    series = aggregate(trades, Interval.MINUTE_1)
    candles = list(series.between(start, start + 3 * MINUTE))
    assert candles == [
        Candle(start, start + MINUTE - 1, 100, 105, 98, 98, 7, 200 + 315 + 196, 3, 4, 396, 1, 3),
        Candle.flat(Interval.MINUTE_1, start + MINUTE, 98),
        Candle.flat(Interval.MINUTE_1, start + 2 * MINUTE, 98),
        Candle(
            start + 3 * MINUTE, start + 4 * MINUTE - 1, 101, 101, 101, 101, 2, 202, 1, 0, 0, 4, 4
        ),
    ]
    assert [c.open_time for c in series.between(start + MINUTE, start + 2 * MINUTE)] == [
        start + MINUTE,
        start + 2 * MINUTE,
    ]


TRADES = st.lists(
    st.tuples(st.integers(0, 3 * DAY), st.integers(1, 1000), st.integers(1, 50)), max_size=60
).map(
    lambda rows: [
        trade(i + 1, t, p, q) for i, (t, p, q) in enumerate(sorted(rows, key=lambda r: r[0]))
    ]
)


@given(TRADES, st.sampled_from(list(Interval)))
def test_candles_agree_with_their_trades(trades: list[Trade], interval: Interval) -> None:
    series = aggregate(trades, interval)
    for candle in series.candles:
        inside = [t for t in trades if candle.open_time <= t.timestamp <= candle.close_time]
        assert candle.trades == len(inside) > 0
        assert candle.open == inside[0].price
        assert candle.close == inside[-1].price
        assert candle.high == max(t.price for t in inside)
        assert candle.low == min(t.price for t in inside)
        assert candle.volume == sum(t.quantity for t in inside)
        assert candle.quote_volume == sum(t.quote_quantity for t in inside)
    assert sum(c.trades for c in series.candles) == len(trades)


@given(TRADES, st.integers(0, 4 * DAY))
def test_rolling_ticker_agrees_with_the_window(trades: list[Trade], now: int) -> None:
    ticker = RollingTicker()
    for t in trades:
        if t.timestamp <= now:
            ticker.add(t)
    stats = ticker.stats(now)
    window = [t for t in trades if now - DAY < t.timestamp <= now]
    assert stats.count == len(window)
    assert stats.volume == sum(t.quantity for t in window)
    assert stats.quote_volume == sum(t.quote_quantity for t in window)
    if window:
        assert stats.open_price == window[0].price
        assert stats.last_price == window[-1].price
        assert stats.high_price == max(t.price for t in window)
        assert stats.low_price == min(t.price for t in window)
        assert (stats.first_trade_id, stats.last_trade_id) == (
            window[0].trade_id,
            window[-1].trade_id,
        )


def test_ticker_remembers_the_last_price_of_a_quiet_day() -> None:
    ticker = RollingTicker()
    ticker.add(trade(1, 0, 100))
    stats = ticker.stats(2 * DAY)
    assert (stats.count, stats.last_price, stats.prev_close_price) == (0, 100, 100)
    assert HOUR < DAY


def test_quiet_intervals_after_the_last_trade_are_flat() -> None:
    start = at("2026-11-25 10:00:00")
    series = aggregate([trade(1, start + 5, 100), trade(2, start + 10, 90)], Interval.MINUTE_1)
    candles = list(series.between(start - 5 * MINUTE, start + 3 * MINUTE))
    assert [(c.open_time - start) // MINUTE for c in candles] == [0, 1, 2, 3]
    assert [(c.open, c.close, c.trades) for c in candles[1:]] == [(90, 90, 0)] * 3
    assert Interval.MONTH_1.previous_open_time(at("2026-03-01 00:00:00")) == at("2026-02-01")
