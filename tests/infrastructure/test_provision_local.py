"""`bourse provision-local` makes on a local stand-in for AWS (the session's moto server) what
Terraform makes from infrastructure/: streams of as many shards, tables with the same keys, the
archive bucket and the secrets, under the names the settings give them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from entrypoints.settings import REQUIRED_AWS_VARIABLES
from tests.aws_mode import aws_environment
from tests.conftest import REDIS
from tests.contract.aws import boto3_client
from tests.infrastructure.conftest import REPOSITORY_ROOT
from tests.infrastructure.terraform import Terraform
from tests.moto_server import unique

TABLE_SETTINGS = [
    "BOURSE_TRADES_TABLE",
    "BOURSE_CANDLES_TABLE",
    "BOURSE_BOOK_SNAPSHOTS_TABLE",
    "BOURSE_TICKERS_TABLE",
]


def declared_keys(terraform: Terraform, setting: str) -> list[tuple[str, str, str]]:
    _, table = terraform.referenced(terraform.document["output"][setting]["value"])
    types = {attribute["name"]: attribute["type"] for attribute in table["attribute"]}
    keys = [(table["hash_key"], "HASH", types[table["hash_key"]])]
    if table.get("range_key"):
        keys.append((table["range_key"], "RANGE", types[table["range_key"]]))
    return keys


def declared_indexes(terraform: Terraform, setting: str) -> list[tuple[str, str, str, str]]:
    _, table = terraform.referenced(terraform.document["output"][setting]["value"])
    return [
        (index["name"], index["hash_key"], index["range_key"], index["projection_type"])
        for index in table.get("global_secondary_index") or []
    ]


def provisioned_indexes(moto_url: str, table: str) -> list[tuple[str, str, str, str]]:
    found = boto3_client(moto_url, "dynamodb").describe_table(TableName=table)["Table"]
    return [
        (
            index["IndexName"],
            *(key["AttributeName"] for key in index["KeySchema"]),
            index["Projection"]["ProjectionType"],
        )
        for index in found.get("GlobalSecondaryIndexes", [])
    ]


def provisioned_keys(moto_url: str, table: str) -> list[tuple[str, str, str]]:
    found = boto3_client(moto_url, "dynamodb").describe_table(TableName=table)["Table"]
    types = {a["AttributeName"]: a["AttributeType"] for a in found["AttributeDefinitions"]}
    return [
        (k["AttributeName"], k["KeyType"], types[k["AttributeName"]]) for k in found["KeySchema"]
    ]


def test_provision_local_makes_what_terraform_makes_with_the_same_keys(
    terraform: Terraform, moto_url: str, postgres_url: str
) -> None:
    environment = aws_environment(moto_url, postgres_url, REDIS)
    # Made again from the command line under new names: the command is what a developer runs.
    for setting in ("BOURSE_TRADE_STREAM", "BOURSE_TRADES_TABLE", "BOURSE_JWT_SECRET_ARN"):
        environment[setting] = unique(environment[setting].rsplit("-", 1)[0])
    finished = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "provision-local"],
        cwd=REPOSITORY_ROOT,
        env=os.environ | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    assert f"created stream {environment['BOURSE_TRADE_STREAM']}" in finished.stdout
    assert f"created table {environment['BOURSE_TRADES_TABLE']}" in finished.stdout
    assert "created stream " + environment["BOURSE_ORDER_STREAM"] not in finished.stdout
    for setting in TABLE_SETTINGS:
        assert provisioned_keys(moto_url, environment[setting]) == declared_keys(terraform, setting)
        indexes = provisioned_indexes(moto_url, environment[setting])
        assert indexes == declared_indexes(terraform, setting)
    kinesis = boto3_client(moto_url, "kinesis")
    _, stream = terraform.referenced(terraform.document["output"]["BOURSE_TRADE_STREAM"]["value"])
    shards = kinesis.list_shards(StreamName=environment["BOURSE_TRADE_STREAM"])["Shards"]
    assert len(shards) == stream["shard_count"]
    assert boto3_client(moto_url, "s3").head_bucket(Bucket=environment["BOURSE_ARCHIVE_BUCKET"])
    secret = boto3_client(moto_url, "secretsmanager").get_secret_value(
        SecretId=environment["BOURSE_DATABASE_SECRET_ARN"]
    )
    assert json.loads(secret["SecretString"]) == {"username": "postgres", "password": ""}


def test_provision_local_refuses_to_run_without_a_local_endpoint() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "BOURSE_AWS_ENDPOINT_URL"}
    environment |= dict.fromkeys(REQUIRED_AWS_VARIABLES, "bourse-test")
    finished = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "provision-local"],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode != 0
    assert "BOURSE_AWS_ENDPOINT_URL is not set" in finished.stderr
