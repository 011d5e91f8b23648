"""Listen keys on the memory adapter: one live key per API key, an hour from the last renewal;
closing one, or revoking its API key, tells every stream opened with it."""

from itertools import count

import pytest

from adapters.memory.listen_keys import MemoryListenKeys
from application.records import ListenKeyHolder
from application.user_streams import UnknownListenKey, UserStreams
from entrypoints.streams.revocations import REVOKED_KEYS, StreamRevocations
from tests.clock import SteppedClock

MINUTE = 60_000
START = 1_700_000_000_000


class Tokens:
    def __init__(self) -> None:
        self._numbers = count(1)

    def token(self) -> str:
        return f"key-{next(self._numbers)}"

    def serial(self) -> str:
        return f"serial-{next(self._numbers)}"


class Notices:
    """The channels that revocation notices went to, and the credentials that the api
    processes were told to forget."""

    def __init__(self) -> None:
        self.channels: list[str] = []
        self.forgotten: list[str] = []

    def __call__(self, data: bytes, channels: list[str]) -> None:
        if channels == [REVOKED_KEYS]:
            self.forgotten.append(data.decode())
            return
        assert data.split(b"\n")[0].decode() == channels[0]
        self.channels.extend(channels)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


@pytest.fixture
def notices() -> Notices:
    return Notices()


@pytest.fixture
def streams(clock: SteppedClock, notices: Notices) -> UserStreams:
    return UserStreams(MemoryListenKeys(Tokens()), StreamRevocations(notices), clock)


async def test_an_api_key_keeps_one_listen_key_while_it_is_live(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1, "alice")
    clock.at(59)
    assert await streams.open(1, "alice") == key
    assert await streams.open(1, "alice-too") != key
    assert await streams.open(2, "bob") != key
    assert await streams.holder(key) == ListenKeyHolder(1, "alice")


async def test_a_key_expires_an_hour_after_it_was_opened(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1, "alice")
    clock.at(59.99)
    assert await streams.holder(key) == ListenKeyHolder(1, "alice")
    clock.at(60)
    with pytest.raises(UnknownListenKey):
        await streams.holder(key)
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(1, key)
    assert await streams.open(1, "alice") != key


async def test_opening_again_renews_the_live_key(streams: UserStreams, clock: SteppedClock) -> None:
    key = await streams.open(1, "alice")
    clock.at(50)
    await streams.open(1, "alice")
    clock.at(109)
    assert await streams.holder(key) == ListenKeyHolder(1, "alice")
    clock.at(110)
    with pytest.raises(UnknownListenKey):
        await streams.holder(key)


async def test_a_keep_alive_gives_the_key_another_hour(
    streams: UserStreams, clock: SteppedClock
) -> None:
    key = await streams.open(1, "alice")
    other = await streams.open(2, "bob")
    clock.at(30)
    await streams.keep_alive(1, key)
    clock.at(89)
    assert await streams.holder(key) == ListenKeyHolder(1, "alice")
    with pytest.raises(UnknownListenKey):
        await streams.holder(other)
    clock.at(90)
    with pytest.raises(UnknownListenKey):
        await streams.holder(key)


async def test_only_the_owner_may_keep_alive_or_close_a_key(
    streams: UserStreams, notices: Notices
) -> None:
    key = await streams.open(1, "alice")
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(2, key)
    with pytest.raises(UnknownListenKey):
        await streams.close(2, key)
    with pytest.raises(UnknownListenKey):
        await streams.keep_alive(1, "never-opened")
    assert await streams.holder(key) == ListenKeyHolder(1, "alice")
    assert notices.channels == []


async def test_a_closed_key_is_gone_and_its_streams_are_told(
    streams: UserStreams, notices: Notices
) -> None:
    key = await streams.open(1, "alice")
    await streams.close(1, key)
    assert notices.channels == [f"revoked:{key}"]
    assert notices.forgotten == [key]
    with pytest.raises(UnknownListenKey):
        await streams.holder(key)
    with pytest.raises(UnknownListenKey):
        await streams.close(1, key)
    assert await streams.open(1, "alice") != key


async def test_revoking_an_api_key_closes_its_listen_key_and_tells_their_streams(
    streams: UserStreams, notices: Notices
) -> None:
    revoked = await streams.open(1, "alice")
    kept = await streams.open(1, "alice-too")
    await streams.revoke("alice")
    assert notices.channels == ["revoked:alice", f"revoked:{revoked}"]
    assert notices.forgotten == ["alice", revoked]
    with pytest.raises(UnknownListenKey):
        await streams.holder(revoked)
    assert await streams.holder(kept) == ListenKeyHolder(1, "alice-too")
    await streams.revoke("never-opened-one")
    assert notices.channels[2:] == ["revoked:never-opened-one"]


async def test_expired_keys_are_purged_as_calls_come_in() -> None:
    keys = MemoryListenKeys(Tokens())
    for account_id in (1, 2, 3):
        await keys.open(account_id, f"api-key-{account_id}", START)
    await keys.open(4, "api-key-4", START + 60 * MINUTE)
    assert list(keys._leases) == ["key-4"]
    assert keys._keys_by_api_key == {"api-key-4": "key-4"}
