"""The load of `benchmarks.http_load` sent over the WebSocket API instead of REST: the same
requests (signed order placements, cancels, depth reads) at the same rates, spread over a fixed
set of connections to /ws-api/v3, each answer matched to its request by id. Requests on one
market are answered in order on each connection, so the connections bound the orders in flight."""

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from adapters.security.signatures import sign
from benchmarks.order_load import Load, Mix, Trader

METHODS = {"place": "order.place", "cancel": "order.cancel", "depth": "depth"}


class Connection:
    """One WebSocket API connection: requests out, each answer to the request of its id."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.reading = asyncio.create_task(self._read())

    async def call(self, ident: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = asyncio.get_running_loop().create_future()
        self.waiting[ident] = answer
        await self.socket.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        frame: dict[str, Any] = await answer
        return frame

    async def _read(self) -> None:
        async for message in self.socket:
            frame = json.loads(message.data)
            waiting = self.waiting.pop(frame.get("id"), None)
            if waiting is not None:
                waiting.set_result(frame)
        for waiting in self.waiting.values():
            waiting.set_exception(ConnectionError("the connection closed"))


def signed(trader: Trader, params: dict[str, Any]) -> dict[str, Any]:
    """Signed as Binance's WebSocket API has it: every parameter, sorted by name."""
    params = params | {"apiKey": trader.api_key, "timestamp": int(time.time() * 1000)}
    payload = "&".join(f"{name}={params[name]}" for name in sorted(params))
    return params | {"signature": sign(trader.secret, payload)}


class WsApiLoad(Load):
    def __init__(
        self, urls: list[str], traders: list[Trader], seed: int, mix: Mix, connections: int
    ) -> None:
        super().__init__(urls, traders, seed, mix)
        self.connections = connections
        self.ids = itertools.count(1)

    @contextlib.asynccontextmanager
    async def connected(self) -> AsyncIterator[Any]:
        async with aiohttp.ClientSession() as session:
            sockets = [
                await session.ws_connect(
                    self.urls[n % len(self.urls)].replace("http", "ws", 1)
                    + "/ws-api/v3?returnRateLimits=false",
                    max_msg_size=0,
                )
                for n in range(self.connections)
            ]
            connections = [Connection(socket) for socket in sockets]
            try:
                yield connections
            finally:
                for socket in sockets:
                    await socket.close()
                for connection in connections:
                    connection.reading.cancel()

    async def one(self, channel: Any, index: int, intended: float) -> None:
        connections: list[Connection] = channel
        kind, trader, params = self.request()
        if kind != "depth":
            params = signed(trader, params)
        try:
            frame = await connections[index % len(connections)].call(
                next(self.ids), METHODS[kind], params
            )
        except ConnectionError as error:
            self.finished(kind, type(error).__name__, intended)
            return
        answer = frame["result"] if frame["status"] == 200 else frame["error"]
        self.record(kind, trader, frame["status"], answer, intended)
