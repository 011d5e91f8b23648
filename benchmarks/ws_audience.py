"""The audience of the fan-out benchmark: WebSocket connections held by a few processes of
their own, so that the load's own client does not share their core. A frame is counted from
its header alone, and only every SAMPLE-th message of a connection is parsed (for the latency
of the trades among them): a listener costs a fraction of what the server spends on it.

Each offers permessage-deflate, as browsers and the `websockets` library do: whether messages
come compressed, one connection at a time, is the server's choice.

Each process talks to the benchmark over a pipe: it answers how many of its connections
opened, takes the measured window (wall-clock start and end), and answers what it counted
within it."""

import asyncio
import base64
import json
import multiprocessing
import os
import struct
import time
import zlib
from multiprocessing.connection import Connection
from typing import Any, cast
from urllib.parse import urlsplit

import uvloop

SAMPLE = 8
OPENING_AT_ONCE = 100  # handshakes in flight per process
TRADE = b'{"stream":"btcusdt@trade"'
TEXT, CLOSE, PING = 0x1, 0x8, 0x9
COMPRESSED = 0x40  # the first header byte's RSV1 under permessage-deflate
DEFLATE = b"permessage-deflate"
FLUSHED = b"\x00\x00\xff\xff"  # what each compressed message's end left off


class Tally:
    def __init__(self) -> None:
        self.messages = 0
        self.disconnects = 0
        self.latencies: list[float] = []
        self.window = (0.0, 0.0)


class Listener(asyncio.Protocol):
    """One connection: the upgrade, then frames counted as they arrive. The server's frames
    are unmasked; a pong goes back masked with a zero key, as a client's frames must be."""

    def __init__(self, request: bytes, tally: Tally, opened: asyncio.Future[bool]) -> None:
        self.request = request
        self.tally = tally
        self.opened = opened
        self.buffer = bytearray()
        self.seen = 0
        self.transport: asyncio.Transport | None = None
        self.inflate: Any = None  # zlib's decompressor, once the server compresses

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_result(False)
        elif time.time() < self.tally.window[1]:
            self.tally.disconnects += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.opened.done():
            head, found, _ = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            upgraded = head.startswith(b"HTTP/1.1 101")
            if DEFLATE in head.lower():
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            self.opened.set_result(upgraded)
            del self.buffer[: len(head) + 4]
            if not upgraded:
                self._close()
                return
        self._frames()

    def _frames(self) -> None:
        buffer, position, end = self.buffer, 0, len(self.buffer)
        while end - position >= 2:
            first, length = buffer[position], buffer[position + 1] & 0x7F
            opcode = first & 0x0F
            start = position + 2
            if length == 126:
                (length,) = struct.unpack_from("!H", buffer, start)
                start += 2
            elif length == 127:
                (length,) = struct.unpack_from("!Q", buffer, start)
                start += 8
            if start + length > end:
                break
            position = start + length
            if opcode == TEXT:
                self.tally.messages += 1
                self.seen += 1
                if first & COMPRESSED:  # each one, for the compressor's context it carries
                    payload = self.inflate.decompress(bytes(buffer[start:position]) + FLUSHED)
                    if self.seen % SAMPLE == 0 and payload.startswith(TRADE):
                        self._time(payload)
                elif self.seen % SAMPLE == 0 and buffer.startswith(TRADE, start):
                    self._time(bytes(buffer[start:position]))
            elif opcode == PING:
                self._pong(bytes(buffer[start:position]))
            elif opcode == CLOSE:
                self._close()
        del buffer[:position]

    def _time(self, payload: bytes) -> None:
        received = time.time()
        start, end = self.tally.window
        if start <= received <= end:
            self.tally.latencies.append(received * 1000 - json.loads(payload)["data"]["T"])

    def _pong(self, payload: bytes) -> None:
        if self.transport is not None:
            self.transport.write(bytes((0x8A, 0x80 | len(payload))) + b"\0\0\0\0" + payload)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def upgrade_request(url: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
    )
    return parts.hostname or "127.0.0.1", parts.port or 80, request.encode()


async def listen(url: str, clients: int, pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    host, port, request = upgrade_request(url)
    tally = Tally()
    opening = asyncio.Semaphore(OPENING_AT_ONCE)
    transports: list[asyncio.BaseTransport] = []

    async def open_one() -> bool:
        async with opening:
            opened: asyncio.Future[bool] = loop.create_future()
            try:
                transport, _ = await loop.create_connection(
                    lambda: Listener(request, tally, opened), host, port
                )
            except OSError:
                return False
            transports.append(transport)
            return await asyncio.wait_for(opened, 60)

    results = await asyncio.gather(*(open_one() for _ in range(clients)))
    pipe.send(sum(results))
    tally.window = await loop.run_in_executor(None, pipe.recv)
    start, end = tally.window
    await asyncio.sleep(max(0.0, start - time.time()))
    messages, cpu = tally.messages, time.process_time()
    await asyncio.sleep(max(0.0, end - time.time()))
    counted: dict[str, Any] = {
        "messages": tally.messages - messages,
        "cpu_s": time.process_time() - cpu,
        "disconnects": tally.disconnects + results.count(False),
        "latencies": tally.latencies,
    }
    for transport in transports:
        transport.close()
    pipe.send(counted)


def run(url: str, clients: int, pipe: Connection) -> None:
    """A process's work: `clients` connections to `url` until the window is over."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(listen(url, clients, pipe))


class Audience:
    """The listening processes, each holding its share of the connections."""

    def __init__(self, url: str, clients: int, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for index in range(processes):
            share = clients // processes + (index < clients % processes)
            ours, theirs = context.Pipe()
            process = context.Process(target=run, args=(url, share, theirs), daemon=True)
            process.start()
            theirs.close()  # a process that dies ends our reads of its pipe
            self.pipes.append(ours)
            self.processes.append(process)

    async def open(self) -> int:
        """How many connections opened."""
        return sum(await self._receive())

    def measure(self, start: float, end: float) -> None:
        for pipe in self.pipes:
            pipe.send((start, end))

    async def results(self) -> dict[str, Any]:
        """What every process counted in the window, together."""
        counted = await self._receive()
        for process in self.processes:
            process.join(10)
        return {
            "messages": sum(c["messages"] for c in counted),
            "cpu_s": sum(c["cpu_s"] for c in counted),
            "disconnects": sum(c["disconnects"] for c in counted),
            "latencies": [latency for c in counted for latency in c["latencies"]],
        }

    async def _receive(self) -> list[Any]:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in self.pipes))
