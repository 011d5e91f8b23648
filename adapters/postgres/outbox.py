"""The outbox in PostgreSQL: rows written with the batch that made them, deleted once relayed;
and the answers of the commands each batch committed."""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, select

from adapters.postgres.schema import command_answers, outbox
from application.records import OutboxMessage
from application.relay import encode_events
from domain.events import Event

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


# Built once, with their lists as expanding parameters: SQLAlchemy works out a statement's
# cache key once for each statement object.
_PENDING = (
    select(outbox.c.outbox_id, outbox.c.symbol, outbox.c.sequence, outbox.c.events)
    .where(outbox.c.symbol.in_(bindparam("symbols", expanding=True)))
    .order_by(outbox.c.outbox_id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_RELAYED = delete(outbox).where(outbox.c.outbox_id.in_(bindparam("ids", expanding=True)))
_ANSWERS = select(command_answers.c.command_id, command_answers.c.answer).where(
    command_answers.c.command_id.in_(bindparam("ids", expanding=True))
)


class PostgresOutbox:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        self._uow.stage(
            outbox, {"symbol": symbol, "sequence": sequence, "events": encode_events(events)}
        )

    async def pending(self, symbols: Collection[str], limit: int) -> list[OutboxMessage]:
        # Rows another relay is handing on right now are left to it.
        rows = await self._uow.execute(_PENDING, {"symbols": list(symbols), "limit": limit})
        return [OutboxMessage(row.outbox_id, row.symbol, row.sequence, row.events) for row in rows]

    async def relayed(self, outbox_ids: Sequence[int]) -> None:
        await self._uow.execute(_RELAYED, {"ids": list(outbox_ids)})


class PostgresCommandAnswers:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def add(self, command_id: str, symbol: str, answer: bytes, at: int) -> None:
        self._uow.stage(
            command_answers,
            {"command_id": command_id, "symbol": symbol, "answer": answer, "recorded_at": at},
        )

    async def answers(self, command_ids: Collection[str]) -> dict[str, bytes]:
        rows = await self._uow.execute(_ANSWERS, {"ids": list(command_ids)})
        return {row.command_id: row.answer for row in rows}

    async def forget(self, symbol: str, before: int) -> None:
        await self._uow.execute(
            delete(command_answers).where(
                command_answers.c.symbol == symbol, command_answers.c.recorded_at < before
            )
        )
