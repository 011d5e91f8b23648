"""uvicorn's WebSocket protocol (on websockets' sans-I/O implementation) with one ASGI extension
of ours, `bourse.websocket.send_texts`: its `send` (a coroutine) and `write` (a function, for
when the socket takes more now) take several text messages, make each a frame of its own, and
write them to the socket at once. A stream connection hands over what queued for it since its
last write in one call and one write, rather than one of each per message; the payloads are the
bytes every subscriber of the stream shares, and only the few bytes of each frame's header are
made per connection. The calls go to the connection's protocol directly, not through the app's
wrappers of the ASGI `send` (before-send hooks, exception middleware), which have nothing to do
with a stream's messages.

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
WriteTexts = Callable[[list[bytes]], bool]
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
            extension: dict[object, object] = {"send": self.send_texts, "write": self.write_texts}
            self.scope["extensions"][SEND_TEXTS] = extension
        await super().run_asgi()

    async def send_texts(self, texts: list[bytes]) -> None:
        """Sends each of `texts` (UTF-8) as a text message, all in one write, once the socket
        takes more."""
        await self.writable.wait()
        if not self.write_texts(texts):
            raise ClientDisconnected()

    def write_texts(self, texts: list[bytes]) -> bool:
        """Writes each of `texts` as a text message, all at once, if the socket takes more now;
        False, writing nothing, if not (its buffer is full, or it is closing)."""
        if not self.writable.is_set():
            return False
        if self.disconnected or self.close_sent or self.conn.state is not State.OPEN:
            return False
        frames: list[bytes] = []
        for text in texts:
            frames += (text_header(len(text)), text)
        self.transport.write(b"".join(frames))
        return True
