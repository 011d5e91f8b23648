"""Listen keys on the memory adapter: one live key per account, an hour from the last renewal."""

from itertools import count

import pytest

from adapters.memory.listen_keys import MemoryListenKeys
from application.user_streams import UnknownListenKey, UserStreams
from tests.clock import SteppedClock

MINUTE = 60_000
START = 1_700_000_000_000


class Tokens:
    def __init__(self) -> None:
        self._numbers = count(1)

    def token(self) -> str:
        return f"key-{next(self._numbers)}"


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


@pytest.fixture
def streams(clock: SteppedClock) -> UserStreams:
    return UserStreams(MemoryListenKeys(Tokens()), clock)


async def test_an_account_keeps_one_key_while_it_is_live(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1)
    clock.at(59)
    assert await streams.open(1) == key
    assert await streams.open(2) != key
    assert await streams.account_of(key) == 1


async def test_a_key_expires_an_hour_after_it_was_opened(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1)
    clock.at(59.99)
    assert await streams.account_of(key) == 1
    clock.at(60)
    with pytest.raises(UnknownListenKey):
        await streams.account_of(key)
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(1, key)
    assert await streams.open(1) != key


async def test_opening_again_renews_the_live_key(streams: UserStreams, clock: SteppedClock) -> None:
    key = await streams.open(1)
    clock.at(50)
    await streams.open(1)
    clock.at(109)
    assert await streams.account_of(key) == 1
    clock.at(110)
    with pytest.raises(UnknownListenKey):
        await streams.account_of(key)


async def test_a_keep_alive_gives_the_key_another_hour(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1)
    other = await streams.open(2)
    clock.at(30)
    await streams.keep_alive(1, key)
    clock.at(89)
    assert await streams.account_of(key) == 1
    with pytest.raises(UnknownListenKey):
        await streams.account_of(other)
    clock.at(90)
    with pytest.raises(UnknownListenKey):
        await streams.account_of(key)


async def test_only_the_owner_may_keep_alive_or_close_a_key(streams: UserStreams) -> None:
    key = await streams.open(1)
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(2, key)
    with pytest.raises(UnknownListenKey):
        await streams.close(2, key)
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(1, "never-opened")
    assert await streams.account_of(key) == 1


async def test_a_closed_key_is_gone_and_the_next_open_makes_a_new_one(
    streams: UserStreams,
) -> None:
    key = await streams.open(1)
    await streams.close(1, key)
    with pytest.raises(UnknownListenKey):
        await streams.account_of(key)
    with pytest.raises(UnknownListenKey):
        await streams.close(1, key)
    assert await streams.open(1) != key


async def test_expired_keys_are_purged_as_calls_come_in() -> None:
    keys = MemoryListenKeys(Tokens())
    for account_id in (1, 2, 3):
        await keys.open(account_id, START)
    await keys.open(4, START + 60 * MINUTE)
    assert list(keys._leases) == ["key-4"]
    assert keys._keys_by_account == {4: "key-4"}
