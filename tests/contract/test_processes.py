"""The live processes, on every adapter: each process's latest beat, kept until it lapses."""

from collections.abc import AsyncIterator

import pytest

from adapters.memory.processes import MemoryProcesses
from adapters.redis.client import connect
from adapters.redis.processes import RedisProcesses
from application.messaging_ports import Processes
from application.records import ProcessBeat

TTL = 10_000


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


@pytest.fixture
async def processes(redis_or_none: str | None) -> AsyncIterator[Processes]:
    if redis_or_none is None:
        yield MemoryProcesses()
        return
    client = connect(redis_or_none)
    yield RedisProcesses(client)
    await client.aclose()


def beat(process_id: str, role: str, seen_at: int, backlog: float = 0) -> ProcessBeat:
    return ProcessBeat(process_id, role, "host-a", 42, 100, seen_at, {"outbox_backlog": backlog})


async def test_each_process_s_latest_beat_until_it_lapses(processes: Processes) -> None:
    assert await processes.live(0) == []
    await processes.beat(beat("e-1", "engine", 1_000), TTL)
    await processes.beat(beat("a-2", "api", 2_000), TTL)
    await processes.beat(beat("a-1", "api", 3_000, backlog=3), TTL)
    await processes.beat(beat("e-1", "engine", 4_000, backlog=1.5), TTL)
    assert await processes.live(5_000) == [
        beat("a-1", "api", 3_000, backlog=3),
        beat("a-2", "api", 2_000),
        beat("e-1", "engine", 4_000, backlog=1.5),
    ]
    assert [b.process_id for b in await processes.live(2_000 + TTL)] == ["a-1", "e-1"]
    assert await processes.live(4_000 + TTL) == []
    await processes.beat(beat("a-2", "api", 20_000), TTL)
    assert [b.process_id for b in await processes.live(20_001)] == ["a-2"]
