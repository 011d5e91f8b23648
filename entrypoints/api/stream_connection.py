"""A stream connection's queue, and how it reaches the socket.

What is queued for a client waits in `pending` (the UTF-8 bytes of each message). Through
uvicorn (`websocket_protocol`), a connection whose queue gets its first message is flushed
once the event loop's current turn is over, together with every other such connection: what
was published meanwhile goes out in one write per connection, with no task to wake. The
connection's sender task takes over whatever cannot be written that way: while the socket's
buffer is full, a client too slow (closed with a reason), the last message of a stream that
ends, and every message on an ASGI server without the extension."""

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from attrs import define, field
from litestar import WebSocket

from application import metrics
from entrypoints.api.websocket_protocol import SEND_TEXTS, SendTexts, WriteTexts

if TYPE_CHECKING:
    from entrypoints.api.stream_followers import Followers, StreamFollowers

QUEUE_LIMIT = 2000  # messages waiting for one slow client
NORMAL_CLOSURE = 1000
POLICY_VIOLATION = 1008


@define(eq=False)
class Flusher:
    """The connections whose queue got its first message in this turn of the event loop."""

    waiting: list["Connection"] = field(factory=list)
    scheduled: bool = False

    def schedule(self) -> None:
        if not self.scheduled and self.waiting:
            self.scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self.scheduled = False
        waiting, self.waiting = self.waiting, []
        written = sum(connection.flush() for connection in waiting)
        metrics.stream_messages.inc(written)


@define(eq=False)
class Connection:
    socket: WebSocket[Any, Any, Any]
    followers: "StreamFollowers"
    combined: bool
    pending: list[bytes] = field(factory=list)
    queued: asyncio.Event = field(factory=asyncio.Event)  # the sender's turn
    sending: bool = False  # the sender holds messages the socket has not taken yet
    subscriptions: dict[str, "Followers"] = field(factory=dict)
    lagging: bool = False
    revoked: Callable[[], None] | None = None  # what a revocation notice does
    finished: bool = False
    write: WriteTexts | None = field(init=False, default=None)  # at once, if the socket takes it
    send: SendTexts = field(init=False)

    def __attrs_post_init__(self) -> None:
        extension = (self.socket.scope.get("extensions") or {}).get(SEND_TEXTS)
        if extension is None:
            self.send = self._send_each
        else:
            self.write = cast(WriteTexts, extension["write"])
            self.send = cast(SendTexts, extension["send"])

    def queue(self, text: bytes) -> None:
        if len(self.pending) >= QUEUE_LIMIT:
            self.lagging = True
            metrics.stream_slow.inc()
            self.queued.set()
            return
        if not self.pending:
            flusher = self.followers.flusher
            flusher.waiting.append(self)
            flusher.schedule()
        self.pending.append(text)

    def flush(self) -> int:
        """Writes what is queued if the socket takes it now, and answers how many messages it
        wrote; else the sender will write them."""
        written = len(self.pending)
        if not written:
            return 0
        if self.write is None or self.sending or self.lagging or self.finished:
            self.queued.set()
        elif self.write(self.pending):
            self.pending = []
            return written
        else:
            self.queued.set()
        return 0

    async def subscribe(self, names: list[str]) -> None:
        for name in names:
            if name not in self.subscriptions:
                self.subscriptions[name] = await self.followers.follow(name, self)

    async def unsubscribe(self, names: list[str]) -> None:
        for name in names:
            if self.subscriptions.pop(name, None) is not None:
                await self.followers.leave(name, self)

    def finish(self, last: str) -> None:
        """Sends `last` after what is queued, and nothing after it, then closes."""
        if self.finished:
            return
        self.finished = True
        self.queue(last.encode())

    async def send_loop(self) -> None:
        while True:
            await self.queued.wait()
            self.queued.clear()
            if self.lagging:
                await self.socket.close(POLICY_VIOLATION, "Too slow: messages were piling up.")
                return
            texts, self.pending = self.pending, []
            self.sending = True
            try:
                await self.send(texts)
            finally:
                self.sending = False
            metrics.stream_messages.inc(len(texts))
            if self.finished and not self.pending:
                await self.socket.close(NORMAL_CLOSURE, "The stream's listenKey no longer holds.")
                return

    async def _send_each(self, texts: list[bytes]) -> None:  # what any ASGI server takes
        for text in texts:
            await self.socket.send_text(text.decode())
