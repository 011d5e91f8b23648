"""The price that price bands are drawn around: the volume-weighted average of a market's
trades over the last minutes before an order, as Binance's avgPrice gives it.

Reading it changes nothing, so that checking an order that is then not placed leaves the
engine as it was: each trade is kept with the market's volumes before it, and the average of
any window is the difference of two of them, found by bisection. The last average worked out
is kept until a trade comes or the window's first trade changes: every limit order asks, and
the sums beyond 64 bits make each answer cost as much as matching an order."""

from bisect import bisect_left

from attrs import define

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
        self._known: tuple[int, int, int] | None = None  # first trade, base scale, average
        self._last_first = 0  # the first trade of the last window asked about

    def add(self, trade: Trade) -> None:
        self._times.append(trade.timestamp)
        self._quantity_before.append(self._quantity)
        self._quote_before.append(self._quote)
        self._quantity += trade.quantity
        self._quote += trade.quote_quantity
        self._last_price = trade.price
        self._known = None
        # Trades well out of any window an order could ask about go, half the list at a time.
        cutoff = trade.timestamp - 2 * self.window
        if self._times[len(self._times) // 2] < cutoff:
            stale = bisect_left(self._times, cutoff)
            del self._times[:stale], self._quantity_before[:stale], self._quote_before[:stale]
            self._last_first = max(0, self._last_first - stale)

    def at(self, now: int, base_scale: int) -> int:
        """The average price at `now`: of the trades of the window before it, else the last
        price; 0 before the market's first trade."""
        first = self._first(now - self.window)
        known = self._known
        if known is not None and known[0] == first and known[1] == base_scale:
            return known[2]
        quantity, quote = self._sums(first)
        average = _price(quote, quantity, base_scale) if quantity else self._last_price
        self._known = (first, base_scale, average)
        return average

    def window_at(self, now: int) -> "AverageWindow":
        """The trades of the window before `now`, summed."""
        quantity, quote = self._sums(self._first(now - self.window))
        return AverageWindow(quantity, quote, self._times[-1] if quantity else 0)

    def _first(self, start: int) -> int:
        """The index of the first trade at or after `start`: the last window's first trade
        while it still is, without a search."""
        times, first = self._times, self._last_first
        if (first < len(times) and times[first] < start) or (first and times[first - 1] >= start):
            first = self._last_first = bisect_left(times, start)
        return first

    def _sums(self, first: int) -> tuple[int, int]:
        """The quantity and quote quantity of the trades from the `first` on."""
        if first == len(self._times):
            return 0, 0
        return (
            self._quantity - self._quantity_before[first],
            self._quote - self._quote_before[first],
        )


@define(frozen=True)
class AverageWindow:
    """The trades of an average price's window: their quantity and quote quantity in all, and
    the time of the last of them (0 without any)."""

    quantity: int
    quote: int
    last_trade_time: int

    def price(self, base_scale: int) -> int:
        return _price(self.quote, self.quantity, base_scale)


def _price(quote: int, quantity: int, base_scale: int) -> int:
    return quote * base_scale // quantity
