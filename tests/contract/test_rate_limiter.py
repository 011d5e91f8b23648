"""The RateLimiter port, on every adapter: a token bucket per key holding a minute's weight and
refilling continuously; and the limiter that keeps limiting while Redis is out of reach."""

import logging
from collections.abc import AsyncIterator, Sequence

import pytest

from adapters.memory.rate_limiter import MemoryRateLimiter
from adapters.redis.client import Outage, connect
from adapters.redis.gathered import GatheredRedis
from adapters.redis.rate_limiter import FallbackRateLimiter, RedisRateLimiter
from application.errors import RateLimited, Unavailable
from application.limit_ports import RateLimiter

NOW = 1_700_000_000_000
LIMIT = 60  # one unit of weight back per second
UNREACHABLE = "redis://127.0.0.1:1/15"


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def limiter(redis_or_none: str | None) -> AsyncIterator[RateLimiter]:
    if redis_or_none is None:
        yield MemoryRateLimiter(LIMIT)
        return
    client = connect(redis_or_none)
    yield RedisRateLimiter(GatheredRedis(client), LIMIT)
    await client.aclose()


async def test_weight_in_use_adds_up_to_the_limit(limiter: RateLimiter) -> None:
    assert await limiter.spend(["ip:a"], 20, NOW) == 20
    assert await limiter.spend(["ip:a"], 39, NOW) == 59
    assert await limiter.spend(["ip:a"], 1, NOW) == 60
    assert await limiter.spend(["ip:b"], 5, NOW) == 5


async def test_several_buckets_are_charged_together_or_not_at_all(limiter: RateLimiter) -> None:
    await limiter.spend(["key:k"], 50, NOW)
    assert await limiter.spend(["ip:a", "key:k"], 5, NOW) == 55
    with pytest.raises(RateLimited) as refused:
        await limiter.spend(["ip:a", "key:k"], 10, NOW)
    assert refused.value.retry_after == 5000
    assert await limiter.spend(["ip:a"], 0, NOW) == 5  # the address lost nothing either
    assert await limiter.spend(["key:k"], 0, NOW) == 55


async def test_a_bucket_short_of_the_weight_refuses_and_takes_nothing(
    limiter: RateLimiter,
) -> None:
    await limiter.spend(["ip:a"], 55, NOW)
    with pytest.raises(RateLimited) as refused:
        await limiter.spend(["ip:a"], 10, NOW)
    assert refused.value.retry_after == 5000
    assert await limiter.spend(["ip:a"], 5, NOW) == 60


async def test_a_bucket_refills_continuously(limiter: RateLimiter) -> None:
    await limiter.spend(["ip:a"], 60, NOW)
    with pytest.raises(RateLimited) as refused:
        await limiter.spend(["ip:a"], 1, NOW + 400)
    assert refused.value.retry_after == 600
    assert await limiter.spend(["ip:a"], 1, NOW + 1000) == 60
    # 1.5 units back: 58.5 in use, reported rounded up.
    assert await limiter.spend(["ip:a"], 0, NOW + 2500) == 59
    assert await limiter.spend(["ip:a"], 10, NOW + 30_000) == 41


async def test_a_bucket_is_full_again_after_a_minute(limiter: RateLimiter) -> None:
    await limiter.spend(["ip:a"], 60, NOW)
    assert await limiter.spend(["ip:a"], 60, NOW + 60_000) == 60
    assert await limiter.spend(["ip:a"], 1, NOW + 10 * 60_000) == 1


async def test_a_clock_going_back_refills_nothing(limiter: RateLimiter) -> None:
    await limiter.spend(["ip:a"], 30, NOW)
    assert await limiter.spend(["ip:a"], 10, NOW - 5000) == 40
    assert await limiter.spend(["ip:a"], 0, NOW + 1000) == 39


async def test_memory_keeps_only_the_buckets_of_the_last_minute() -> None:
    limiter = MemoryRateLimiter(LIMIT)
    for address in range(100):
        await limiter.spend([f"ip:{address}"], 1, NOW)
    await limiter.spend(["ip:late"], 1, NOW + 60_000)
    assert list(limiter._buckets) == ["ip:late"]


async def test_redis_out_of_reach_is_unavailable() -> None:
    client = connect(UNREACHABLE)
    with pytest.raises(Unavailable):
        await RedisRateLimiter(GatheredRedis(client), LIMIT).spend(["ip:a"], 1, NOW)
    await client.aclose()


async def test_the_fallback_keeps_limiting_without_redis(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = connect(UNREACHABLE)
    limiter = FallbackRateLimiter(
        RedisRateLimiter(GatheredRedis(client), LIMIT), MemoryRateLimiter(LIMIT)
    )
    with caplog.at_level(logging.WARNING):
        assert await limiter.spend(["ip:a"], 30, NOW) == 30
        assert await limiter.spend(["ip:a"], 30, NOW) == 60
        with pytest.raises(RateLimited):
            await limiter.spend(["ip:a"], 1, NOW)
    assert len(caplog.records) == 1
    await client.aclose()


class FlakyLimiter:
    """A shared limiter that can be taken out of reach, counting the calls it answers."""

    def __init__(self) -> None:
        self.reachable = True
        self.answered = 0

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        if not self.reachable:
            raise Unavailable("The rate limiter is unavailable; please try again.")
        self.answered += 1
        return weight


async def test_the_fallback_tries_redis_again_after_a_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seconds = [0.0]
    shared = FlakyLimiter()
    outage = Outage("rate limiter", pause_s=1.0, monotonic=lambda: seconds[0])
    limiter = FallbackRateLimiter(shared, MemoryRateLimiter(LIMIT), outage)
    with caplog.at_level(logging.WARNING):
        shared.reachable = False
        assert await limiter.spend(["ip:a"], 7, NOW) == 7
        shared.reachable = True
        seconds[0] = 0.9
        assert await limiter.spend(["ip:a"], 7, NOW) == 14
        assert shared.answered == 0
        seconds[0] = 1.0
        assert await limiter.spend(["ip:a"], 7, NOW) == 7
        assert shared.answered == 1
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "Redis is out of reach (The rate limiter is unavailable; please try again.)",
        "Redis is back",
    ]
