"""The outbox in PostgreSQL: rows written with the batch that made them, deleted once relayed."""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from adapters.postgres.schema import outbox
from application.records import OutboxMessage
from application.relay import encode_events
from domain.events import Event

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


class PostgresOutbox:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        self._uow.stage(
            outbox, {"symbol": symbol, "sequence": sequence, "events": encode_events(events)}
        )

    async def pending(self, symbols: Collection[str], limit: int) -> list[OutboxMessage]:
        # Rows another relay is handing on right now are left to it.
        rows = await self._uow.execute(
            select(outbox.c.outbox_id, outbox.c.symbol, outbox.c.sequence, outbox.c.events)
            .where(outbox.c.symbol.in_(list(symbols)))
            .order_by(outbox.c.outbox_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [OutboxMessage(row.outbox_id, row.symbol, row.sequence, row.events) for row in rows]

    async def relayed(self, outbox_ids: Sequence[int]) -> None:
        await self._uow.execute(delete(outbox).where(outbox.c.outbox_id.in_(list(outbox_ids))))
