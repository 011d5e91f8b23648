"""`bourse provision-local`: creates, on the endpoint that stands in for AWS in a local run
(`BOURSE_AWS_ENDPOINT_URL`, a moto server), what Terraform creates in AWS from infrastructure/:
the Kinesis streams, the DynamoDB tables with the same keys, the archive bucket, and the secrets
the processes share, under the names the settings give them. What exists already is kept."""

import json
import secrets
from typing import Any

from botocore.exceptions import ClientError
from sqlalchemy import make_url

from adapters.aws.clients import AwsClients, error_code
from adapters.security.secret_box import SecretBox
from entrypoints.settings import AwsSettings

SHARDS = 2  # infrastructure/'s default `kinesis_shards`
# Each table's partition and sort keys, as `infrastructure.data` declares them.
TABLE_KEYS = {
    "trades_table": (("symbol", "S"), ("tradeId", "N")),
    "candles_table": (("series", "S"), ("openTime", "N")),
    "book_snapshots_table": (("symbol", "S"), ("sequence", "N")),
    "tickers_table": (("symbol", "S"),),
}
# The trades table's index for time ranges, on (symbol, timeTradeId), holding whole items.
TIME_INDEX = ("by-time", (("symbol", "S"), ("timeTradeId", "S")))
EXISTS = ("ResourceInUseException", "ResourceExistsException", "BucketAlreadyOwnedByYou")


async def provision(aws: AwsSettings, database_url: str) -> list[str]:
    """What was created. The database's secret holds the user and password of `database_url`;
    the shared secrets get new values. A local Redis asks for no AUTH token: no secret holds
    one."""
    user = make_url(database_url)
    values = {
        aws.database_secret_arn: json.dumps(
            {"username": user.username or "postgres", "password": user.password or ""}
        ),
        aws.secret_key_secret_arn: SecretBox.new_key(),
        aws.jwt_secret_arn: secrets.token_hex(32),
        aws.admin_token_secret_arn: secrets.token_hex(32),
    }
    created: list[str] = []
    async with AwsClients(aws.region, aws.endpoint_url) as clients:
        kinesis = await clients.client("kinesis")
        for stream in (aws.trade_stream, aws.order_stream):
            if await _create(kinesis.create_stream(StreamName=stream, ShardCount=SHARDS)):
                created.append(f"stream {stream}")
        dynamodb = await clients.client("dynamodb")
        for setting, keys in TABLE_KEYS.items():
            table = getattr(aws, setting)
            index = TIME_INDEX if setting == "trades_table" else None
            if await _create(dynamodb.create_table(**table_definition(table, keys, index))):
                created.append(f"table {table}")
        s3 = await clients.client("s3")
        bucket: dict[str, Any] = {"Bucket": aws.archive_bucket}
        if aws.region not in (None, "us-east-1"):  # S3 places a bucket in us-east-1 unless told
            bucket["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
        if await _create(s3.create_bucket(**bucket)):
            created.append(f"bucket {aws.archive_bucket}")
        store = await clients.client("secretsmanager")
        for name, value in values.items():
            if await _create(store.create_secret(Name=name, SecretString=value)):
                created.append(f"secret {name}")
    return created


async def _create(request: Any) -> bool:
    """Whether the request created its resource (False: it was there)."""
    try:
        await request
    except ClientError as error:
        if error_code(error) in EXISTS:
            return False
        raise
    return True


Keys = tuple[tuple[str, str], ...]


def table_definition(
    name: str, keys: Keys, index: tuple[str, Keys] | None = None
) -> dict[str, Any]:
    """CreateTable's request for an on-demand table, with a global secondary index that
    projects whole items, if given."""
    attributes = dict(keys + (index[1] if index else ()))
    definition = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _key_schema(keys),
        "AttributeDefinitions": [
            {"AttributeName": k, "AttributeType": t} for k, t in attributes.items()
        ],
    }
    if index is not None:
        definition["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index[0],
                "KeySchema": _key_schema(index[1]),
                "Projection": {"ProjectionType": "ALL"},
            }
        ]
    return definition


def _key_schema(keys: Keys) -> list[dict[str, str]]:
    return [
        {"AttributeName": key, "KeyType": kind}
        for (key, _), kind in zip(keys, ("HASH", "RANGE")[: len(keys)], strict=True)
    ]
