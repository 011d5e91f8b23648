"""In-process fan-out of committed events to whoever subscribed."""

import asyncio
from collections.abc import Sequence

from attrs import define, field

from domain.events import Event


@define(frozen=True)
class Published:
    symbol: str
    sequence: int
    events: tuple[Event, ...]


@define
class MemoryEventPublisher:
    """Each subscriber gets its own bounded queue; one that falls behind loses its queue
    (it is closed with `None`) rather than slowing the engine down."""

    queue_size: int = 10_000
    _subscribers: set["asyncio.Queue[Published | None]"] = field(factory=set)

    async def publish(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        message = Published(symbol, sequence, tuple(events))
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self._subscribers.discard(queue)
                queue.get_nowait()
                queue.put_nowait(None)

    def subscribe(self, bounded: bool = True) -> "asyncio.Queue[Published | None]":
        """A queue of what is published from now on; an unbounded one is for a subscriber
        that must see everything (the stream hub), and may grow while it is busy."""
        queue: asyncio.Queue[Published | None] = asyncio.Queue(self.queue_size if bounded else 0)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: "asyncio.Queue[Published | None]") -> None:
        self._subscribers.discard(queue)
