"""How connections are served: uvicorn's options from the settings, and its HTTP/1.1 protocol
with the bounds uvicorn lacks. uvicorn waits for a request's head as long as it takes, takes a
head of any size, and lets a connection that never sends, or that trickles the body of a request
already answered, stay open for good."""

import asyncio
from typing import Any

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from entrypoints.api.websocket_protocol import BatchingWebSocketProtocol
from entrypoints.settings import Settings

# Both below what the WebSocket handshake parser accepts (lines of 8192 bytes, 128 headers):
# an upgrade it could not parse would get no answer at all.
MAX_HEAD_BYTES = 8192
MAX_HEADERS = 100
LINE_ENDS = len(b"OPTIONS  HTTP/1.1\r\n\r\n")  # the head's bytes besides its target and headers
MAX_MESSAGE_BYTES = 64 * 1024  # a client's WebSocket message: SUBSCRIBE to 1024 streams fits
PING_INTERVAL_S = 20  # a WebSocket ping every 20 s; a peer silent 20 s more is dropped
REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class HeadTooLarge(Exception):
    """Stops the parser once the refusal is sent."""


class BoundedHttpProtocol(HttpToolsProtocol):
    """Each request must arrive whole within `read_timeout_s` of its first byte: a head still
    incomplete then is answered 408, and a body still arriving for a request already answered
    closes the connection (a body the handler waits for is answered 408 by `BodyDeadline`)."""

    read_timeout_s = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_bytes = 0
        self.reading_head = False
        self.request_deadline: asyncio.TimerHandle | None = None
        # A connection that never sends is as idle as one kept alive after its last answer.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = LINE_ENDS
        self.reading_head = True
        self._stop_deadline()
        self.request_deadline = self.loop.call_later(self.read_timeout_s, self._overdue)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._count(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._count(len(name) + len(value) + len(b": \r\n"))
        if len(self.headers) > MAX_HEADERS:
            self._refuse_head(f"A request may have at most {MAX_HEADERS} headers.")

    def on_headers_complete(self) -> None:
        self.reading_head = False
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        self._stop_deadline()
        super().handle_websocket_upgrade()

    def on_message_complete(self) -> None:
        self._stop_deadline()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():  # a refusal of ours went first
            super().send_400_response(msg)

    def _count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > MAX_HEAD_BYTES:
            self._refuse_head(f"The request head is larger than {MAX_HEAD_BYTES} bytes.")

    def _refuse_head(self, msg: str) -> None:
        self._answer(431, msg)
        raise HeadTooLarge

    def _overdue(self) -> None:
        self.request_deadline = None
        if self.reading_head:
            self._answer(408, "The request head did not arrive in time.")
        elif self.cycle.response_complete:
            self.transport.close()
        else:  # still being handled: the handler answers a body it waits for in vain
            self.request_deadline = self.loop.call_later(self.read_timeout_s, self._overdue)

    def _answer(self, status: int, msg: str) -> None:
        """Answers as Binance words a refusal, and closes: no handler has seen the request."""
        content = msgspec.json.encode({"code": -1000, "msg": msg})
        defaults = self.server_state.default_headers  # date and server, as on every answer
        head = [b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status])]
        head += [name + b": " + value + b"\r\n" for name, value in defaults]
        head.append(b"content-type: application/json\r\ncontent-length: %d\r\n" % len(content))
        if self.cycle is None or self.cycle.response_complete:  # never inside a pipelined answer
            self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", content]))
        self.transport.close()

    def _stop_deadline(self) -> None:
        if self.request_deadline is not None:
            self.request_deadline.cancel()
            self.request_deadline = None


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for `bourse serve` and for test servers alike."""

    class Protocol(BoundedHttpProtocol):
        read_timeout_s = settings.read_timeout_s

    return {
        "http": Protocol,
        "timeout_keep_alive": settings.keep_alive_s,
        # The client's address is the forwarder's unless the forwarder is trusted.
        "proxy_headers": True,
        "forwarded_allow_ips": list(settings.trusted_proxies),
        "ws": BatchingWebSocketProtocol,
        "ws_max_size": MAX_MESSAGE_BYTES,
        # A message compressed for one connection is compressed again for the next (each has
        # the context of its own stream): fan-out would pay zlib once per client per message.
        "ws_per_message_deflate": False,
        "ws_ping_interval": PING_INTERVAL_S,
        "ws_ping_timeout": PING_INTERVAL_S,
    }
