"""WebSocket market and user streams, as Binance serves them: raw streams at /ws/<name>,
combined streams at /stream?streams=a/b, and SUBSCRIBE, UNSUBSCRIBE and LIST_SUBSCRIPTIONS
on an open connection. Each connection has a bounded queue: a client that falls that far
behind is disconnected with a reason, never silently skipped."""

import asyncio
import contextlib
from collections import Counter
from typing import Any

import msgspec
from litestar import WebSocket, websocket
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath

from application import metrics
from application.user_streams import UnknownListenKey
from entrypoints.api.limits import MESSAGES_PER_SECOND, MessageRate
from entrypoints.api.listen_key_stream import ListenKeyStream
from entrypoints.api.services import Services
from entrypoints.api.stream_connection import POLICY_VIOLATION, Connection
from entrypoints.api.stream_followers import StreamFollowers
from entrypoints.streams.names import is_stream
from entrypoints.streams.revocations import REVOKED

MAX_STREAMS = 1024  # per connection, as Binance allows
TRY_AGAIN_LATER = 1013
TOO_MANY_MESSAGES = f"Too many messages: at most {MESSAGES_PER_SECOND} a second."


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
PRIVATE = ("user:", REVOKED)  # channels a connection follows that are not streams it asked for


async def serve(
    socket: WebSocket[Any, Any, Any],
    services: Services,
    followers: StreamFollowers,
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
    connection = Connection(socket, followers, combined)
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
    followers: NamedDependency[StreamFollowers],
) -> None:
    await serve(socket, services, followers, combined=False, names=[])


@websocket("/ws/{name:str}")
async def raw_stream(
    socket: WebSocket[Any, Any, Any],
    name: FromPath[str],
    services: NamedDependency[Services],
    followers: NamedDependency[StreamFollowers],
) -> None:
    """One named stream, or a user data stream by its listen key; any other name (clients
    such as ccxt number their connections /ws/0, /ws/1...) opens a connection without."""
    symbols = {market.symbol for market in services.market_data.markets()}
    try:
        holder = await services.user_streams.holder(name)
    except UnknownListenKey:
        names = [name] if is_stream(name, symbols) else []
        await serve(socket, services, followers, combined=False, names=names)
        return
    user_stream = ListenKeyStream(name, holder)
    await serve(socket, services, followers, combined=False, names=[], user_stream=user_stream)


@websocket("/stream")
async def combined_streams(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    followers: NamedDependency[StreamFollowers],
) -> None:
    wanted = socket.query_params.get("streams", "")
    symbols = {market.symbol for market in services.market_data.markets()}
    names = [n for n in wanted.split("/") if n]
    if not all(is_stream(n, symbols) for n in names) or len(names) > MAX_STREAMS:
        await socket.accept()
        await socket.close(POLICY_VIOLATION, "Invalid stream name.")
        return
    await serve(socket, services, followers, combined=True, names=names)
