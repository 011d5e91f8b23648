"""Book snapshots in process: the latest of each market."""

from attrs import define, field

from application.snapshot_ports import BookSnapshot


@define
class MemoryBookSnapshots:
    _latest: dict[str, BookSnapshot] = field(factory=dict)

    async def put(self, snapshot: BookSnapshot) -> None:
        kept = self._latest.get(snapshot.symbol)
        if kept is None or kept.sequence < snapshot.sequence:
            self._latest[snapshot.symbol] = snapshot

    async def latest(self, symbol: str) -> BookSnapshot | None:
        return self._latest.get(symbol)
