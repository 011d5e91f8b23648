"""The outbox signal between processes, over Redis pub/sub: a commit in an engine or an api
process wakes the relay of the market data process. A signal lost while Redis is out of reach
costs only the relay's poll interval."""

import asyncio
import contextlib
import logging

import redis.asyncio as redis

from adapters.redis.client import UNREACHABLE, channel_name

CHANNEL = "bourse:outbox"

logger = logging.getLogger(__name__)


class RedisOutboxSignal:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._channel = channel_name(client, CHANNEL)
        self._sending: asyncio.Task[None] | None = None
        self._again = False
        self._pubsub: redis.client.PubSub | None = None

    def notify(self) -> None:
        # One PUBLISH at a time; commits meanwhile are told by one more after it.
        if self._sending is not None and not self._sending.done():
            self._again = True
            return
        self._sending = asyncio.create_task(self._send())

    async def _send(self) -> None:
        self._again = True
        while self._again:
            self._again = False
            try:
                await self._client.publish(self._channel, b"")
            except UNREACHABLE as error:
                logger.debug("outbox signal not sent: %s", error)
                return

    async def wait(self, timeout_s: float) -> None:
        try:
            if self._pubsub is None:
                self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                await self._pubsub.subscribe(self._channel)
            message = await self._pubsub.get_message(timeout=timeout_s)
            # Every signal already here counts as this one.
            while message is not None:
                message = await self._pubsub.get_message(timeout=0)
        except UNREACHABLE as error:
            logger.debug("outbox signal unheard: %s", error)
            self._pubsub = None
            await asyncio.sleep(timeout_s)

    async def close(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(*UNREACHABLE):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
