"""Book snapshots: the latest of each market by sequence, every level exact, in process and in
DynamoDB (moto, through aioboto3)."""

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.dynamodb_book_snapshots import DynamoBookSnapshots
from adapters.memory.book_snapshots import MemoryBookSnapshots
from application.snapshot_ports import BookSnapshot, BookSnapshots
from entrypoints.provision import TABLE_KEYS, table_definition
from tests.contract.aws import boto3_client
from tests.moto_server import unique

T0 = 1_732_530_000_000


@pytest.fixture(params=["memory", "dynamodb"])
def snapshots(request: pytest.FixtureRequest) -> BookSnapshots:
    if request.param == "memory":
        return MemoryBookSnapshots()
    moto_url: str = request.getfixturevalue("moto_url")
    table = unique("book-snapshots")
    definition = table_definition(table, TABLE_KEYS["book_snapshots_table"])
    boto3_client(moto_url, "dynamodb").create_table(**definition)
    clients: AwsClients = request.getfixturevalue("aws_clients")
    return DynamoBookSnapshots(clients, table)


def snapshot(symbol: str, sequence: int, depth: int = 3) -> BookSnapshot:
    bids = [(6_000_000_000_000 - n * 1_000_000, 10**9 + n) for n in range(depth)]
    asks = [(6_000_001_000_000 + n * 1_000_000, 2**63 - 1 - n) for n in range(depth)]
    return BookSnapshot(symbol, sequence, bids, asks, sequence * 3, T0 + sequence)


async def test_the_latest_is_the_highest_sequence_of_its_market(
    snapshots: BookSnapshots,
) -> None:
    assert await snapshots.latest("BTCUSDT") is None

    await snapshots.put(snapshot("BTCUSDT", 7))
    await snapshots.put(snapshot("BTCUSDT", 12))
    await snapshots.put(snapshot("BTCUSDT", 9))  # a slow writer's older snapshot
    await snapshots.put(snapshot("BTCUSDT", 12))
    await snapshots.put(snapshot("ETHUSDT", 3))

    assert await snapshots.latest("BTCUSDT") == snapshot("BTCUSDT", 12)
    assert await snapshots.latest("ETHUSDT") == snapshot("ETHUSDT", 3)
    assert await snapshots.latest("ETHBTC") is None


async def test_a_deep_book_comes_back_level_for_level(snapshots: BookSnapshots) -> None:
    deep = snapshot("BTCUSDT", 1, depth=10_000)
    empty = BookSnapshot("BTCUSDT", 2, [], [], 0, T0)

    await snapshots.put(deep)
    assert await snapshots.latest("BTCUSDT") == deep
    await snapshots.put(empty)
    assert await snapshots.latest("BTCUSDT") == empty
