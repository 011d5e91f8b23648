"""Answers kept for a while (exchangeInfo for a minute, 24-hour tickers for a second): what a
client sees of the cache, and that a cache out of reach changes nothing for it."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from dependency_injector import providers

from adapters.redis.cache import RedisCache
from adapters.redis.client import connect
from tests.e2e.conftest import Venue
from tests.e2e.test_market_api import get, trade_once


class Clock:
    def __init__(self, time: int) -> None:
        self.time = time

    def now(self) -> int:
        return self.time


async def test_exchange_info_tells_the_current_time_from_the_cache(venue: Venue) -> None:
    clock = Clock(venue.container.clock().now())
    venue.container.market_data().clock = clock
    first = await get(venue, "/api/v3/exchangeInfo")
    clock.time += 5000
    second = await get(venue, "/api/v3/exchangeInfo")
    assert second["serverTime"] == first["serverTime"] + 5000 == clock.time
    assert list(second) == ["timezone", "serverTime", "rateLimits", "exchangeFilters", "symbols"]
    assert {**second, "serverTime": 0} == {**first, "serverTime": 0}
    one = await get(venue, "/api/v3/exchangeInfo?symbol=ETHBTC")
    assert [s["symbol"] for s in one["symbols"]] == ["ETHBTC"]


async def test_a_ticker_is_at_most_a_second_old(venue: Venue) -> None:
    before = await get(venue, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert before["count"] == 0
    await trade_once(venue)
    await asyncio.sleep(1.05)
    after = await get(venue, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert after["count"] == 2
    every = await get(venue, "/api/v3/ticker/24hr")
    assert [t["count"] for t in every if t["symbol"] == "BTCUSDT"] == [2]


@pytest.fixture
async def venue_without_cache(venue: Venue) -> AsyncIterator[Venue]:
    client = connect("redis://127.0.0.1:1/15")
    venue.container.cache.override(providers.Object(RedisCache(client)))
    yield venue
    await client.aclose()


async def test_answers_are_computed_when_the_cache_is_out_of_reach(
    venue_without_cache: Venue,
) -> None:
    info = await get(venue_without_cache, "/api/v3/exchangeInfo")
    assert len(info["symbols"]) == 3
    ticker = await get(venue_without_cache, '/api/v3/ticker/24hr?symbols=["BTCUSDT"]')
    assert [t["symbol"] for t in ticker] == ["BTCUSDT"]
