"""The markets' status changes in PostgreSQL, appended at commit."""

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on

from adapters.postgres.schema import market_status_changes
from domain.events import MarketStatusChanged
from domain.market_status import MarketStatus

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresMarketStatuses:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, change: MarketStatusChanged) -> None:
        self._uow.stage(
            market_status_changes,
            {
                "symbol": change.symbol,
                "status": change.status.value,
                "reason": change.reason,
                "changed_at": change.timestamp,
            },
        )

    async def current(self) -> dict[str, MarketStatusChanged]:
        c = market_status_changes.c
        last = (
            select(c.symbol, c.status, c.reason, c.changed_at)
            .ext(distinct_on(c.symbol))
            .order_by(c.symbol, c.change_id.desc())
        )
        return {
            row.symbol: MarketStatusChanged(
                row.symbol, MarketStatus(row.status), row.reason, row.changed_at
            )
            for row in await self._uow.execute(last)
        }
