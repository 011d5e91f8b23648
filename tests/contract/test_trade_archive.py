"""The TradeArchive port, in memory and on S3 (moto): a day's file is read back as stored, a
day not archived is None, and a day written again holds the last file."""

import gzip
from datetime import date

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.trade_archive import S3TradeArchive
from adapters.memory.trade_archive import MemoryTradeArchive
from application.history_ports import TradeArchive
from tests.contract.aws import boto3_client
from tests.moto_server import REGION, unique

DAY = date(2024, 11, 25)
FILE = gzip.compress(b"1,60000.00000000,0.01000000,600.00000000,1732530000000,False,True\n")


@pytest.fixture(params=["memory", "s3"])
def archive(request: pytest.FixtureRequest) -> TradeArchive:
    if request.param == "memory":
        return MemoryTradeArchive()
    moto_url: str = request.getfixturevalue("moto_url")
    clients: AwsClients = request.getfixturevalue("aws_clients")
    bucket = unique("bourse-archive")
    placed = {"LocationConstraint": REGION}
    boto3_client(moto_url, "s3").create_bucket(Bucket=bucket, CreateBucketConfiguration=placed)
    return S3TradeArchive(clients, bucket)


async def test_a_day_is_read_back_as_stored(archive: TradeArchive) -> None:
    await archive.put("BTCUSDT", DAY, FILE)

    assert await archive.get("BTCUSDT", DAY) == FILE
    assert await archive.get("ETHUSDT", DAY) is None
    assert await archive.get("BTCUSDT", date(2024, 11, 26)) is None


async def test_a_day_written_again_holds_the_last_file(archive: TradeArchive) -> None:
    empty = gzip.compress(b"")  # made once: a gzip header holds the second it was made in
    await archive.put("BTCUSDT", DAY, FILE)
    await archive.put("BTCUSDT", DAY, empty)

    assert await archive.get("BTCUSDT", DAY) == empty
