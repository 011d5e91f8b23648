"""The event log in the process: streams of shards as Kinesis keeps them, each record put in
the shard whose range of hash keys holds the MD5 of its partition key."""

import bisect
import hashlib
from collections.abc import Iterable, Sequence

from attrs import define, field

from application.errors import StreamMissing
from application.ports import Clock
from application.records import LogRecord, StoredRecord

HASH_KEYS = 2**128  # the MD5 range, split evenly between a stream's shards


def shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


def shard_of(partition_key: str, shard_count: int) -> int:
    hash_key = int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")
    return hash_key * shard_count // HASH_KEYS


@define
class MemoryEventLog:
    clock: Clock
    _streams: dict[str, list[list[StoredRecord]]] = field(factory=dict)
    _last_sequence: int = 0

    @classmethod
    def of(cls, clock: Clock, streams: Iterable[str], shard_count: int = 2) -> "MemoryEventLog":
        log = cls(clock)
        for name in streams:
            log._streams[name] = [[] for _ in range(shard_count)]
        return log

    async def append(self, records: Sequence[LogRecord]) -> None:
        for record in records:
            self._stream(record.stream)  # all or nothing: every stream must exist first
        now = self.clock.now()
        for record in records:
            shards = self._stream(record.stream)
            self._last_sequence += 1
            stored = StoredRecord(
                f"{self._last_sequence:020d}", record.partition_key, record.data, now
            )
            shards[shard_of(record.partition_key, len(shards))].append(stored)

    async def shards(self, stream: str) -> list[str]:
        return [shard_id(index) for index in range(len(self._stream(stream)))]

    async def read(
        self, stream: str, shard: str, after: str | None, limit: int
    ) -> list[StoredRecord]:
        kept = self._shard(stream, shard)
        start = 0
        if after is not None:
            numbers = [int(record.sequence_number) for record in kept]
            start = bisect.bisect_right(numbers, int(after))
        return kept[start : start + limit]

    async def read_since(self, stream: str, shard: str, at: int, limit: int) -> list[StoredRecord]:
        kept = self._shard(stream, shard)
        start = bisect.bisect_left([record.arrived_at for record in kept], at)
        return kept[start : start + limit]

    def _shard(self, stream: str, shard: str) -> list[StoredRecord]:
        shards = self._stream(stream)
        ids = [shard_id(index) for index in range(len(shards))]
        if shard not in ids:
            raise StreamMissing(f"No shard {shard} in stream {stream}")
        return shards[ids.index(shard)]

    def _stream(self, name: str) -> list[list[StoredRecord]]:
        try:
            return self._streams[name]
        except KeyError:
            raise StreamMissing(f"No stream {name}") from None
