"""The outbox in PostgreSQL: rows written with the batch that made them (one per channel),
deleted once relayed; and the answers of the commands each batch committed."""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import BigInteger, String, any_, bindparam, delete, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert

from adapters.postgres.database import AnyRow
from adapters.postgres.schema import account_sequences, command_answers, outbox
from application.account_sequences import AccountCounters, counted
from application.records import OutboxChannel, OutboxMessage
from application.relay import encode_events
from domain.events import Event

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork


# Built once, with their lists as arrays: one statement, prepared once by the server, whatever
# a list's length (an expanding list is a statement of its own for each length).
_MESSAGE = (
    outbox.c.outbox_id,
    outbox.c.symbol,
    outbox.c.sequence,
    outbox.c.events,
    outbox.c.account_sequences,
)
_PENDING = (
    select(*_MESSAGE)
    .where(
        outbox.c.channel == bindparam("channel"),
        outbox.c.symbol == any_(bindparam("symbols", type_=ARRAY(String))),
    )
    .order_by(outbox.c.outbox_id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
# The outbox is a queue: its rows are deleted a moment after they are written, and until a
# vacuum (autovacuum's, once a minute at most) its index keeps the entries of every row
# deleted. A bitmap scan, which the planner picks for a table this small, reads each of them
# again on every pass (1.4 ms with the rows of 10 s at 900 requests/s, growing until the
# vacuum); an index scan in the index's order marks those it finds dead, and later passes skip
# them (0.12 ms). The pass's transaction plans with the index scan alone.
_INDEX_SCAN = text(
    "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)"
)
_RELAYED = delete(outbox).where(
    outbox.c.outbox_id == any_(bindparam("ids", type_=ARRAY(BigInteger)))
)
_ANSWERS = select(command_answers.c.command_id, command_answers.c.answer).where(
    command_answers.c.command_id == any_(bindparam("ids", type_=ARRAY(String)))
)


class PostgresOutbox:
    """A writer of the unit of work, flushed after the journal: the accounts' counters are
    locked in account order, as the balances are, so that two commits touching the same
    accounts wait for each other instead of deadlocking."""

    def __init__(self, uow: "PostgresUnitOfWork", event_log: bool) -> None:
        self._uow = uow
        self._event_log = event_log
        self._added: list[tuple[str, int, Sequence[Event]]] = []

    async def add(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        self._added.append((symbol, sequence, events))

    async def flush(self) -> None:
        if not self._added:
            return
        rows = [
            {"symbol": symbol, "sequence": sequence, "events": encode_events(events)}
            for symbol, sequence, events in self._added
        ]
        streams = [row | {"channel": OutboxChannel.STREAMS.value} for row in rows]
        await self._uow.execute(insert(outbox), streams)
        if not self._event_log:
            return
        counters = AccountCounters(await self._draw())
        logged = [
            row
            | {
                "channel": OutboxChannel.EVENT_LOG.value,
                "account_sequences": _encode(counters.number(events)),
            }
            for row, (_, _, events) in zip(rows, self._added, strict=True)
        ]
        await self._uow.execute(insert(outbox), logged)

    async def _draw(self) -> dict[int, int]:
        """Moves the counters of the accounts told on by their events; the last numbers
        given before."""
        totals = counted(event for _, _, events in self._added for event in events)
        if not totals:
            return {}
        accounts = sorted(totals)
        drawn = upsert(account_sequences).values(
            [{"account_id": a, "sequence": totals[a]} for a in accounts]
        )
        result = await self._uow.execute(
            drawn.on_conflict_do_update(
                index_elements=[account_sequences.c.account_id],
                set_={"sequence": account_sequences.c.sequence + drawn.excluded.sequence},
            ).returning(account_sequences.c.account_id, account_sequences.c.sequence)
        )
        return {account: last - totals[account] for account, last in result}

    def forget(self) -> None:
        self._added = []

    async def pending(
        self, channel: OutboxChannel, symbols: Collection[str], limit: int
    ) -> list[OutboxMessage]:
        await self._uow.execute(_INDEX_SCAN)
        # Rows another relay is handing on right now are left to it.
        rows = await self._uow.execute(
            _PENDING, {"channel": channel.value, "symbols": list(symbols), "limit": limit}
        )
        return [_message(row) for row in rows]

    async def waiting(self, channel: OutboxChannel, symbol: str) -> list[OutboxMessage]:
        rows = await self._uow.execute(
            select(*_MESSAGE)
            .where(outbox.c.channel == channel.value, outbox.c.symbol == symbol)
            .order_by(outbox.c.outbox_id)
        )
        return [_message(row) for row in rows]

    async def relayed(self, outbox_ids: Sequence[int]) -> None:
        await self._uow.execute(_RELAYED, {"ids": list(outbox_ids)})


_sequences_decoder = msgspec.msgpack.Decoder(dict[int, int])


def _message(row: AnyRow) -> OutboxMessage:
    return OutboxMessage(
        row.outbox_id, row.symbol, row.sequence, row.events, _decode(row.account_sequences)
    )


def _encode(first: dict[int, int]) -> bytes:
    return msgspec.msgpack.encode(first)


def _decode(data: bytes | None) -> dict[int, int]:
    return {} if data is None else _sequences_decoder.decode(data)


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
