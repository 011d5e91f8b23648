"""The live processes in Redis: one hash, a field per process holding its last beat and when
it lapses; a lapsed one is dropped by the next reader."""

from typing import cast

import msgspec
import redis.asyncio as redis

from adapters.redis.client import reachable
from application.records import ProcessBeat

PROCESSES = "bourse:processes"
WHAT = "process registry"


class _Kept(msgspec.Struct, frozen=True):
    beat: ProcessBeat
    until: int


class RedisProcesses:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    async def beat(self, beat: ProcessBeat, ttl_ms: int) -> None:
        kept = msgspec.msgpack.encode(_Kept(beat, beat.seen_at + ttl_ms))
        with reachable(WHAT):
            await self._client.hset(PROCESSES, beat.process_id, kept)

    async def live(self, now: int) -> list[ProcessBeat]:
        with reachable(WHAT):
            found = await self._client.hgetall(PROCESSES)
        live: list[ProcessBeat] = []
        lapsed: list[bytes] = []
        for process_id, value in cast(dict[bytes, bytes], found).items():
            kept = msgspec.msgpack.decode(value, type=_Kept)
            if kept.until > now:
                live.append(kept.beat)
            else:
                lapsed.append(process_id)
        if lapsed:
            with reachable(WHAT):
                await self._client.hdel(PROCESSES, *lapsed)
        return sorted(live, key=lambda beat: (beat.role, beat.process_id))
