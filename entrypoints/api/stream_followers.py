"""The followers of each stream in this process. Each stream has one subscriber on the
channels, whatever the number of connections that follow it: a message is framed once (raw,
and wrapped for combined streams) and its bytes appended to the queue of every follower, in
one loop with no call per connection (`stream_connection` writes the queues out)."""

from attrs import define, field
from litestar.channels import ChannelsPlugin

from application import metrics
from entrypoints.api import stream_connection
from entrypoints.api.delivery import Delivery
from entrypoints.api.stream_connection import Connection, Flusher
from entrypoints.streams.revocations import REVOKED


@define(eq=False)
class Followers:
    """The connections that follow one stream (or a private channel: a user's data, a
    credential's revocation notices), in the order they came."""

    name: str
    subscriber: Delivery
    flusher: Flusher
    connections: dict[Connection, None] = field(factory=dict)

    def deliver(self, message: bytes) -> None:
        if self.name.startswith(REVOKED):  # a credential's channel: its notice ends streams
            for connection in list(self.connections):
                if connection.revoked is not None:
                    connection.revoked()
            return
        name, _, raw = message.partition(b"\n")
        combined = b'{"stream":"' + name + b'","data":' + raw + b"}"
        waiting = self.flusher.waiting
        limit = stream_connection.QUEUE_LIMIT
        for connection in self.connections:
            if connection.lagging or connection.finished:
                continue
            pending = connection.pending
            if not pending:  # its first since its last write
                waiting.append(connection)
            if len(pending) < limit:
                pending.append(combined if connection.combined else raw)
            else:
                connection.lagging = True
                connection.queued.set()
                metrics.stream_slow.inc()
        self.flusher.schedule()


class StreamFollowers:
    """Which connections of this process follow which stream: one channel subscriber each."""

    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels
        self.streams: dict[str, Followers] = {}
        self.flusher = Flusher()

    async def follow(self, name: str, connection: Connection) -> Followers:
        followers = self.streams.get(name)
        if followers is None:
            subscriber = await self.channels.subscribe([name])
            assert isinstance(subscriber, Delivery)
            followers = self.streams.get(name)
            if followers is None:
                followers = Followers(name, subscriber, self.flusher)
                self.streams[name] = subscriber.recipient = followers
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
