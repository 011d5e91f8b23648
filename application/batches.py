"""The commands a market's engine takes together: each waiting for its answer, and each batch
applied in memory while its commit is under way (`application.engine`)."""

import asyncio
from collections.abc import Iterable, Sequence

from attrs import define, field
from opentelemetry.trace import SpanContext

from application.bus import Applied, MarketCommand, decode_answer, encode_answer
from application.errors import BackendTimeout
from application.ports import UnitOfWork
from application.projection import KnownOrders, Orders, record_batch
from domain.commands import CancelReplace


@define
class Pending:
    """A command in the engine's queue, or applied and waiting for its commit."""

    command: MarketCommand
    reply: "asyncio.Future[Applied]"
    command_id: str | None = None  # given by a sender that may deliver the command again
    deadline: int | None = None
    origin: SpanContext | None = None  # the span of the request the command serves
    applied: Applied | None = None
    # The replies to the same command sent again (the same id) while it was committing.
    again: "list[asyncio.Future[Applied]]" = field(factory=list)

    def answer(self, applied: Applied | None = None, error: BaseException | None = None) -> None:
        for reply in (self.reply, *self.again):
            answer(reply, applied, error)


@define(eq=False)
class Batch:
    """Commands applied in memory, their writes staged in a transaction of their own."""

    done: list[Pending]  # applied: answered once committed
    touched: set[int]  # accounts they changed in memory
    orders: Orders  # every order they changed, as they left it
    sequence: int  # the market's sequence after them
    written: asyncio.Event = field(factory=asyncio.Event)  # writes sent, or never will be
    commit: "asyncio.Task[None] | None" = None
    failure: BaseException | None = None  # why its commit failed, once it ended

    @property
    def ended(self) -> bool:
        return self.commit is not None and self.commit.done()

    async def ending(self) -> None:
        """Until its commit has ended, committed or not."""
        assert self.commit is not None
        await asyncio.wait([self.commit])


async def answer_known(
    uow: UnitOfWork, batch: Sequence[Pending], committing: Iterable[Batch], now: int
) -> list[Pending]:
    """Answers the commands committed before (from their record), those still `committing`
    (as they will be) and those whose sender no longer waits; the others, to apply. The
    record is read in the transaction that commits the batch."""
    ids = [pending.command_id for pending in batch if pending.command_id is not None]
    known = await uow.commands.answers(ids) if ids else {}
    sent = {
        pending.command_id: pending
        for earlier in (committing if ids else ())
        for pending in earlier.done
        if pending.command_id is not None
    }
    fresh = []
    for pending in batch:
        if pending.command_id in known:
            _, recorded = decode_answer(known[pending.command_id])
            if isinstance(recorded, Applied):
                pending.answer(recorded)
            else:
                pending.answer(error=recorded)
        elif pending.command_id in sent:
            sent[pending.command_id].again.append(pending.reply)
        elif pending.deadline is not None and now > pending.deadline:
            pending.answer(error=BackendTimeout())
        else:
            fresh.append(pending)
    return fresh


async def stage(
    uow: UnitOfWork, symbol: str, done: Sequence[Pending], known: KnownOrders, now: int
) -> Orders:
    """Stages the batch's events, in the outbox and in the history, and its answers; every
    order the batch changed, as it left it."""
    batch = []
    for pending in done:
        applied = pending.applied
        assert applied is not None
        batch.append((applied.events, _timestamp(pending.command), applied.sequence))
        await uow.outbox.add(symbol, applied.sequence, applied.events)
    after, orders = await record_batch(uow, batch, known)
    for pending, changed in zip(done, after, strict=True):
        assert pending.applied is not None
        pending.applied.orders = changed
        if pending.command_id is not None:
            recorded = encode_answer(pending.command_id, pending.applied, None)
            pending.applied.recorded = recorded
            await uow.commands.add(pending.command_id, symbol, recorded, now)
    return orders


def _timestamp(command: MarketCommand) -> int:
    return command.place.timestamp if isinstance(command, CancelReplace) else command.timestamp


def answer(
    reply: "asyncio.Future[Applied]",
    applied: Applied | None = None,
    error: BaseException | None = None,
) -> None:
    # A caller that went away (its request was cancelled) no longer waits for the answer;
    # what the command did stands all the same.
    if reply.done():
        return
    if error is not None:
        reply.set_exception(error)
    else:
        reply.set_result(applied)  # type: ignore[arg-type]
