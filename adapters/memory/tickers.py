"""Tickers in process: the latest of each market."""

from attrs import define, field

from application.ticker_ports import MarketTicker


@define
class MemoryTickers:
    _latest: dict[str, MarketTicker] = field(factory=dict)

    async def put(self, ticker: MarketTicker) -> None:
        kept = self._latest.get(ticker.symbol)
        if kept is None or kept.taken_at < ticker.taken_at:
            self._latest[ticker.symbol] = ticker

    async def get(self, symbol: str) -> MarketTicker | None:
        return self._latest.get(symbol)
