"""`aws` mode on this machine: PostgreSQL and Redis on loopback stand in for Aurora and
ElastiCache, the session's moto server for Kinesis, DynamoDB, S3 and Secrets Manager. Each
deployment gets streams, tables, a bucket and secrets of its own there, made by
`bourse provision-local`'s own code, and its processes read them as a task in AWS would."""

import asyncio
import json
from collections import Counter
from typing import Any

from sqlalchemy import make_url

from adapters.aws.clients import AwsClients
from adapters.aws.kinesis import KinesisEventLog
from entrypoints.provision import provision
from entrypoints.settings import AwsSettings
from tests.contract.aws import boto3_client
from tests.moto_server import CREDENTIALS, REGION, unique


def aws_environment(
    moto_url: str, database_url: str, redis_url: str, shared: dict[str, str] | None = None
) -> dict[str, str]:
    """The variables a task in AWS is given (`infrastructure.settings`), for resources made
    anew on `moto_url`. The secrets take the values of `shared` (by the variable that names
    them, `BOURSE_ADMIN_TOKEN_SECRET_ARN`...) where it gives one. For synchronous
    callers: it runs an event loop of its own."""
    database = make_url(database_url)
    environment = CREDENTIALS | {
        "BOURSE_ADAPTERS": "aws",
        "BOURSE_AWS_ENDPOINT_URL": moto_url,
        "AWS_REGION": REGION,
        "BOURSE_DATABASE_HOST": database.host or "127.0.0.1",
        "BOURSE_DATABASE_PORT": str(database.port or 5432),
        "BOURSE_DATABASE_NAME": database.database or "bourse",
        "BOURSE_DATABASE_SSL": "prefer",
        "BOURSE_REDIS_URL": redis_url,
        "BOURSE_DATABASE_SECRET_ARN": unique("bourse-database"),
        "BOURSE_SECRET_KEY_SECRET_ARN": unique("bourse-secret-key"),
        "BOURSE_JWT_SECRET_ARN": unique("bourse-jwt-secret"),
        "BOURSE_ADMIN_TOKEN_SECRET_ARN": unique("bourse-admin-token"),
        "BOURSE_TRADE_STREAM": unique("bourse-trades"),
        "BOURSE_ORDER_STREAM": unique("bourse-orders"),
        "BOURSE_ARCHIVE_BUCKET": unique("bourse-archive"),
        "BOURSE_TRADES_TABLE": unique("bourse-trades"),
        "BOURSE_CANDLES_TABLE": unique("bourse-candles"),
        "BOURSE_BOOK_SNAPSHOTS_TABLE": unique("bourse-book-snapshots"),
        "BOURSE_TICKERS_TABLE": unique("bourse-tickers"),
    }
    store = boto3_client(moto_url, "secretsmanager")
    for setting, value in (shared or {}).items():
        store.create_secret(Name=environment[setting], SecretString=value)
    asyncio.run(provision(AwsSettings.from_env(environment), database_url))
    return environment


def stream_events(environment: dict[str, str], stream_setting: str) -> list[dict[str, Any]]:
    """Every event the stream holds, as appended (repeats included), shard after shard."""

    async def read() -> list[dict[str, Any]]:
        aws = AwsSettings.from_env(environment)
        stream = environment[stream_setting]
        found: list[dict[str, Any]] = []
        async with AwsClients(aws.region, aws.endpoint_url) as clients:
            log = KinesisEventLog(clients)
            for shard in await log.shards(stream):
                after = None
                while records := await log.read(stream, shard, after, 1000):
                    for record in records:
                        found += json.loads(record.data)
                    after = records[-1].sequence_number
        return found

    return asyncio.run(read())


def trades_once(events: list[dict[str, Any]]) -> tuple[Counter[tuple[str, int]], int]:
    """How many times each (symbol, trade id) is left once repeats are dropped by event id,
    and how many repeats were dropped."""
    kept = {event["eventId"]: event for event in events}
    trades = Counter(
        (event["symbol"], event["tradeId"]) for event in kept.values() if event["type"] == "trade"
    )
    return trades, len(events) - len(kept)
