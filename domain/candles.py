"""Candles (klines) built from trades, in every interval Binance serves."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Final

from attrs import define

from domain.events import Trade

SECOND: Final = 1000
MINUTE: Final = 60 * SECOND
HOUR: Final = 60 * MINUTE
DAY: Final = 24 * HOUR
# 1970-01-01 was a Thursday; weekly candles open on Mondays, like Binance's.
FIRST_MONDAY: Final = 4 * DAY


class Interval(Enum):
    SECOND_1 = "1s"
    MINUTE_1 = "1m"
    MINUTE_3 = "3m"
    MINUTE_5 = "5m"
    MINUTE_15 = "15m"
    MINUTE_30 = "30m"
    HOUR_1 = "1h"
    HOUR_2 = "2h"
    HOUR_4 = "4h"
    HOUR_6 = "6h"
    HOUR_8 = "8h"
    HOUR_12 = "12h"
    DAY_1 = "1d"
    DAY_3 = "3d"
    WEEK_1 = "1w"
    MONTH_1 = "1M"

    @property
    def millis(self) -> int:
        """The fixed length of the interval; a month has none."""
        count, unit = int(self.value[:-1]), self.value[-1]
        return count * {"s": SECOND, "m": MINUTE, "h": HOUR, "d": DAY, "w": 7 * DAY}[unit]

    def open_time(self, timestamp: int) -> int:
        """When the candle holding `timestamp` (epoch ms) opens."""
        if self is Interval.MONTH_1:
            moment = datetime.fromtimestamp(timestamp / 1000, UTC)
            return _epoch_ms(moment.year, moment.month)
        if self is Interval.WEEK_1:
            return timestamp - (timestamp - FIRST_MONDAY) % self.millis
        return timestamp - timestamp % self.millis

    def previous_open_time(self, open_time: int) -> int:
        return self.open_time(open_time - 1)

    def next_open_time(self, open_time: int) -> int:
        if self is Interval.MONTH_1:
            moment = datetime.fromtimestamp(open_time / 1000, UTC)
            year, month = divmod(moment.year * 12 + moment.month, 12)
            return _epoch_ms(year, month + 1)
        return open_time + self.millis


def _epoch_ms(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp()) * 1000


@define
class Candle:
    """One interval's trading. Prices are quote minor units per base unit; `volume` is base,
    `quote_volume` quote; taker-buy volumes count trades whose taker bought."""

    open_time: int
    close_time: int
    open: int
    high: int
    low: int
    close: int
    volume: int = 0
    quote_volume: int = 0
    trades: int = 0
    taker_buy_volume: int = 0
    taker_buy_quote_volume: int = 0
    first_trade_id: int = -1
    last_trade_id: int = -1

    def add(self, trade: Trade) -> None:
        if self.trades == 0:
            self.open = self.high = self.low = trade.price
            self.first_trade_id = trade.trade_id
        self.high = max(self.high, trade.price)
        self.low = min(self.low, trade.price)
        self.close = trade.price
        self.volume += trade.quantity
        self.quote_volume += trade.quote_quantity
        self.trades += 1
        self.last_trade_id = trade.trade_id
        if not trade.buyer_is_maker:
            self.taker_buy_volume += trade.quantity
            self.taker_buy_quote_volume += trade.quote_quantity

    @classmethod
    def flat(cls, interval: Interval, open_time: int, price: int) -> "Candle":
        """An interval without trades: every price is the last close, as Binance shows it."""
        close_time = interval.next_open_time(open_time) - 1
        return cls(open_time, close_time, price, price, price, price)


class CandleSeries:
    """The candles of one market in one interval, kept up to date trade by trade."""

    def __init__(self, interval: Interval) -> None:
        self.interval = interval
        self.candles: list[Candle] = []

    def add(self, trade: Trade) -> Candle:
        """Adds a trade (in time order) and returns the candle it landed in."""
        open_time = self.interval.open_time(trade.timestamp)
        last = self.candles[-1] if self.candles else None
        if last is None or last.open_time != open_time:
            close = last.close if last else trade.price
            last = Candle.flat(self.interval, open_time, close)
            self.candles.append(last)
        last.add(trade)
        return last

    def between(self, start: int, end: int) -> Iterator[Candle]:
        """Candles opening in [start, end], with the intervals nobody traded in filled flat,
        up to `end`, from the first trade on."""
        previous: Candle | None = None
        for candle in self.candles:
            if previous is not None:
                yield from self._flat(previous, start, min(end, candle.open_time - 1))
            if candle.open_time > end:
                return
            if candle.open_time >= start:
                yield candle
            previous = candle
        if previous is not None:
            yield from self._flat(previous, start, end)

    def _flat(self, previous: Candle, start: int, end: int) -> Iterator[Candle]:
        """Flat candles after `previous`, opening in [start, end]."""
        interval = self.interval
        gap = max(interval.next_open_time(previous.open_time), interval.open_time(start))
        while gap <= end:
            if gap >= start:
                yield Candle.flat(interval, gap, previous.close)
            gap = interval.next_open_time(gap)


def aggregate(trades: Iterable[Trade], interval: Interval) -> CandleSeries:
    series = CandleSeries(interval)
    for trade in trades:
        series.add(trade)
    return series
