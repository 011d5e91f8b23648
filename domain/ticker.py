"""Rolling 24-hour ticker statistics, updated trade by trade in amortised O(1), and the average
price of the last minutes that Binance's avgPrice answers."""

from collections import deque
from typing import Final

from attrs import define

from domain.average_price import AveragePrice
from domain.candles import DAY
from domain.events import Trade

AVERAGE_PRICE_MINUTES: Final = 5  # the window of avgPrice


@define
class TickerStats:
    open_price: int
    high_price: int
    low_price: int
    last_price: int
    last_quantity: int
    prev_close_price: int
    volume: int
    quote_volume: int
    open_time: int
    close_time: int
    first_trade_id: int
    last_trade_id: int
    count: int


class RollingTicker:
    """Keeps the trades of the last `window` ms; the highest and lowest price come from
    monotonic queues, so neither a new trade nor an expired one costs a scan. `average` keeps
    the trades of the last minutes for avgPrice, so that it is answered without reading them."""

    def __init__(self, window: int = DAY) -> None:
        self.window = window
        self.average = AveragePrice(AVERAGE_PRICE_MINUTES)
        self._trades: deque[Trade] = deque()
        self._highs: deque[Trade] = deque()
        self._lows: deque[Trade] = deque()
        self._volume = 0
        self._quote_volume = 0
        self._last: Trade | None = None
        self._prev_close = 0

    def add(self, trade: Trade) -> None:
        self._trades.append(trade)
        while self._highs and self._highs[-1].price <= trade.price:
            self._highs.pop()
        self._highs.append(trade)
        while self._lows and self._lows[-1].price >= trade.price:
            self._lows.pop()
        self._lows.append(trade)
        self._volume += trade.quantity
        self._quote_volume += trade.quote_quantity
        self._last = trade
        self.average.add(trade)

    def stats(self, now: int) -> TickerStats:
        self._expire(now - self.window)
        last_price = self._last.price if self._last else 0
        last_quantity = self._last.quantity if self._last else 0
        if not self._trades:
            return TickerStats(
                last_price, last_price, last_price, last_price, last_quantity,
                self._prev_close, 0, 0, now - self.window, now, -1, -1, 0,
            )  # fmt: skip
        first, last = self._trades[0], self._trades[-1]
        return TickerStats(
            open_price=first.price,
            high_price=self._highs[0].price,
            low_price=self._lows[0].price,
            last_price=last.price,
            last_quantity=last.quantity,
            prev_close_price=self._prev_close,
            volume=self._volume,
            quote_volume=self._quote_volume,
            open_time=now - self.window,
            close_time=now,
            first_trade_id=first.trade_id,
            last_trade_id=last.trade_id,
            count=len(self._trades),
        )

    def _expire(self, cutoff: int) -> None:
        trades = self._trades
        while trades and trades[0].timestamp <= cutoff:
            gone = trades.popleft()
            self._volume -= gone.quantity
            self._quote_volume -= gone.quote_quantity
            self._prev_close = gone.price
            if self._highs[0] is gone:
                self._highs.popleft()
            if self._lows[0] is gone:
                self._lows.popleft()
