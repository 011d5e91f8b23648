"""The archive of completed days of trades, in the process."""

from datetime import date

from attrs import define, field


@define
class MemoryTradeArchive:
    _files: dict[tuple[str, date], bytes] = field(factory=dict)

    async def get(self, symbol: str, day: date) -> bytes | None:
        return self._files.get((symbol, day))

    async def put(self, symbol: str, day: date, data: bytes) -> None:
        self._files[symbol, day] = data
