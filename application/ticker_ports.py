"""The port of each market's rolling 24-hour ticker as the market data role keeps it for the
ticker endpoints of every api process."""

from typing import Protocol

from msgspec import Struct

from domain.average_price import AverageWindow
from domain.ticker import TickerStats


class MarketTicker(Struct, frozen=True, gc=False):
    """A market's 24-hour statistics and its average price's window as of `taken_at`, its
    events taken to `sequence`."""

    symbol: str
    sequence: int
    stats: TickerStats
    taken_at: int
    average: AverageWindow


class Tickers(Protocol):
    async def put(self, ticker: MarketTicker) -> None:
        """Keeps the ticker in place of the market's, unless that one was taken later."""
        ...

    async def get(self, symbol: str) -> MarketTicker | None: ...
