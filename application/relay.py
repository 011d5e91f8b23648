"""The outbox relay: hands committed events on to the publisher, in commit order, and marks
them relayed; after a crash it picks up whatever was committed and not yet handed on."""

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

import msgspec
from attrs import define, field

from application import metrics
from application.errors import Unavailable
from application.ports import EventPublisher, OutboxSignal, UnitOfWorkFactory
from application.records import OutboxMessage
from domain.events import (
    BookChanged,
    Event,
    IcebergShown,
    ListStatus,
    MarketStatusChanged,
    OrderAccepted,
    OrderUpdated,
    PreventedMatch,
    StopTrailed,
    Trade,
)
from domain.ledger import JournalEntry

logger = logging.getLogger(__name__)

EVENT_TYPES: dict[str, type[Event]] = {
    kind.__name__: kind
    for kind in (
        OrderAccepted,
        OrderUpdated,
        StopTrailed,
        IcebergShown,
        PreventedMatch,
        Trade,
        JournalEntry,
        BookChanged,
        MarketStatusChanged,
        ListStatus,
    )
}
BATCH = 500
RETRY_SECONDS = 0.5
POLL_SECONDS = 1.0  # a relay looks at the outbox this often even without a signal

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(list[tuple[str, msgspec.Raw]])


def encode_events(events: Sequence[Event]) -> bytes:
    return _encoder.encode([(type(event).__name__, event) for event in events])


def decode_events(data: bytes) -> list[Event]:
    return [
        msgspec.msgpack.decode(raw, type=EVENT_TYPES[kind]) for kind, raw in _decoder.decode(data)
    ]


class LogWriter(Protocol):
    """Appends committed messages to the event log (`application.event_log.EventLogWriter`)."""

    async def write(self, messages: Sequence[OutboxMessage]) -> None: ...


@define
class Relay:
    """Relays the outbox of `symbols` (those of the markets this process runs, which engines
    join and leave, with "" for events of accounts alone; or every market's, in the market
    data role), woken by the signal that `notify` gives after each commit, in this process or
    another.

    With an event log (`aws`), each batch is appended to the log before it is published: a
    batch the log refuses is tried again whole, and so the log may get a record twice (its
    consumers drop repeats), while the streams and views of this process get it once."""

    unit_of_work: UnitOfWorkFactory
    publisher: EventPublisher
    signal: OutboxSignal
    log: LogWriter | None = None
    symbols: set[str] = field(factory=lambda: {""})
    _task: "asyncio.Task[None] | None" = None
    _store_down: bool = False
    _caught_up_at: float = 0.0  # the monotonic time of the last pass that relayed all it found

    @property
    def behind_s(self) -> float:
        """Seconds since a pass last relayed everything waiting when it began (0 while not
        relaying): grows while the relay cannot reach the store or publish, or finds a full
        batch waiting pass after pass."""
        if self._task is None:
            return 0.0
        return time.monotonic() - self._caught_up_at

    def notify(self) -> None:
        self.signal.notify()

    def start(self) -> None:
        self._caught_up_at = time.monotonic()
        metrics.outbox_behind_seconds.set_function(lambda: self.behind_s)
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        retry = False
        while True:
            if not retry:
                await self.signal.wait(POLL_SECONDS)
            retry = False
            try:
                while await self.relay_once():
                    pass
            except Unavailable as error:  # the store is out of reach: told once per outage
                if not self._store_down:
                    self._store_down = True
                    logger.warning("outbox relay waits for the store: %s", error)
            except Exception:
                logger.exception("outbox relay failed; retrying")
            else:
                self._store_down = False
                continue
            await asyncio.sleep(RETRY_SECONDS)
            retry = True

    async def relay_once(self) -> int:
        """Relays one batch of pending messages; the number relayed."""
        async with self.unit_of_work() as uow:
            messages = await uow.outbox.pending(self.symbols, BATCH)
            metrics.outbox_backlog.set(len(messages))
            if not messages:
                self._caught_up_at = time.monotonic()
                return 0
            if self.log is not None:
                await self.log.write(messages)
            for message in messages:
                events = decode_events(message.events)
                await self.publisher.publish(message.symbol, message.sequence, events)
            await uow.outbox.relayed([message.outbox_id for message in messages])
            await uow.commit()
        if len(messages) < BATCH:  # what was waiting when the pass began is relayed
            self._caught_up_at = time.monotonic()
        metrics.outbox_relayed.inc(len(messages))
        return len(messages)
