"""The OrderCounter port, on every adapter: counts per account in fixed windows, refused whole
when one window is full, taken off never below zero; and the counter that keeps counting
while Redis is out of reach."""

from collections.abc import AsyncIterator

import pytest

from adapters.memory.order_counter import MemoryOrderCounter
from adapters.redis.client import Outage, connect
from adapters.redis.gathered import GatheredRedis
from adapters.redis.order_counter import FallbackOrderCounter, RedisOrderCounter
from application.limit_ports import OrderCounter
from application.order_count import binance_limits

LIMITS = binance_limits(per_10_seconds=3, per_day=5)
DAY_START = 1_700_006_400_000  # a UTC midnight, and so the start of a 10-second window too
ADA, BOB = 7, 8


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def counter(redis_or_none: str | None) -> AsyncIterator[OrderCounter]:
    if redis_or_none is None:
        yield MemoryOrderCounter()
        return
    client = connect(redis_or_none)
    yield RedisOrderCounter(GatheredRedis(client))
    await client.aclose()


async def test_each_order_counts_in_every_window_up_to_its_limit(counter: OrderCounter) -> None:
    assert await counter.add(ADA, LIMITS, DAY_START) == [1, 1]
    assert await counter.add(ADA, LIMITS, DAY_START + 9_999) == [2, 2]
    assert await counter.add(BOB, LIMITS, DAY_START) == [1, 1]
    assert await counter.add(ADA, LIMITS, DAY_START + 5_000) == [3, 3]
    assert await counter.add(ADA, LIMITS, DAY_START + 9_999) == 0  # the 10-second window
    assert await counter.counts(ADA, LIMITS, DAY_START + 9_999) == [3, 3]  # nothing added
    assert await counter.add(ADA, LIMITS, DAY_START + 10_000) == [1, 4]  # a new window
    assert await counter.add(ADA, LIMITS, DAY_START + 10_001) == [2, 5]
    assert await counter.add(ADA, LIMITS, DAY_START + 20_000) == 1  # the day's
    assert await counter.counts(ADA, LIMITS, DAY_START + 86_400_000) == [0, 0]  # the next day


async def test_orders_that_trade_come_off_the_count_never_below_zero(
    counter: OrderCounter,
) -> None:
    for _ in range(3):
        await counter.add(ADA, LIMITS, DAY_START)
    await counter.add(BOB, LIMITS, DAY_START)
    await counter.remove([ADA, ADA, BOB], LIMITS, DAY_START + 1)
    assert await counter.counts(ADA, LIMITS, DAY_START + 1) == [1, 1]
    assert await counter.counts(BOB, LIMITS, DAY_START + 1) == [0, 0]
    await counter.remove([BOB, BOB], LIMITS, DAY_START + 1)
    assert await counter.counts(BOB, LIMITS, DAY_START + 1) == [0, 0]
    # Past its window, an order's fill comes off the current windows only.
    await counter.remove([ADA], LIMITS, DAY_START + 10_000)
    assert await counter.counts(ADA, LIMITS, DAY_START + 10_000) == [0, 0]


async def test_the_fallback_counts_in_the_process_while_redis_is_out_of_reach() -> None:
    unreachable = connect("redis://127.0.0.1:1/15")
    counter = FallbackOrderCounter(
        RedisOrderCounter(GatheredRedis(unreachable)), MemoryOrderCounter(), Outage("order counter")
    )
    assert await counter.add(ADA, LIMITS, DAY_START) == [1, 1]
    await counter.remove([ADA], LIMITS, DAY_START)
    assert await counter.counts(ADA, LIMITS, DAY_START) == [0, 0]
    await unreachable.aclose()
