"""Public market history read from the system of record, where the engine writes it: what
`memory` and `local` serve."""

from attrs import define

from application.history_ports import PublicTrade
from application.ports import UnitOfWorkFactory
from domain.candles import Candle, Interval


@define
class StoreTradeHistory:
    unit_of_work: UnitOfWorkFactory

    async def recent(self, symbol: str, limit: int) -> list[PublicTrade]:
        async with self.unit_of_work() as uow:
            return [PublicTrade.of(t) for t in await uow.trades.recent(symbol, limit)]

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[PublicTrade]:
        async with self.unit_of_work() as uow:
            found = await uow.trades.history(symbol, from_id, start, end, limit)
        return [PublicTrade.of(t) for t in found]


@define
class StoreCandleHistory:
    unit_of_work: UnitOfWorkFactory

    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]:
        async with self.unit_of_work() as uow:
            return await uow.candles.between(symbol, interval, start, end, limit)
