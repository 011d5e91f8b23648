"""The EventLog port, in memory and on Kinesis (moto): records are read back shard by shard, a
partition key's records in the order appended, in pages after a sequence number; a batch over
PutRecords' 500 records goes whole; a stream that does not exist is told apart."""

import asyncio
import time

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.kinesis import MAX_RECORDS, KinesisEventLog, _batches, _rounds
from adapters.memory.event_log import MemoryEventLog, shard_of
from application.errors import StreamMissing
from application.messaging_ports import EventLog
from application.records import LogRecord, StoredRecord
from tests.clock import SteppedClock
from tests.contract.aws import boto3_client
from tests.moto_server import unique

SHARDS = 2


@pytest.fixture(params=["memory", "kinesis"])
def event_log(request: pytest.FixtureRequest) -> tuple[EventLog, str]:
    """The log, and the name of a stream of two shards in it."""
    stream = unique("bourse-trades")
    if request.param == "memory":
        return MemoryEventLog.of(SteppedClock(1_000), [stream], SHARDS), stream
    moto_url: str = request.getfixturevalue("moto_url")
    clients: AwsClients = request.getfixturevalue("aws_clients")
    kinesis = boto3_client(moto_url, "kinesis")
    kinesis.create_stream(StreamName=stream, ShardCount=SHARDS)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.1})
    return KinesisEventLog(clients), stream


async def read_all(log: EventLog, stream: str, page: int = 100) -> dict[str, list[StoredRecord]]:
    found: dict[str, list[StoredRecord]] = {}
    for shard in await log.shards(stream):
        found[shard] = []
        after = None
        while records := await log.read(stream, shard, after, page):
            found[shard] += records
            after = records[-1].sequence_number
    return found


def records(stream: str, keys: list[str], count: int) -> list[LogRecord]:
    return [LogRecord(stream, keys[n % len(keys)], f"event {n}".encode()) for n in range(count)]


async def test_each_partition_keys_records_are_read_back_in_order_from_one_shard(
    event_log: tuple[EventLog, str],
) -> None:
    log, stream = event_log
    keys = ["BTCUSDT", "ETHUSDT", "ETHBTC", "42", "7"]
    appended = records(stream, keys, 40)

    await log.append(appended)

    shards = await read_all(log, stream, page=7)
    assert len(shards) == SHARDS
    for key in keys:
        holding = [s for s, kept in shards.items() if any(r.partition_key == key for r in kept)]
        # The shard whose share of the MD5 range holds the key's hash, as Kinesis places it.
        assert holding == [sorted(shards)[shard_of(key, SHARDS)]], f"{key} is in {holding}"
        in_order = [r.data for r in shards[holding[0]] if r.partition_key == key]
        assert in_order == [r.data for r in appended if r.partition_key == key]
    every = [r for kept in shards.values() for r in kept]
    assert sorted(r.data for r in every) == sorted(r.data for r in appended)
    for kept in shards.values():
        numbers = [int(r.sequence_number) for r in kept]
        assert numbers == sorted(set(numbers))
        assert all(r.arrived_at > 0 for r in kept)


async def test_a_read_after_a_sequence_number_finds_only_the_later_records(
    event_log: tuple[EventLog, str],
) -> None:
    log, stream = event_log
    await log.append(records(stream, ["BTCUSDT"], 5))
    shard = next(shard for shard, kept in (await read_all(log, stream)).items() if kept)

    first = await log.read(stream, shard, None, 2)
    rest = await log.read(stream, shard, first[-1].sequence_number, 10)

    assert [r.data for r in first] == [b"event 0", b"event 1"]
    assert [r.data for r in rest] == [b"event 2", b"event 3", b"event 4"]
    assert await log.read(stream, shard, rest[-1].sequence_number, 10) == []


async def test_a_batch_larger_than_one_put_is_appended_whole(
    event_log: tuple[EventLog, str],
) -> None:
    log, stream = event_log

    await log.append(records(stream, [str(n) for n in range(1_234)], 1_234))

    shards = await read_all(log, stream, page=1_000)
    assert sum(len(kept) for kept in shards.values()) == 1_234


async def test_a_stream_that_does_not_exist_is_told_apart(
    event_log: tuple[EventLog, str],
) -> None:
    log, _ = event_log
    missing = unique("bourse-nothing")

    with pytest.raises(StreamMissing):
        await log.append([LogRecord(missing, "BTCUSDT", b"{}")])
    with pytest.raises(StreamMissing):
        await log.shards(missing)


def test_kinesis_puts_at_most_one_record_of_a_key_in_a_call_so_a_retry_keeps_their_order() -> None:
    given = [LogRecord("trades", key, str(n).encode()) for n, key in enumerate("ABACBAADC" * 120)]

    rounds = _rounds(given)
    calls = [batch for distinct in rounds for batch in _batches(distinct)]

    assert all(len({r.partition_key for r in call}) == len(call) for call in calls)
    assert all(len(call) <= MAX_RECORDS for call in calls)
    for key in "ABCD":
        assert [r for call in calls for r in call if r.partition_key == key] == [
            r for r in given if r.partition_key == key
        ]


async def test_a_shard_is_read_from_the_records_that_arrived_at_a_time(
    event_log: tuple[EventLog, str],
) -> None:
    log, stream = event_log
    await log.append(records(stream, ["BTCUSDT"], 5))
    before = await read_all(log, stream)
    (shard,) = [s for s, kept in before.items() if kept]
    # Kinesis is asked for a time in whole seconds (botocore sends them so): the next one.
    second = (before[shard][-1].arrived_at // 1000 + 1) * 1000
    if isinstance(log, MemoryEventLog):
        log.clock.time = second  # type: ignore[attr-defined]
    else:
        await asyncio.sleep(second / 1000 - time.time() + 0.05)
    later = [LogRecord(stream, "BTCUSDT", f"later {n}".encode()) for n in range(4)]
    await log.append(later)

    since = await log.read_since(stream, shard, second, 3)
    assert [r.data for r in since] == [r.data for r in later[:3]]
    rest = await log.read(stream, shard, since[-1].sequence_number, 10)
    assert [r.data for r in rest] == [later[3].data]
    everything = await log.read_since(stream, shard, 0, 100)
    assert [r.data for r in everything] == [r.data for r in before[shard]] + [r.data for r in later]
