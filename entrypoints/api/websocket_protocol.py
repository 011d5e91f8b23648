"""uvicorn's WebSocket protocol (on websockets' sans-I/O implementation) with one ASGI extension
of ours, `bourse.websocket.send_texts`: its `send` takes several text messages, sends each as a
frame of its own, and writes them to the socket at once. A stream connection hands over what
queued for it since its last write in one call and one write, rather than one of each per
message; the payloads are the bytes every subscriber of the stream shares, and only the few
bytes of each frame's header are made per connection. The call goes to the connection's
protocol directly, not through the app's wrappers of the ASGI `send` (before-send hooks,
exception middleware), which have nothing to do with a stream's messages.

The extension is offered on connections that negotiated no WebSocket extension (uvicorn's
per-message deflate is off in `transport.server_options`), whose frames are the payload as is."""

import struct
from collections.abc import Awaitable, Callable
from functools import lru_cache

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

SEND_TEXTS = "bourse.websocket.send_texts"
SendTexts = Callable[[list[bytes]], Awaitable[None]]
FINAL_TEXT = 0x81  # FIN, opcode 1


@lru_cache(maxsize=4096)
def text_header(length: int) -> bytes:
    """The header of a whole, unmasked text frame of `length` bytes (RFC 6455, 5.2)."""
    if length < 126:
        return struct.pack("!BB", FINAL_TEXT, length)
    if length < 1 << 16:
        return struct.pack("!BBH", FINAL_TEXT, 126, length)
    return struct.pack("!BBQ", FINAL_TEXT, 127, length)


class BatchingWebSocketProtocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        if not self.conn.extensions:
            self.scope["extensions"][SEND_TEXTS] = {"send": self.send_texts}
        await super().run_asgi()

    async def send_texts(self, texts: list[bytes]) -> None:
        """Sends each of `texts` (UTF-8) as a text message, all in one write."""
        await self.writable.wait()
        if self.disconnected or self.close_sent or self.conn.state is not State.OPEN:
            raise ClientDisconnected()
        frames: list[bytes] = []
        for text in texts:
            frames += (text_header(len(text)), text)
        self.transport.write(b"".join(frames))
