"""The ListenKeys port, on every adapter: one live key per API key, lasting an hour from its
opening or its last keep-alive, in the application's clock, and closed with its API key."""

from collections.abc import AsyncIterator

import pytest

from adapters.memory.listen_keys import MemoryListenKeys
from adapters.redis.client import connect
from adapters.redis.listen_keys import RedisListenKeys
from application.errors import Unavailable
from application.identity_ports import ListenKeys
from application.records import ListenKeyHolder

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


async def test_an_api_key_keeps_one_listen_key_while_it_is_live(keys: ListenKeys) -> None:
    key = await keys.open(1, "alice-1", START)
    assert await keys.open(1, "alice-1", START + 59 * MINUTE) == key
    second = await keys.open(1, "alice-2", START)
    other = await keys.open(2, "bob", START)
    assert len({key, second, other}) == 3
    assert await keys.holder(key, START + 59 * MINUTE) == ListenKeyHolder(1, "alice-1")
    assert await keys.holder(second, START) == ListenKeyHolder(1, "alice-2")
    assert await keys.holder(other, START) == ListenKeyHolder(2, "bob")
    assert await keys.holder("no-such-key", START) is None


async def test_a_key_expires_an_hour_after_its_last_renewal(keys: ListenKeys) -> None:
    key = await keys.open(1, "alice", START)
    assert await keys.holder(key, START + HOUR - 1) == ListenKeyHolder(1, "alice")
    assert await keys.holder(key, START + HOUR) is None
    assert await keys.keep_alive(key, 1, START + HOUR) is False
    renewed = await keys.open(1, "alice", START + HOUR)
    assert renewed != key
    assert await keys.keep_alive(renewed, 1, START + 2 * HOUR - 1) is True
    assert await keys.holder(renewed, START + 3 * HOUR - 2) is not None
    assert await keys.holder(renewed, START + 3 * HOUR - 1) is None


async def test_opening_again_renews_the_key(keys: ListenKeys) -> None:
    key = await keys.open(1, "alice", START)
    assert await keys.open(1, "alice", START + 30 * MINUTE) == key
    assert await keys.holder(key, START + 89 * MINUTE) is not None
    assert await keys.holder(key, START + 90 * MINUTE) is None


async def test_only_the_owner_keeps_alive_or_closes_a_key(keys: ListenKeys) -> None:
    key = await keys.open(1, "alice", START)
    assert await keys.keep_alive(key, 2, START) is False
    assert await keys.keep_alive("no-such-key", 1, START) is False
    assert await keys.close(key, 2) is False
    assert await keys.holder(key, START) == ListenKeyHolder(1, "alice")


async def test_a_closed_key_is_gone_and_the_next_one_is_new(keys: ListenKeys) -> None:
    key = await keys.open(1, "alice", START)
    assert await keys.close(key, 1) is True
    assert await keys.holder(key, START) is None
    assert await keys.close(key, 1) is False
    assert await keys.keep_alive(key, 1, START) is False
    assert await keys.open(1, "alice", START) != key


async def test_revoking_an_api_key_closes_its_listen_key_alone(keys: ListenKeys) -> None:
    revoked = await keys.open(1, "alice-1", START)
    kept = await keys.open(1, "alice-2", START)
    assert await keys.revoke("alice-1") == revoked
    assert await keys.holder(revoked, START) is None
    assert await keys.keep_alive(revoked, 1, START) is False
    assert await keys.holder(kept, START) == ListenKeyHolder(1, "alice-2")
    assert await keys.revoke("alice-1") is None
    assert await keys.revoke("never-opened-one") is None
    assert await keys.open(1, "alice-1", START) != revoked


async def test_redis_out_of_reach_is_unavailable() -> None:
    client = connect(UNREACHABLE)
    keys = RedisListenKeys(client)
    with pytest.raises(Unavailable):
        await keys.open(1, "alice", START)
    with pytest.raises(Unavailable):
        await keys.holder("key", START)
    with pytest.raises(Unavailable):
        await keys.revoke("alice")
    await client.aclose()
