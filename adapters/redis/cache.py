"""Answers kept in Redis for a while, shared by every API task. Redis failing is a miss: the
answer is computed again, and Redis left alone for a moment."""

import redis.asyncio as redis
from redis.exceptions import RedisError

from adapters.redis.client import Outage

CACHE = "bourse:cache:"


class RedisCache:
    def __init__(self, client: redis.Redis, outage: Outage | None = None) -> None:
        self._client = client
        self._outage = outage or Outage("cache")

    async def get(self, key: str) -> bytes | None:
        if not self._outage.allows():
            return None
        try:
            found = await self._client.get(CACHE + key)
        except (RedisError, OSError) as error:
            self._outage.failed(error)
            return None
        self._outage.succeeded()
        return found.encode() if isinstance(found, str) else found

    async def put(self, key: str, value: bytes, ttl_ms: int) -> None:
        if not self._outage.allows():
            return
        try:
            await self._client.set(CACHE + key, value, px=ttl_ms)
        except (RedisError, OSError) as error:
            self._outage.failed(error)
            return
        self._outage.succeeded()
