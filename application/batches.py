"""The commands a market's engine takes together: each waiting for its answer, and each batch
applied in memory while its commit is under way (`application.engine`)."""

import asyncio

from attrs import define, field
from opentelemetry.trace import SpanContext

from application.bus import Applied, MarketCommand
from application.projection import Orders


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
