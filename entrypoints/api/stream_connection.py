"""A stream connection's queue and sender, and the followers of each stream in this process.

Each stream has one subscriber on the channels, whatever the number of connections that follow
it: a message is framed once (raw, and wrapped for combined streams) and its bytes appended to
the queue of every follower, in one loop with no call per connection. A connection's sender
takes all that queued at each turn and hands it to uvicorn in one call, written at once
(`websocket_protocol`)."""

import asyncio
from collections.abc import Callable
from typing import Any, cast

from attrs import define, field
from litestar import WebSocket
from litestar.channels import ChannelsPlugin

from application import metrics
from entrypoints.api.delivery import Delivery
from entrypoints.api.websocket_protocol import SEND_TEXTS, SendTexts
from entrypoints.streams.revocations import REVOKED

QUEUE_LIMIT = 2000  # messages waiting for one slow client
NORMAL_CLOSURE = 1000
POLICY_VIOLATION = 1008


@define(eq=False)
class Connection:
    """What is queued for a client waits in `pending` (the UTF-8 bytes of each message);
    `queued` is set when `pending` gets its first message since the sender's last turn."""

    socket: WebSocket[Any, Any, Any]
    followers: "StreamFollowers"
    combined: bool
    pending: list[bytes] = field(factory=list)
    queued: asyncio.Event = field(factory=asyncio.Event)
    subscriptions: dict[str, "Followers"] = field(factory=dict)
    lagging: bool = False
    revoked: Callable[[], None] | None = None  # what a revocation notice does
    finished: bool = False

    def queue(self, text: bytes) -> None:
        if len(self.pending) >= QUEUE_LIMIT:
            self.lagging = True
            metrics.stream_slow.inc()
        else:
            self.pending.append(text)
        self.queued.set()

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
        send = self._sender()
        while True:
            await self.queued.wait()
            self.queued.clear()
            if self.lagging:
                await self.socket.close(POLICY_VIOLATION, "Too slow: messages were piling up.")
                return
            texts, self.pending = self.pending, []
            await send(texts)
            metrics.stream_messages.inc(len(texts))
            if self.finished and not self.pending:
                await self.socket.close(NORMAL_CLOSURE, "The stream's listenKey no longer holds.")
                return

    def _sender(self) -> SendTexts:
        socket = self.socket
        extension = (socket.scope.get("extensions") or {}).get(SEND_TEXTS)
        if extension is not None:
            return cast(SendTexts, extension["send"])

        async def send_each(texts: list[bytes]) -> None:  # what any ASGI server takes
            for text in texts:
                await socket.send_text(text.decode())

        return send_each


@define(eq=False)
class Followers:
    """The connections that follow one stream (or a private channel: a user's data, the
    revocation notices), in the order they came."""

    name: str
    subscriber: Delivery
    connections: dict[Connection, None] = field(factory=dict)

    def deliver(self, message: bytes) -> None:
        if self.name.startswith(REVOKED):  # a credential's channel: its notice ends streams
            for connection in list(self.connections):
                if connection.revoked is not None:
                    connection.revoked()
            return
        name, _, raw = message.partition(b"\n")
        combined = b'{"stream":"' + name + b'","data":' + raw + b"}"
        for connection in self.connections:
            if connection.lagging or connection.finished:
                continue
            pending = connection.pending
            if not pending:  # the sender's wake-up, once per turn
                connection.queued.set()
            if len(pending) < QUEUE_LIMIT:
                pending.append(combined if connection.combined else raw)
            else:
                connection.lagging = True
                metrics.stream_slow.inc()


class StreamFollowers:
    """Which connections of this process follow which stream: one channel subscriber each."""

    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels
        self.streams: dict[str, Followers] = {}

    async def follow(self, name: str, connection: Connection) -> Followers:
        followers = self.streams.get(name)
        if followers is None:
            subscriber = await self.channels.subscribe([name])
            assert isinstance(subscriber, Delivery)
            followers = self.streams.get(name)
            if followers is None:
                followers = self.streams[name] = Followers(name, subscriber=subscriber)
                subscriber.recipient = followers
            else:  # another connection came first meanwhile: its subscriber serves both
                await self.channels.unsubscribe(subscriber, [name])
        followers.connections[connection] = None
        return followers

    async def leave(self, name: str, connection: Connection) -> None:
        followers = self.streams.get(name)
        if followers is None:
            return
        followers.connections.pop(connection, None)
        if not followers.connections:
            del self.streams[name]
            await self.channels.unsubscribe(followers.subscriber, [name])
