"""The WebSocket fan-out over Redis pub/sub, so that every API process serves every stream:
Litestar's pub/sub backend, made to ride out Redis going away and coming back."""

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend

from adapters.redis.client import UNREACHABLE

logger = logging.getLogger(__name__)

RETRY_SECONDS = 0.5


class ResilientRedisChannelsBackend(RedisChannelsPubSubBackend):
    """While Redis is out of reach, messages published are dropped (a diff-depth client sees
    the gap in `U`/`u` and resynchronises, as Binance's procedure has it) and listening waits;
    when Redis returns, the subscriptions are renewed and streaming goes on."""

    _out_of_reach_until = 0.0  # after a failure, drop at once for a while: no queue builds up

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        if time.monotonic() < self._out_of_reach_until:
            return
        try:
            await super().publish(data, channels)
        except UNREACHABLE as error:
            self._out_of_reach_until = time.monotonic() + RETRY_SECONDS
            logger.warning("stream messages dropped: Redis is out of reach (%r)", error)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        while True:
            try:
                async for event in super().stream_events():
                    yield event
            except UNREACHABLE as error:
                logger.warning("stream fan-out waits for Redis (%r)", error)
                await asyncio.sleep(RETRY_SECONDS)
