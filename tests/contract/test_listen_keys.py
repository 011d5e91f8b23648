"""The ListenKeys port, on every adapter: one live key per account, lasting an hour from its
opening or its last keep-alive, in the application's clock."""

from collections.abc import AsyncIterator

import pytest

from adapters.memory.listen_keys import MemoryListenKeys
from adapters.redis.client import connect
from adapters.redis.listen_keys import RedisListenKeys
from application.errors import Unavailable
from application.ports import ListenKeys

START = 1_700_000_000_000
MINUTE = 60_000
HOUR = 60 * MINUTE
UNREACHABLE = "redis://127.0.0.1:1/15"


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def keys(redis_or_none: str | None) -> AsyncIterator[ListenKeys]:
    if redis_or_none is None:
        yield MemoryListenKeys()
        return
    client = connect(redis_or_none)
    yield RedisListenKeys(client)
    await client.aclose()


async def test_an_account_keeps_one_key_while_it_is_live(keys: ListenKeys) -> None:
    key = await keys.open(1, START)
    assert await keys.open(1, START + 59 * MINUTE) == key
    other = await keys.open(2, START)
    assert other != key
    assert await keys.account_of(key, START + 59 * MINUTE) == 1
    assert await keys.account_of(other, START) == 2
    assert await keys.account_of("no-such-key", START) is None


async def test_a_key_expires_an_hour_after_its_last_renewal(keys: ListenKeys) -> None:
    key = await keys.open(1, START)
    assert await keys.account_of(key, START + HOUR - 1) == 1
    assert await keys.account_of(key, START + HOUR) is None
    assert await keys.keep_alive(key, 1, START + HOUR) is False
    renewed = await keys.open(1, START + HOUR)
    assert renewed != key
    assert await keys.keep_alive(renewed, 1, START + 2 * HOUR - 1) is True
    assert await keys.account_of(renewed, START + 3 * HOUR - 2) == 1
    assert await keys.account_of(renewed, START + 3 * HOUR - 1) is None


async def test_opening_again_renews_the_key(keys: ListenKeys) -> None:
    key = await keys.open(1, START)
    assert await keys.open(1, START + 30 * MINUTE) == key
    assert await keys.account_of(key, START + 89 * MINUTE) == 1
    assert await keys.account_of(key, START + 90 * MINUTE) is None


async def test_only_the_owner_keeps_alive_or_closes_a_key(keys: ListenKeys) -> None:
    key = await keys.open(1, START)
    assert await keys.keep_alive(key, 2, START) is False
    assert await keys.keep_alive("no-such-key", 1, START) is False
    assert await keys.close(key, 2) is False
    assert await keys.account_of(key, START) == 1


async def test_a_closed_key_is_gone_and_the_next_one_is_new(keys: ListenKeys) -> None:
    key = await keys.open(1, START)
    assert await keys.close(key, 1) is True
    assert await keys.account_of(key, START) is None
    assert await keys.close(key, 1) is False
    assert await keys.keep_alive(key, 1, START) is False
    assert await keys.open(1, START) != key


async def test_redis_out_of_reach_is_unavailable() -> None:
    client = connect(UNREACHABLE)
    keys = RedisListenKeys(client)
    with pytest.raises(Unavailable):
        await keys.open(1, START)
    with pytest.raises(Unavailable):
        await keys.account_of("key", START)
    await client.aclose()
