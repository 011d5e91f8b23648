"""Copies every trade from the Kinesis trade stream into the DynamoDB trades table, and writes
each market's days of trades to the archive bucket as they complete (`day_archive`).

Kinesis delivers at least once, so a trade may arrive twice: the first write of a
(symbol, tradeId) wins and a repeat is acknowledged without touching the stored item.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from entrypoints.lambdas.day_archive import ARCHIVE_BUCKET_VARIABLE, archive_completed_days
from entrypoints.lambdas.trades import MalformedRecord, TradeEvent, sequence_number, trades_of

logger = logging.getLogger(__name__)

TRADES_TABLE_VARIABLE = "BOURSE_TRADES_TABLE"


def trade_item(trade: TradeEvent) -> dict[str, Any]:
    """The trade as a DynamoDB item, its decimals stored as the strings received. Its
    `timeTradeId` sorts the market's trades by time in the table's time index, as
    `adapters.aws.dynamodb_trades` queries it: the time, then the trade id among trades of
    the same millisecond, as fixed-width digits."""
    return {
        "symbol": {"S": trade.symbol},
        "tradeId": {"N": str(trade.trade_id)},
        "time": {"N": str(trade.time)},
        "isBuyerMaker": {"BOOL": trade.is_buyer_maker},
        "takerOrderId": {"N": str(trade.taker_order_id)},
        "timeTradeId": {"S": f"{trade.time:013d}#{trade.trade_id:019d}"},
        "price": {"S": trade.price},
        "qty": {"S": trade.qty},
        "quoteQty": {"S": trade.quote_qty},
    }


def archive_trades(
    event: Mapping[str, Any],
    dynamodb: Any,
    table: str,
    s3: Any = None,
    bucket: str | None = None,
) -> dict[str, Any]:
    """Writes each record's trades, then the days they complete (to `bucket`, if given, once
    every record is stored); returns the partial-batch response Lambda retries failures from
    (the lowest failed record, and the records after it)."""
    records = list(event.get("Records", []))
    failures = []
    stored: list[TradeEvent] = []
    for record in records:
        try:
            for trade in trades_of(record):
                _put_once(dynamodb, table, trade_item(trade))
                stored.append(trade)
        except MalformedRecord:
            logger.exception("malformed trade record %s", sequence_number(record))
            failures.append({"itemIdentifier": sequence_number(record)})
        except ClientError:
            logger.exception("could not store trade record %s", sequence_number(record))
            failures.append({"itemIdentifier": sequence_number(record)})
    if bucket is not None and records and not failures:
        try:
            archive_completed_days(stored, dynamodb, table, s3, bucket)
        except ClientError:
            logger.exception("could not archive the days this batch completes")
            failures.append({"itemIdentifier": sequence_number(records[0])})
    return {"batchItemFailures": failures}


def handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    return archive_trades(
        event,
        _client("dynamodb"),
        os.environ[TRADES_TABLE_VARIABLE],
        _client("s3"),
        os.environ[ARCHIVE_BUCKET_VARIABLE],
    )


@cache
def _client(service: str) -> Any:
    return boto3.client(service)


def _put_once(dynamodb: Any, table: str, item: dict[str, Any]) -> None:
    try:
        dynamodb.put_item(
            TableName=table,
            Item=item,
            ConditionExpression="attribute_not_exists(tradeId)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
