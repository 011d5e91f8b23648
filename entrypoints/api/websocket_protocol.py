"""uvicorn's WebSocket protocol (on websockets' sans-I/O implementation) with one ASGI extension
of ours, `bourse.websocket.send_texts`: an event that carries several text messages, each sent
as a frame of its own, all written to the socket at once. A stream connection hands over what
queued for it since its last write in one event and one write, rather than one of each per
message; the payloads are the bytes every subscriber of the stream shares, and only the few
bytes of each frame's header are made per connection.

The extension is offered on connections that negotiated no WebSocket extension (uvicorn's
per-message deflate is off in `transport.server_options`), whose frames are the payload as is."""

import struct
from functools import lru_cache

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

SEND_TEXTS = "bourse.websocket.send_texts"  # the extension, and its event's type
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
            self.scope["extensions"][SEND_TEXTS] = {}
        await super().run_asgi()

    async def send(self, message: ASGISendEvent) -> None:
        if message["type"] != SEND_TEXTS:
            await super().send(message)
            return
        await self.writable.wait()
        if self.disconnected or self.close_sent or self.conn.state is not State.OPEN:
            raise ClientDisconnected()
        frames: list[bytes] = []
        for text in message["texts"]:  # type: ignore[typeddict-item]
            frames += (text_header(len(text)), text)
        self.transport.write(b"".join(frames))
