"""The trade archiver against DynamoDB as moto implements it, in process."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from entrypoints.lambdas import trade_archiver

TABLE = "bourse-test-trades"
TRADE = {
    "type": "trade",
    "eventId": "1.0",
    "sequence": 3,
    "symbol": "BTCUSDT",
    "tradeId": 7,
    "price": "64250.10000000",
    "qty": "0.00150000",
    "quoteQty": "96.37515000",
    "time": 1_732_530_000_123,
    "isBuyerMaker": True,
    "takerOrderId": 12,
}


def kinesis_event(*payloads: bytes) -> dict[str, Any]:
    return {
        "Records": [
            {
                "kinesis": {
                    "sequenceNumber": f"4959{index:04d}",
                    "data": base64.b64encode(payload).decode(),
                }
            }
            for index, payload in enumerate(payloads)
        ]
    }


def trade(**changes: Any) -> bytes:
    """A record holding one trade event, as `application.event_log` writes it."""
    return json.dumps([{**TRADE, **changes}]).encode()


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "symbol", "KeyType": "HASH"},
                {"AttributeName": "tradeId", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "symbol", "AttributeType": "S"},
                {"AttributeName": "tradeId", "AttributeType": "N"},
            ],
        )
        yield client


def stored(client: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=TABLE)["Items"]
    return items


def test_a_trade_is_stored_with_its_decimals_exactly_as_sent(dynamodb: Any) -> None:
    response = trade_archiver.archive_trades(kinesis_event(trade()), dynamodb, TABLE)

    assert response == {"batchItemFailures": []}
    assert stored(dynamodb) == [
        {
            "symbol": {"S": "BTCUSDT"},
            "tradeId": {"N": "7"},
            "price": {"S": "64250.10000000"},
            "qty": {"S": "0.00150000"},
            "quoteQty": {"S": "96.37515000"},
            "time": {"N": "1732530000123"},
            "isBuyerMaker": {"BOOL": True},
            "takerOrderId": {"N": "12"},
            "timeTradeId": {"S": "1732530000123#0000000000000000007"},
        }
    ]


def test_a_redelivered_trade_is_stored_once_and_the_first_write_wins(dynamodb: Any) -> None:
    trade_archiver.archive_trades(kinesis_event(trade()), dynamodb, TABLE)

    response = trade_archiver.archive_trades(
        kinesis_event(trade(), trade(price="1.00000000")), dynamodb, TABLE
    )

    assert response == {"batchItemFailures": []}
    assert [item["price"]["S"] for item in stored(dynamodb)] == ["64250.10000000"]


def test_trades_of_a_batch_are_all_stored(dynamodb: Any) -> None:
    payloads = [trade(tradeId=trade_id) for trade_id in range(1, 6)]

    trade_archiver.archive_trades(kinesis_event(*payloads), dynamodb, TABLE)

    assert sorted(int(item["tradeId"]["N"]) for item in stored(dynamodb)) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(json.dumps(TRADE).encode(), id="not-an-array"),
        pytest.param(b"[1]", id="not-an-array-of-objects"),
        pytest.param(
            b'[{"type": "trade", "symbol": "BTCUSDT", "tradeId": 1, "price": 64250.1,'
            b' "qty": "1", "quoteQty": "1", "time": 1, "isBuyerMaker": false}]',
            id="float-price",
        ),
        pytest.param(trade(qty="abc"), id="qty-not-decimal"),
        pytest.param(trade(price="-1"), id="negative-price"),
        pytest.param(trade(quoteQty="NaN"), id="quote-not-finite"),
        pytest.param(trade(tradeId="7"), id="trade-id-not-integer"),
        pytest.param(trade(isBuyerMaker="yes"), id="maker-not-boolean"),
        pytest.param(trade(takerOrderId=None), id="taker-order-missing"),
        pytest.param(trade(symbol=""), id="empty-symbol"),
    ],
)
def test_a_malformed_record_is_reported_for_retry_and_the_rest_are_stored(
    dynamodb: Any, payload: bytes
) -> None:
    event = kinesis_event(trade(tradeId=1), payload, trade(tradeId=3))

    response = trade_archiver.archive_trades(event, dynamodb, TABLE)

    assert response == {"batchItemFailures": [{"itemIdentifier": "49590001"}]}
    assert sorted(int(item["tradeId"]["N"]) for item in stored(dynamodb)) == [1, 3]


def test_the_other_events_of_the_trade_stream_are_passed_over(dynamodb: Any) -> None:
    book = {"type": "bookChanged", "eventId": "1.1", "symbol": "BTCUSDT", "sequence": 3,
            "bids": [["64250.10000000", "0.00150000"]], "asks": []}  # fmt: skip
    record = json.dumps([book, {**TRADE, "tradeId": 8}, book]).encode()

    response = trade_archiver.archive_trades(kinesis_event(record), dynamodb, TABLE)

    assert response == {"batchItemFailures": []}
    assert [item["tradeId"]["N"] for item in stored(dynamodb)] == ["8"]


def test_a_store_failure_is_reported_for_retry(dynamodb: Any) -> None:
    response = trade_archiver.archive_trades(kinesis_event(trade()), dynamodb, "missing-table")

    assert response == {"batchItemFailures": [{"itemIdentifier": "49590000"}]}


def test_the_handler_writes_to_the_table_named_in_its_environment(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOURSE_TRADES_TABLE", TABLE)
    monkeypatch.setenv("BOURSE_ARCHIVE_BUCKET", "bourse-test-archive")
    boto3.client("s3").create_bucket(
        Bucket="bourse-test-archive",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    trade_archiver._client.cache_clear()

    response = trade_archiver.handler(kinesis_event(trade()), object())

    trade_archiver._client.cache_clear()
    assert response == {"batchItemFailures": []}
    assert len(stored(dynamodb)) == 1
