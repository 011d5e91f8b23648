"""A stream connection writes what queued for it at the end of the event loop's turn, and its
sender takes over while the socket's buffer is full: messages leave in the order they came."""

import asyncio
from typing import Any

from entrypoints.api.stream_connection import Connection
from entrypoints.api.stream_followers import Followers, StreamFollowers
from entrypoints.api.websocket_protocol import SEND_TEXTS


class FillingSocket:
    """A socket whose buffer is full until `room` is set: `write` refuses, `send` waits."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.writes = 0
        self.room = asyncio.Event()
        self.scope: dict[str, Any] = {
            "extensions": {SEND_TEXTS: {"send": self.send, "write": self.write}}
        }

    def write(self, texts: list[bytes]) -> bool:
        if not self.room.is_set():
            return False
        self.written += texts
        self.writes += 1
        return True

    async def send(self, texts: list[bytes]) -> None:
        await self.room.wait()
        self.written += texts
        self.writes += 1


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_messages_leave_in_order_through_a_full_buffer_and_after() -> None:
    registry = StreamFollowers(None)  # type: ignore[arg-type]
    socket = FillingSocket()
    connection = Connection(socket, registry, combined=False)  # type: ignore[arg-type]
    followers = Followers("btcusdt@trade", None, registry.flusher)  # type: ignore[arg-type]
    followers.connections[connection] = None
    sender = asyncio.create_task(connection.send_loop())

    def publish(numbers: range) -> None:
        for number in numbers:
            followers.deliver(b"btcusdt@trade\n" + str(number).encode())

    publish(range(3))
    await settle()  # refused: the sender waits for room with them
    publish(range(3, 6))
    await settle()
    assert socket.written == []
    socket.room.set()
    await settle()
    assert socket.written == [str(n).encode() for n in range(6)]
    writes = socket.writes
    publish(range(6, 9))
    await settle()
    assert socket.written == [str(n).encode() for n in range(9)]
    assert socket.writes == writes + 1  # what one turn published, in one write
    sender.cancel()
