"""A client too slow for its streams is disconnected with a reason, never skipped silently;
limits on streams per connection and connections per address hold."""

import asyncio
import json
from typing import Any

import attrs
import pytest
import websockets

from entrypoints.api import stream_connection, streams
from entrypoints.api.stream_followers import Followers, StreamFollowers
from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer


class StalledSocket:
    """A client connection whose reader stopped: sends wait until released."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}  # an ASGI server's, without our extension
        self.sent: list[str] = []
        self.closed: tuple[int, str] | None = None
        self.release = asyncio.Event()

    async def send_text(self, text: str) -> None:
        await self.release.wait()
        self.sent.append(text)

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


async def test_a_client_that_falls_behind_is_disconnected_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_connection, "QUEUE_LIMIT", 3)
    socket = StalledSocket()
    registry = StreamFollowers(None)  # type: ignore[arg-type]
    connection = stream_connection.Connection(socket, registry, combined=True)  # type: ignore[arg-type]
    followers = Followers("btcusdt@depth", None, registry.flusher)  # type: ignore[arg-type]
    followers.connections[connection] = None
    sender = asyncio.create_task(connection.send_loop())
    for sequence in range(6):
        followers.deliver(b'btcusdt@depth\n{"u":' + str(sequence).encode() + b"}")
    await asyncio.sleep(0)
    socket.release.set()
    await asyncio.wait_for(sender, 1)
    assert socket.closed == (1008, "Too slow: messages were piling up.")
    assert socket.sent == []  # what was queued is moot: the client must resync anyway


async def test_stream_and_connection_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "MAX_STREAMS", 2)
    with LiveServer(attrs.evolve(SETTINGS, connections_per_address=2)) as live:
        await limits_hold(live)


async def limits_hold(live: LiveServer) -> None:
    async with websockets.connect(f"{live.ws_url}/ws") as first:
        params = ["btcusdt@trade", "ethusdt@trade", "ethbtc@trade"]
        await first.send(json.dumps({"method": "SUBSCRIBE", "params": params, "id": 7}))
        answer: Any = json.loads(await asyncio.wait_for(first.recv(), 5))
        assert answer["error"]["code"] == 2
        assert "at most 2 streams" in answer["error"]["msg"]
        async with websockets.connect(f"{live.ws_url}/ws"):
            with pytest.raises(websockets.exceptions.ConnectionClosed) as refused:
                async with websockets.connect(f"{live.ws_url}/ws") as third:
                    await asyncio.wait_for(third.recv(), 5)
            assert refused.value.rcvd is not None
            assert refused.value.rcvd.code == 1013
