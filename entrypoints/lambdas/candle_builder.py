"""Folds the trades of the Kinesis trade stream into candles, in every interval Binance serves,
in the DynamoDB candles table: one item per (series "SYMBOL#interval", openTime).

Kinesis delivers at least once, and a record may come again after the ones that followed it
(see `application.event_log`); a market's trades otherwise come in trade id order. Each candle
keeps the id of the last trade folded into it and takes only later ones, and it is written on
the condition that this id is still the one read: a replayed batch changes nothing, and two
invocations folding into one candle at once cannot both count a trade."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from entrypoints.lambdas.trades import MalformedRecord, TradeEvent, sequence_number, trades_of

logger = logging.getLogger(__name__)

CANDLES_TABLE_VARIABLE = "BOURSE_CANDLES_TABLE"
SECOND, MINUTE, HOUR, DAY = 1000, 60_000, 3_600_000, 86_400_000
# The fixed length of each interval; a month has none. As `domain.candles.Interval` has them.
INTERVALS = {
    "1s": SECOND, "1m": MINUTE, "3m": 3 * MINUTE, "5m": 5 * MINUTE, "15m": 15 * MINUTE,
    "30m": 30 * MINUTE, "1h": HOUR, "2h": 2 * HOUR, "4h": 4 * HOUR, "6h": 6 * HOUR,
    "8h": 8 * HOUR, "12h": 12 * HOUR, "1d": DAY, "3d": 3 * DAY, "1w": 7 * DAY, "1M": 0,
}  # fmt: skip
FIRST_MONDAY = 4 * DAY  # 1970-01-01 was a Thursday; weekly candles open on Mondays
ATTEMPTS = 5  # conditional writes lost to another invocation, read and tried again
AMOUNTS = ("volume", "quoteVolume", "takerBuyVolume", "takerBuyQuoteVolume")


class CandleContended(Exception):
    """Another writer kept changing the candle between this one's read and write."""


def open_time(interval: str, timestamp: int) -> int:
    if interval == "1M":
        moment = datetime.fromtimestamp(timestamp / 1000, UTC)
        return int(datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp()) * 1000
    length = INTERVALS[interval]
    offset = FIRST_MONDAY if interval == "1w" else 0
    return timestamp - (timestamp - offset) % length


def close_time(interval: str, opened: int) -> int:
    if interval == "1M":
        moment = datetime.fromtimestamp(opened / 1000, UTC)
        year, month = divmod(moment.year * 12 + moment.month, 12)
        return int(datetime(year, month + 1, 1, tzinfo=UTC).timestamp()) * 1000 - 1
    return opened + INTERVALS[interval] - 1


def build_candles(event: Mapping[str, Any], dynamodb: Any, table: str) -> dict[str, Any]:
    """Folds the trades of every record; returns the partial-batch response Lambda retries
    failures from: each malformed record, or the whole batch if a candle could not be written
    (what was folded is not folded again)."""
    records = list(event.get("Records", []))
    trades: list[TradeEvent] = []
    failures = []
    for record in records:
        try:
            trades += trades_of(record)
        except MalformedRecord:
            logger.exception("malformed trade record %s", sequence_number(record))
            failures.append({"itemIdentifier": sequence_number(record)})
    try:
        for key, candle_trades in _by_candle(trades).items():
            _fold(dynamodb, table, key, candle_trades)
    except (ClientError, CandleContended):
        logger.exception("could not fold the batch's trades into candles")
        failures = [{"itemIdentifier": sequence_number(records[0])}]
    return {"batchItemFailures": failures}


def handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    return build_candles(event, _dynamodb(), os.environ[CANDLES_TABLE_VARIABLE])


@cache
def _dynamodb() -> Any:
    return boto3.client("dynamodb")


def _by_candle(trades: list[TradeEvent]) -> dict[tuple[str, str, int], list[TradeEvent]]:
    """Each candle's trades, in the order delivered, by (symbol, interval, open time)."""
    found: dict[tuple[str, str, int], list[TradeEvent]] = {}
    for trade in trades:
        for interval in INTERVALS:
            key = (trade.symbol, interval, open_time(interval, trade.time))
            found.setdefault(key, []).append(trade)
    return found


def _fold(dynamodb: Any, table: str, key: tuple[str, str, int], trades: list[TradeEvent]) -> None:
    symbol, interval, opened = key
    item_key = {"series": {"S": f"{symbol}#{interval}"}, "openTime": {"N": str(opened)}}
    for _ in range(ATTEMPTS):
        stored = dynamodb.get_item(TableName=table, Key=item_key, ConsistentRead=True).get("Item")
        candle = _candle(stored, close_time(interval, opened))
        seen = candle["lastTradeId"]
        for trade in trades:
            if trade.trade_id > candle["lastTradeId"]:
                _add(candle, trade)
        if candle["lastTradeId"] == seen:
            return  # every trade was folded before: a replay
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(series)"}
            if stored is None
            else {
                "ConditionExpression": "lastTradeId = :seen",
                "ExpressionAttributeValues": {":seen": {"N": str(seen)}},
            }
        )
        try:
            dynamodb.put_item(TableName=table, Item=item_key | _item(candle), **condition)
            return
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    raise CandleContended(f"{symbol} {interval} {opened}")


def _candle(stored: Mapping[str, Any] | None, closes: int) -> dict[str, Any]:
    if stored is None:
        return {"closeTime": closes, "trades": 0, "lastTradeId": -1}
    candle: dict[str, Any] = {
        name: Decimal(stored[name]["S"]) for name in ("open", "high", "low", "close", *AMOUNTS)
    }
    for name in ("closeTime", "trades", "firstTradeId", "lastTradeId"):
        candle[name] = int(stored[name]["N"])
    return candle


def _add(candle: dict[str, Any], trade: TradeEvent) -> None:
    price, qty, quote = Decimal(trade.price), Decimal(trade.qty), Decimal(trade.quote_qty)
    if candle["trades"] == 0:
        candle.update(open=price, high=price, low=price, firstTradeId=trade.trade_id)
        # Zeros written with as many decimals as the amounts they add up.
        candle.update(volume=qty - qty, takerBuyVolume=qty - qty)
        candle.update(quoteVolume=quote - quote, takerBuyQuoteVolume=quote - quote)
    candle["high"] = max(candle["high"], price)
    candle["low"] = min(candle["low"], price)
    candle["close"] = price
    candle["volume"] += qty
    candle["quoteVolume"] += quote
    if not trade.is_buyer_maker:
        candle["takerBuyVolume"] += qty
        candle["takerBuyQuoteVolume"] += quote
    candle["trades"] += 1
    candle["lastTradeId"] = trade.trade_id


def _item(candle: Mapping[str, Any]) -> dict[str, Any]:
    item = {
        name: {"S": format(candle[name], "f")}
        for name in ("open", "high", "low", "close", *AMOUNTS)
    }
    for name in ("closeTime", "trades", "firstTradeId", "lastTradeId"):
        item[name] = {"N": str(candle[name])}
    return item
