"""The event log on Kinesis Data Streams: records put in batches (PutRecords), those refused
put again, and read back shard by shard.

PutRecords takes or refuses each record of a call on its own, so a refused record put again
would land after records that followed it under its key. A call therefore holds at most one
record of each partition key: a key's next record goes in a later call, made once every record
of the calls before has been taken."""

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from adapters.aws.clients import AwsClients, error_code, reachable
from application.errors import StreamMissing, Unavailable
from application.records import LogRecord, StoredRecord

# PutRecords takes at most 500 records and 5 MiB (data and partition keys) a call.
MAX_RECORDS = 500
MAX_BYTES = 5 * 1024 * 1024
ATTEMPTS = 4  # a shard over its write limit refuses for a moment: put its records again soon
BACKOFF_S = 0.1
# A shard behind its writes may answer empty pages before the records: followed this far.
MAX_EMPTY_PAGES = 5


class KinesisEventLog:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients
        # What was sent, for measurements: PutRecords calls, records, data and partition keys.
        self.requests = 0
        self.records_put = 0
        self.bytes_put = 0

    async def append(self, records: Sequence[LogRecord]) -> None:
        streams: dict[str, list[LogRecord]] = {}
        for record in records:
            streams.setdefault(record.stream, []).append(record)
        for stream, found in streams.items():
            for distinct in _rounds(found):
                for batch in _batches(distinct):
                    await self._put(stream, batch)

    async def _put(self, stream: str, records: list[LogRecord]) -> None:
        client = await self._clients.client("kinesis")
        waiting = records
        for attempt in range(ATTEMPTS):
            entries = [{"Data": r.data, "PartitionKey": r.partition_key} for r in waiting]
            self.requests += 1
            self.records_put += len(waiting)
            self.bytes_put += sum(_size(record) for record in waiting)
            with _stream_known(stream), reachable("event log"):
                answer = await client.put_records(StreamName=stream, Records=entries)
            if not answer.get("FailedRecordCount"):
                return
            waiting = [
                record
                for record, result in zip(waiting, answer["Records"], strict=True)
                if "ErrorCode" in result
            ]
            await asyncio.sleep(BACKOFF_S * 2**attempt)
        raise Unavailable(f"The event log refused {len(waiting)} records of {stream}.")

    async def shards(self, stream: str) -> list[str]:
        client = await self._clients.client("kinesis")
        found: list[str] = []
        request: dict[str, Any] = {"StreamName": stream}
        while True:
            with _stream_known(stream), reachable("event log"):
                answer = await client.list_shards(**request)
            found += [shard["ShardId"] for shard in answer["Shards"]]
            if not answer.get("NextToken"):
                return found
            request = {"NextToken": answer["NextToken"]}

    async def read(
        self, stream: str, shard: str, after: str | None, limit: int
    ) -> list[StoredRecord]:
        start: dict[str, Any] = (
            {"ShardIteratorType": "TRIM_HORIZON"}
            if after is None
            else {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": after}
        )
        return await self._read(stream, shard, start, limit)

    async def read_since(self, stream: str, shard: str, at: int, limit: int) -> list[StoredRecord]:
        moment = datetime.fromtimestamp(at / 1000, UTC)
        start = {"ShardIteratorType": "AT_TIMESTAMP", "Timestamp": moment}
        return await self._read(stream, shard, start, limit)

    async def _read(
        self, stream: str, shard: str, start: dict[str, Any], limit: int
    ) -> list[StoredRecord]:
        client = await self._clients.client("kinesis")
        with _stream_known(stream), reachable("event log"):
            found = await client.get_shard_iterator(StreamName=stream, ShardId=shard, **start)
            iterator = found["ShardIterator"]
            for _ in range(MAX_EMPTY_PAGES):
                page = await client.get_records(ShardIterator=iterator, Limit=limit)
                if page["Records"] or not page.get("MillisBehindLatest"):
                    break
                iterator = page["NextShardIterator"]
        return [
            StoredRecord(
                record["SequenceNumber"],
                record["PartitionKey"],
                record["Data"],
                int(record["ApproximateArrivalTimestamp"].timestamp() * 1000),
            )
            for record in page["Records"]
        ]


def _size(record: LogRecord) -> int:
    return len(record.data) + len(record.partition_key.encode())


def _rounds(records: list[LogRecord]) -> list[list[LogRecord]]:
    """The records in rounds that hold at most one record of each key, in the order given:
    a key's n-th record is in the n-th round."""
    rounds: list[list[LogRecord]] = []
    seen: dict[str, int] = {}
    for record in records:
        index = seen.get(record.partition_key, 0)
        seen[record.partition_key] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(record)
    return rounds


def _batches(records: list[LogRecord]) -> list[list[LogRecord]]:
    batches: list[list[LogRecord]] = [[]]
    size = 0
    for record in records:
        if len(batches[-1]) == MAX_RECORDS or size + _size(record) > MAX_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(record)
        size += _size(record)
    return batches


@contextlib.contextmanager
def _stream_known(stream: str) -> Iterator[None]:
    """Turns Kinesis's "no such stream or shard" into `StreamMissing`."""
    try:
        yield
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            raise StreamMissing(f"No stream {stream} (or no such shard)") from error
        raise
