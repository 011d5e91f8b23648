"""WebSocket market and user streams, as Binance serves them: raw streams at /ws/<name>,
combined streams at /stream?streams=a/b, and SUBSCRIBE, UNSUBSCRIBE and LIST_SUBSCRIPTIONS
on an open connection. Each connection has a bounded queue: a client that falls that far
behind is disconnected with a reason, never silently skipped."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import msgspec
from attrs import define, field
from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from application import metrics
from application.user_streams import UnknownListenKey
from entrypoints.api.limits import MESSAGES_PER_SECOND, MessageRate
from entrypoints.api.listen_key_stream import ListenKeyStream
from entrypoints.api.services import Services
from entrypoints.api.websocket_protocol import SEND_TEXTS
from entrypoints.streams.names import is_stream
from entrypoints.streams.revocations import REVOKED

QUEUE_LIMIT = 2000  # messages waiting for one slow client
MAX_STREAMS = 1024  # per connection, as Binance allows
NORMAL_CLOSURE = 1000
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
TOO_MANY_MESSAGES = f"Too many messages: at most {MESSAGES_PER_SECOND} a second."


class Framing:
    """A message framed once for every connection that gets it: raw (the payload) and combined
    (wrapped with its stream name), as the UTF-8 bytes of a text message. The channel hands the
    same bytes object to each of its subscribers in turn, so remembering the last one is
    enough."""

    def __init__(self) -> None:
        self._message: bytes | None = None
        self._framed = (b"", b"")

    def __call__(self, message: bytes) -> tuple[bytes, bytes]:
        if message is not self._message:
            name, _, payload = message.partition(b"\n")
            combined = b'{"stream":"' + name + b'","data":' + payload + b"}"
            self._message, self._framed = message, (payload, combined)
        return self._framed


framing = Framing()


class Recipient(Protocol):
    def deliver(self, message: bytes) -> None: ...


class Delivery(Subscriber):
    """Hands each message straight to its recipient (a connection, a subscription) instead of
    queueing it twice."""

    recipient: Recipient | None = None

    def put_nowait(self, item: bytes | None) -> bool:
        if item is not None and self.recipient is not None:
            self.recipient.deliver(item)
        return True

    async def put(self, item: bytes | None) -> None:
        self.put_nowait(item)


@define
class Connection:
    """What is queued for a client waits in `pending` (the UTF-8 bytes of each message), and
    the sender takes all of it at each turn: through uvicorn, in one event and one write
    (`websocket_protocol`)."""

    socket: WebSocket[Any, Any, Any]
    channels: ChannelsPlugin
    combined: bool
    pending: list[bytes] = field(factory=list)
    queued: asyncio.Event = field(factory=asyncio.Event)
    subscriptions: dict[str, Subscriber] = field(factory=dict)
    lagging: bool = False
    revoked: Callable[[], None] | None = None  # what a revocation notice does
    finished: bool = False

    def deliver(self, message: bytes) -> None:
        if message.startswith(REVOKED_BYTES):
            if self.revoked is not None:
                self.revoked()
            return
        if self.lagging or self.finished:
            return
        self.queue(framing(message)[self.combined])

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
                subscriber = await self.channels.subscribe([name])
                assert isinstance(subscriber, Delivery)
                subscriber.recipient = self
                self.subscriptions[name] = subscriber

    async def unsubscribe(self, names: list[str]) -> None:
        for name in names:
            subscriber = self.subscriptions.pop(name, None)
            if subscriber is not None:
                await self.channels.unsubscribe(subscriber, [name])

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

    def _sender(self) -> Callable[[list[bytes]], Awaitable[None]]:
        socket = self.socket
        if SEND_TEXTS in (socket.scope.get("extensions") or {}):

            async def send_at_once(texts: list[bytes]) -> None:
                event: Any = {"type": SEND_TEXTS, "texts": texts}
                await socket.send(event)

            return send_at_once

        async def send_each(texts: list[bytes]) -> None:  # what any ASGI server takes
            for text in texts:
                await socket.send_text(text.decode())

        return send_each


class Requests:
    """The JSON methods a client may send on an open connection."""

    def __init__(self, connection: Connection, symbols: set[str]) -> None:
        self.connection = connection
        self.symbols = symbols

    async def handle(self, text: str) -> dict[str, Any]:
        try:
            request = msgspec.json.decode(text)
        except msgspec.DecodeError:
            return _error(3, "Invalid JSON: malformed message", None)
        except RecursionError:  # how msgspec tells nesting deeper than the interpreter's stack
            return _error(3, "Invalid JSON: nested too deeply", None)
        if not isinstance(request, dict):
            return _error(3, "Invalid JSON: expected an object", None)
        ident = request.get("id")
        method, params = request.get("method"), request.get("params", [])
        if method == "LIST_SUBSCRIPTIONS":
            names = [n for n in self.connection.subscriptions if not n.startswith(PRIVATE)]
            return {"result": names, "id": ident}
        if method not in ("SUBSCRIBE", "UNSUBSCRIBE"):
            return _error(2, f"Invalid request: unknown method {method!r}", ident)
        if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
            return _error(1, "Invalid value type: params must be a list of stream names", ident)
        if method == "UNSUBSCRIBE":
            await self.connection.unsubscribe(params)
            return {"result": None, "id": ident}
        unknown = [p for p in params if not is_stream(p, self.symbols)]
        if unknown:
            return _error(2, f"Invalid request: unknown stream {unknown[0]!r}", ident)
        if len(set(self.connection.subscriptions) | set(params)) > MAX_STREAMS:
            return _error(
                2, f"Invalid request: at most {MAX_STREAMS} streams per connection", ident
            )
        await self.connection.subscribe(params)
        return {"result": None, "id": ident}


def _error(code: int, msg: str, ident: object) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": ident}


connections_by_address: Counter[str] = Counter()
REVOKED_BYTES = REVOKED.encode()
PRIVATE = ("user:", REVOKED)  # channels a connection follows that are not streams it asked for


async def serve(
    socket: WebSocket[Any, Any, Any],
    services: Services,
    channels: ChannelsPlugin,
    combined: bool,
    names: list[str],
    user_stream: ListenKeyStream | None = None,
) -> None:
    address = socket.client.host if socket.client else "unknown"
    await socket.accept()
    if connections_by_address[address] >= services.connections_per_address:
        await socket.close(TRY_AGAIN_LATER, "Too many connections from this address.")
        return
    symbols = {market.symbol for market in services.market_data.markets()}
    connection = Connection(socket, channels, combined)
    requests = Requests(connection, symbols)
    rate = MessageRate(MESSAGES_PER_SECOND)
    connections_by_address[address] += 1
    metrics.stream_connections.inc()
    sender = asyncio.create_task(connection.send_loop())
    watcher: asyncio.Task[None] | None = None
    if user_stream is not None:
        clock = services.user_streams.clock
        connection.revoked = lambda: connection.finish(user_stream.expired(clock.now()))
        names = [*names, *user_stream.channels()]
        watcher = asyncio.create_task(user_stream.watch(services, connection.finish))
    try:
        await connection.subscribe(names)
        while True:
            text = await socket.receive_text()
            if not rate.allows():
                sender.cancel()  # nothing more goes out but the reason
                await socket.close(POLICY_VIOLATION, TOO_MANY_MESSAGES)
                return
            connection.queue(msgspec.json.encode(await requests.handle(text)))
    except WebSocketDisconnect:
        pass
    finally:
        for task in (sender, watcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await connection.unsubscribe(list(connection.subscriptions))
        connections_by_address[address] -= 1
        metrics.stream_connections.dec()


@websocket("/ws")
async def raw_streams(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    channels: NamedDependency[ChannelsPlugin],
) -> None:
    await serve(socket, services, channels, combined=False, names=[])


@websocket("/ws/{name:str}")
async def raw_stream(
    socket: WebSocket[Any, Any, Any],
    name: FromPath[str],
    services: NamedDependency[Services],
    channels: NamedDependency[ChannelsPlugin],
) -> None:
    """One named stream, or a user data stream by its listen key; any other name (clients
    such as ccxt number their connections /ws/0, /ws/1...) opens a connection without."""
    symbols = {market.symbol for market in services.market_data.markets()}
    try:
        holder = await services.user_streams.holder(name)
    except UnknownListenKey:
        names = [name] if is_stream(name, symbols) else []
        await serve(socket, services, channels, combined=False, names=names)
        return
    user_stream = ListenKeyStream(name, holder)
    await serve(socket, services, channels, combined=False, names=[], user_stream=user_stream)


@websocket("/stream")
async def combined_streams(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    channels: NamedDependency[ChannelsPlugin],
) -> None:
    wanted = socket.query_params.get("streams", "")
    symbols = {market.symbol for market in services.market_data.markets()}
    names = [n for n in wanted.split("/") if n]
    if not all(is_stream(n, symbols) for n in names) or len(names) > MAX_STREAMS:
        await socket.accept()
        await socket.close(POLICY_VIOLATION, "Invalid stream name.")
        return
    await serve(socket, services, channels, combined=True, names=names)
