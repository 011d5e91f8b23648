"""Copies every trade from the Kinesis trade stream into the DynamoDB trades table.

Kinesis delivers at least once, so a trade may arrive twice: the first write of a
(symbol, tradeId) wins and a repeat is acknowledged without touching the stored item.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

TRADES_TABLE_VARIABLE = "BOURSE_TRADES_TABLE"
DECIMAL_FIELDS = ("price", "qty", "quoteQty")


class MalformedTrade(ValueError):
    """A record on the trade stream that is not a trade event."""


def decode_trade(data: str) -> dict[str, Any]:
    """Turns one base64 Kinesis payload into a DynamoDB item, refusing floats for money."""
    try:
        event = json.loads(base64.b64decode(data, validate=True), parse_float=_refuse_float)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedTrade(f"not a JSON trade event: {error}") from error
    if not isinstance(event, dict):
        raise MalformedTrade("a trade event is a JSON object")
    item: dict[str, Any] = {
        "symbol": {"S": _text(event, "symbol")},
        "tradeId": {"N": str(_integer(event, "tradeId"))},
        "time": {"N": str(_integer(event, "time"))},
        "isBuyerMaker": {"BOOL": _flag(event, "isBuyerMaker")},
    }
    for field in DECIMAL_FIELDS:
        # Stored as the exact string received so "0.10000000" reads back as it was sent.
        item[field] = {"S": _decimal_string(event, field)}
    return item


def archive_trades(event: Mapping[str, Any], dynamodb: Any, table: str) -> dict[str, Any]:
    """Writes each record; returns the partial-batch response Lambda retries failures from."""
    failures = []
    for record in event.get("Records", []):
        sequence_number = record["kinesis"]["sequenceNumber"]
        try:
            item = decode_trade(record["kinesis"]["data"])
            _put_once(dynamodb, table, item)
        except MalformedTrade:
            logger.exception("malformed trade record %s", sequence_number)
            failures.append({"itemIdentifier": sequence_number})
        except ClientError:
            logger.exception("could not store trade record %s", sequence_number)
            failures.append({"itemIdentifier": sequence_number})
    return {"batchItemFailures": failures}


def handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    return archive_trades(event, _dynamodb(), os.environ[TRADES_TABLE_VARIABLE])


@cache
def _dynamodb() -> Any:
    return boto3.client("dynamodb")


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


def _refuse_float(text: str) -> Decimal:
    raise MalformedTrade(f"number {text} must be sent as a decimal string")


def _text(event: Mapping[str, Any], field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str) or not value:
        raise MalformedTrade(f"{field} must be a non-empty string")
    return value


def _integer(event: Mapping[str, Any], field: str) -> int:
    value = event.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedTrade(f"{field} must be a non-negative integer")
    return value


def _flag(event: Mapping[str, Any], field: str) -> bool:
    value = event.get(field)
    if not isinstance(value, bool):
        raise MalformedTrade(f"{field} must be true or false")
    return value


def _decimal_string(event: Mapping[str, Any], field: str) -> str:
    value = _text(event, field)
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise MalformedTrade(f"{field} {value!r} is not a decimal") from error
    if not amount.is_finite() or amount <= 0:
        raise MalformedTrade(f"{field} {value!r} must be a positive finite decimal")
    return value
