"""/ws-api/v3: Binance's WebSocket API, served by the api role. Opening a connection weighs 2
from the client's address; its requests share their weight with REST's, per address and per
API key."""

import asyncio
from typing import Any

from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect

from application.errors import RateLimited
from entrypoints.api.services import Services
from entrypoints.api.stream_connection import POLICY_VIOLATION
from entrypoints.api.streams import TRY_AGAIN_LATER, connections_by_address
from entrypoints.api.ws_api.local import LOCAL_METHODS
from entrypoints.api.ws_api.session import ApiSession

CONNECTION_WEIGHT = 2


@websocket("/ws-api/v3")
async def websocket_api(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    channels: NamedDependency[ChannelsPlugin],
) -> None:
    session = ApiSession.open(socket, services, channels, LOCAL_METHODS)
    await socket.accept()
    if connections_by_address[session.address] >= services.connections_per_address:
        await socket.close(TRY_AGAIN_LATER, "Too many connections from this address.")
        return
    try:
        await session.charge(CONNECTION_WEIGHT)
    except RateLimited as error:
        await socket.close(POLICY_VIOLATION, str(error)[:120])
        return
    connections_by_address[session.address] += 1
    sender = asyncio.create_task(session.send_loop())
    watcher = asyncio.create_task(session.user_data.watch(services))
    try:
        while True:
            session.receive(await socket.receive_text())
    except WebSocketDisconnect:
        pass
    finally:
        for task in (sender, watcher):
            task.cancel()
        # The sender may have ended first, on a connection the client had closed.
        await asyncio.gather(sender, watcher, return_exceptions=True)
        await session.close()
        connections_by_address[session.address] -= 1
