"""The port of each market's book snapshots: the whole book as of a market sequence, kept
apart from the system of record so that a process can start from the latest snapshot and the
events after its sequence rather than from every open order."""

from typing import Protocol

from msgspec import Struct


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
