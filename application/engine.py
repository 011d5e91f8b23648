"""One writer per market: the `MarketEngine` applies its market's commands one at a time, in
arrival order, stamps each with the next sequence number, commits their effects and only then
publishes their events and answers the callers."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from attrs import define, field

from application.errors import MarketUnavailable
from application.ports import EventPublisher, UnitOfWorkFactory
from application.projection import record_events
from domain.commands import AmendOrder, CancelOrder, CancelReplace, PlaceOrder
from domain.errors import DomainError
from domain.events import Event, Trade
from domain.exchange import Exchange
from domain.orders import Side
from domain.ticker import RollingTicker

logger = logging.getLogger(__name__)

MarketCommand = PlaceOrder | CancelOrder | AmendOrder | CancelReplace
MAX_BATCH = 256  # commands committed in one transaction at most (group commit)


@define
class Applied:
    """What one command did. A cancel-replace may succeed in part: then the error of the part
    that failed is given beside the events of the part that did not."""

    sequence: int
    events: list[Event]
    cancel_error: DomainError | None = None
    place_error: DomainError | None = None


@define
class _Pending:
    command: MarketCommand
    reply: "asyncio.Future[Applied]"
    applied: Applied | None = None


@define
class Depth:
    last_update_id: int
    bids: list[tuple[int, int]]
    asks: list[tuple[int, int]]


@define
class MarketEngine:
    exchange: Exchange
    symbol: str
    unit_of_work: UnitOfWorkFactory
    publisher: EventPublisher
    sequence: int = 0
    ticker: RollingTicker = field(factory=RollingTicker)
    _queue: "asyncio.Queue[_Pending]" = field(factory=asyncio.Queue)
    _task: "asyncio.Task[None] | None" = None

    async def submit(self, command: MarketCommand) -> Applied:
        """Queues a command and waits until its effects are committed; raises the domain's
        error if it was refused, and then nothing changed."""
        if self._task is None or self._task.done():
            raise MarketUnavailable(self.symbol)
        reply: asyncio.Future[Applied] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(command, reply))
        return await reply

    def depth(self, limit: int) -> Depth:
        book = self.exchange.state(self.symbol).book
        return Depth(self.sequence, book.depth(Side.BUY, limit), book.depth(Side.SELL, limit))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"engine-{self.symbol}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._apply(batch)

    async def _apply(self, batch: Sequence[_Pending]) -> None:
        for pending in batch:
            try:
                pending.applied = self._execute(pending.command)
            except DomainError as error:
                _answer(pending.reply, error=error)
        done = [p for p in batch if p.applied is not None]
        if not done:
            return
        try:
            async with self.unit_of_work() as uow:
                await record_events(
                    uow,
                    [(p.applied.events, _timestamp(p.command)) for p in done if p.applied],
                )
                await uow.commit()
        except Exception as error:
            # The store refused: nobody may think these happened, and the book in memory no
            # longer matches the store, so this engine stops taking commands.
            for pending in done:
                _answer(pending.reply, error=MarketUnavailable(self.symbol))
            logger.exception("engine %s stopped: its commit failed", self.symbol, exc_info=error)
            raise
        for pending in done:
            applied = pending.applied
            assert applied is not None
            for event in applied.events:
                if isinstance(event, Trade):
                    self.ticker.add(event)
            await self.publisher.publish(self.symbol, applied.sequence, applied.events)
            _answer(pending.reply, applied)

    def _execute(self, command: MarketCommand) -> Applied:
        if isinstance(command, CancelReplace):
            result = self.exchange.cancel_replace(command)
            self.sequence += 1
            return Applied(self.sequence, result.events, result.cancel_error, result.place_error)
        events = self.exchange.execute(command)
        self.sequence += 1
        return Applied(self.sequence, events)


def _answer(
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


def _timestamp(command: MarketCommand) -> int:
    return command.place.timestamp if isinstance(command, CancelReplace) else command.timestamp
