"""The Cache port, on every adapter: an answer is kept until its time is up; a cache that
cannot be reached misses rather than fails."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.cache import MemoryCache
from adapters.redis.cache import RedisCache
from adapters.redis.client import connect
from application.snapshot_ports import Cache

UNREACHABLE = "redis://127.0.0.1:1/15"


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def cache(redis_or_none: str | None) -> AsyncIterator[Cache]:
    if redis_or_none is None:
        yield MemoryCache()
        return
    client = connect(redis_or_none)
    yield RedisCache(client)
    await client.aclose()


async def test_an_answer_is_kept_until_its_time_is_up(cache: Cache) -> None:
    assert await cache.get("ticker") is None
    await cache.put("ticker", b'{"lastPrice":"1.00"}', 100)
    await cache.put("info", b"{}", 60_000)
    assert await cache.get("ticker") == b'{"lastPrice":"1.00"}'
    await asyncio.sleep(0.15)
    assert await cache.get("ticker") is None
    assert await cache.get("info") == b"{}"


async def test_a_new_answer_replaces_the_old(cache: Cache) -> None:
    await cache.put("ticker", b"1", 60_000)
    await cache.put("ticker", b"2", 60_000)
    assert await cache.get("ticker") == b"2"


async def test_memory_keeps_at_most_its_number_of_entries() -> None:
    cache = MemoryCache(max_entries=3)
    for number in range(5):
        await cache.put(str(number), b"x", 60_000)
    assert [await cache.get(str(number)) for number in range(5)] == [None, None, b"x", b"x", b"x"]


async def test_redis_out_of_reach_is_a_miss() -> None:
    client = connect(UNREACHABLE)
    cache = RedisCache(client)
    await cache.put("ticker", b"1", 60_000)
    assert await cache.get("ticker") is None
    await client.aclose()
