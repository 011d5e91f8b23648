"""The WebSocket fan-out over Redis pub/sub, so that every API process serves every stream.

A Litestar channels backend that sends all of a process's stream messages through one Redis
channel, gathered per turn of the event loop into one PUBLISH: a trade makes some twenty
stream messages (trade, aggTrade, a kline per interval, tickers), and one round trip for all
of them costs far less than one each. Every process reads the one channel and hands on the
messages of the streams its own clients follow."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, Iterable

import msgspec
import redis.asyncio as redis
from litestar.channels.backends.base import ChannelsBackend

from adapters.redis.client import UNREACHABLE, channel_name

logger = logging.getLogger(__name__)

STREAMS = "bourse:streams"
RETRY_SECONDS = 0.5
SHUTDOWN_SECONDS = 1.0
LISTEN_SECONDS = 1.0  # the longest one wait for a message lasts

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(list[tuple[str, bytes]])


class RedisFanOut(ChannelsBackend):
    """While Redis is out of reach, messages are dropped (a diff-depth client sees the gap in
    `U`/`u` and resynchronises, as Binance's procedure has it) and listening waits; when Redis
    returns, listening resumes and so does streaming."""

    def __init__(self, client: redis.Redis, channel: str | None = None) -> None:
        self._client = client
        self._channel = channel or channel_name(client, STREAMS)
        self._followed: set[str] = set()
        self._pending: list[tuple[str, bytes]] = []
        self._sending: asyncio.Task[None] | None = None
        self._out_of_reach_until = 0.0  # after a failure, drop at once for a while
        self._received: asyncio.Queue[bytes] = asyncio.Queue()
        self._reading: asyncio.Task[None] | None = None

    async def on_startup(self) -> None:
        pass

    async def on_shutdown(self) -> None:
        if self._sending is not None:
            await self._sending
        if self._reading is not None:
            self._reading.cancel()
            await asyncio.wait([self._reading], timeout=SHUTDOWN_SECONDS)
            self._reading = None

    async def subscribe(self, channels: Iterable[str]) -> None:
        self._followed.update(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        self._followed.difference_update(channels)

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        self._pending.extend((channel, data) for channel in channels)
        if self._sending is None:
            self._sending = asyncio.create_task(self._send())

    async def _send(self) -> None:
        await asyncio.sleep(0)  # what the rest of this turn publishes goes along
        batch, self._pending, self._sending = self._pending, [], None
        if time.monotonic() < self._out_of_reach_until:
            return
        try:
            await self._client.publish(self._channel, _encoder.encode(batch))
        except UNREACHABLE as error:
            self._out_of_reach_until = time.monotonic() + RETRY_SECONDS
            logger.warning("stream messages dropped: Redis is out of reach (%r)", error)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        # The reading runs in a task of its own: redis-py's reads do not always give way to
        # the cancellation that stops the app, and a queue's `get` does.
        if self._reading is None:
            self._reading = asyncio.create_task(self._read(), name="stream-fan-out")
        while True:
            batch = await self._received.get()
            for channel, data in _decoder.decode(batch):
                if channel in self._followed:
                    yield channel, data

    async def _read(self) -> None:
        # Each wait for a message ends within a second, and the reading stops once its task is
        # asked to: a cancellation that redis-py's reads swallow (a test's teardown once waited
        # for ever on this task, cancelled but listening still) ends it all the same.
        task = asyncio.current_task()
        assert task is not None
        while not task.cancelling():
            listener = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await listener.subscribe(self._channel)
                while not task.cancelling():
                    message = await listener.get_message(timeout=LISTEN_SECONDS)
                    if message is not None:
                        self._received.put_nowait(message["data"])
            except UNREACHABLE as error:
                logger.warning("stream fan-out waits for Redis (%r)", error)
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                with contextlib.suppress(*UNREACHABLE):
                    await listener.aclose()  # type: ignore[no-untyped-call]

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("stream messages are not kept")
