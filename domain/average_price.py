"""The price that price bands are drawn around: the volume-weighted average of a market's
trades over the last minutes before an order, as Binance's avgPrice gives it.

Reading it changes nothing, so that checking an order that is then not placed leaves the
engine as it was: each trade is kept with the market's volumes before it, and the average of
any window is the difference of two of them, found by bisection."""

from bisect import bisect_left

from domain.candles import MINUTE
from domain.events import Trade


class AveragePrice:
    def __init__(self, minutes: int) -> None:
        self.window = minutes * MINUTE
        self._times: list[int] = []
        self._quantity_before: list[int] = []
        self._quote_before: list[int] = []
        self._quantity = 0
        self._quote = 0
        self._last_price = 0

    def add(self, trade: Trade) -> None:
        self._times.append(trade.timestamp)
        self._quantity_before.append(self._quantity)
        self._quote_before.append(self._quote)
        self._quantity += trade.quantity
        self._quote += trade.quote_quantity
        self._last_price = trade.price
        # Trades well out of any window an order could ask about go, half the list at a time.
        stale = bisect_left(self._times, trade.timestamp - 2 * self.window)
        if stale > len(self._times) // 2:
            del self._times[:stale], self._quantity_before[:stale], self._quote_before[:stale]

    def at(self, now: int, base_scale: int) -> int:
        """The average price at `now`: of the trades of the window before it, else the last
        price; 0 before the market's first trade."""
        first = bisect_left(self._times, now - self.window)
        if first == len(self._times):
            return self._last_price
        quantity = self._quantity - self._quantity_before[first]
        quote = self._quote - self._quote_before[first]
        return quote * base_scale // quantity
