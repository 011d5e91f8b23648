"""The Sessions port, on every adapter: sessions live until they expire or are revoked, and a
refresh token is taken once, even by concurrent callers."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.memory.sessions import MemorySessions
from adapters.redis.client import connect
from adapters.redis.sessions import RedisSessions
from application.errors import Unavailable
from application.identity_ports import Sessions
from application.records import Session

NOW = 1_700_000_000_000
DAY = 24 * 3600 * 1000
UNREACHABLE = "redis://127.0.0.1:1/15"


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def sessions(redis_or_none: str | None) -> AsyncIterator[Sessions]:
    if redis_or_none is None:
        yield MemorySessions()
        return
    client = connect(redis_or_none)
    yield RedisSessions(client)
    await client.aclose()


def a_session(name: str, user_id: int = 7, expires_at: int = NOW + DAY) -> Session:
    return Session(f"session-{name}", user_id, f"refresh-{name}", expires_at)


async def test_a_session_lives_until_it_expires(sessions: Sessions) -> None:
    session = a_session("a")
    await sessions.add(session, NOW)
    assert await sessions.get("session-a", NOW) == session
    assert await sessions.get("session-a", NOW + DAY - 1) == session
    assert await sessions.get("session-a", NOW + DAY) is None
    assert await sessions.get("session-b", NOW) is None


async def test_taking_a_refresh_token_ends_its_session(sessions: Sessions) -> None:
    await sessions.add(a_session("a"), NOW)
    await sessions.add(a_session("b", user_id=8), NOW)
    assert await sessions.take("refresh-a", NOW + 1) == a_session("a")
    assert await sessions.get("session-a", NOW + 1) is None
    assert await sessions.take("refresh-a", NOW + 1) is None
    assert await sessions.get("session-b", NOW + 1) == a_session("b", user_id=8)


async def test_an_unknown_or_expired_refresh_token_is_not_taken(sessions: Sessions) -> None:
    await sessions.add(a_session("a"), NOW)
    assert await sessions.take("refresh-x", NOW) is None
    assert await sessions.take("refresh-a", NOW + DAY) is None


async def test_concurrent_takers_of_one_token_get_it_once(sessions: Sessions) -> None:
    await sessions.add(a_session("a"), NOW)
    taken = await asyncio.gather(*(sessions.take("refresh-a", NOW) for _ in range(20)))
    assert [session for session in taken if session is not None] == [a_session("a")]


async def test_a_revoked_session_and_its_refresh_token_are_gone(sessions: Sessions) -> None:
    await sessions.add(a_session("a"), NOW)
    await sessions.revoke("session-a")
    await sessions.revoke("session-x")
    assert await sessions.get("session-a", NOW) is None
    assert await sessions.take("refresh-a", NOW) is None


async def test_a_session_added_already_expired_is_not_kept(sessions: Sessions) -> None:
    await sessions.add(a_session("a", expires_at=NOW), NOW)
    assert await sessions.get("session-a", NOW - 1) is None
    assert await sessions.take("refresh-a", NOW) is None


async def test_redis_out_of_reach_is_unavailable() -> None:
    client = connect(UNREACHABLE)
    sessions = RedisSessions(client)
    with pytest.raises(Unavailable):
        await sessions.add(a_session("a"), NOW)
    with pytest.raises(Unavailable):
        await sessions.get("session-a", NOW)
    with pytest.raises(Unavailable):
        await sessions.take("refresh-a", NOW)
    await client.aclose()
