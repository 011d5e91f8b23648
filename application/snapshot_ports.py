"""The port of each market's book snapshots: the whole book as of a market sequence, kept
apart from the system of record so that a process can start from the latest snapshot and the
events after its sequence rather than from every open order."""

from typing import Protocol

from msgspec import Struct

from application.records import (
    Depth,
)
from domain.average_price import AverageWindow
from domain.ticker import TickerStats


class BookSnapshot(Struct, frozen=True, gc=False):
    """Every level of a market's book, (price, volume) best first, as of `sequence`, and the
    id of the last trade by then (0 before the first)."""

    symbol: str
    sequence: int
    bids: list[tuple[int, int]]
    asks: list[tuple[int, int]]
    last_trade_id: int
    taken_at: int


class BookSnapshots(Protocol):
    async def put(self, snapshot: BookSnapshot) -> None:
        """Keeps the snapshot; one of a sequence already kept changes nothing."""
        ...

    async def latest(self, symbol: str) -> BookSnapshot | None:
        """The market's snapshot of the highest sequence, None before its first."""
        ...


class Cache(Protocol):
    """Answers kept for a while, to be computed again when missing: a cache that cannot be
    reached misses rather than fails."""

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, value: bytes, ttl_ms: int) -> None: ...


class MarketSnapshots(Protocol):
    """Each market's book and 24-hour ticker as public reads need them: from the engine where
    it runs in this process, otherwise as the market data role keeps them."""

    async def depth(self, symbol: str, limit: int) -> Depth:
        """Raises `MarketUnavailable` while there is nothing to show."""
        ...

    async def ticker(self, symbol: str, now: int) -> TickerStats: ...

    async def average(self, symbol: str, now: int) -> AverageWindow:
        """The trades of the last minutes (`domain.ticker.AVERAGE_PRICE_MINUTES`), summed;
        kept by another process, they may be a second older than `now`."""
        ...
