"""The historical data: each market's completed days of trades, a gzip-compressed CSV file a
day in the archive bucket (`trades/SYMBOL/YYYY-MM-DD.csv.gz`, a line per trade as Binance's
historical data writes them), written by the trade archiver from the trades table.

A market's trades reach the archiver in trade id order, so the first trade of a day closes the
market's previous day: that day is written then, unless it is there already. Writing it again
(a replayed batch) would write the same file."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime
from typing import Any

from botocore.exceptions import ClientError

from entrypoints.lambdas.trades import TradeEvent

ARCHIVE_BUCKET_VARIABLE = "BOURSE_ARCHIVE_BUCKET"


def archive_key(symbol: str, day: date) -> str:
    return f"trades/{symbol}/{day.isoformat()}.csv.gz"


def day_of(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp / 1000, UTC).date()


def archive_completed_days(
    trades: list[TradeEvent], dynamodb: Any, table: str, s3: Any, bucket: str
) -> list[str]:
    """Writes each day that a trade of the batch closes; the keys written."""
    times = {(t.symbol, t.trade_id): t.time for t in trades}
    written = []
    for symbol, trade_id in sorted(times):
        before = times.get((symbol, trade_id - 1))
        if before is None:
            before = _stored_time(dynamodb, table, symbol, trade_id - 1)
        if before is None or day_of(before) >= day_of(times[symbol, trade_id]):
            continue
        key = archive_key(symbol, day_of(before))
        if not _archived(s3, bucket, key):
            lines = _day_lines(dynamodb, table, symbol, trade_id - 1, day_of(before))
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=gzip.compress("".join(lines).encode(), mtime=0),
                ContentType="text/csv",
                ContentEncoding="gzip",
            )
            written.append(key)
    return written


def _stored_time(dynamodb: Any, table: str, symbol: str, trade_id: int) -> int | None:
    if trade_id < 1:
        return None
    key = {"symbol": {"S": symbol}, "tradeId": {"N": str(trade_id)}}
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return int(item["time"]["N"]) if item else None


def _archived(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def _day_lines(dynamodb: Any, table: str, symbol: str, last_id: int, day: date) -> list[str]:
    """The day's lines, read back from its last trade until a trade of an earlier day."""
    lines: list[str] = []
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "symbol = :symbol AND tradeId <= :last",
        "ExpressionAttributeValues": {":symbol": {"S": symbol}, ":last": {"N": str(last_id)}},
        "ScanIndexForward": False,
        "ConsistentRead": True,
    }
    while True:
        page = dynamodb.query(**request)
        for item in page["Items"]:
            if day_of(int(item["time"]["N"])) < day:
                return lines[::-1]
            lines.append(_line(item))
        if "LastEvaluatedKey" not in page:
            return lines[::-1]
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _line(item: dict[str, Any]) -> str:
    # As `application.trade_export.csv_line` writes it; every trade is at the best price.
    return (
        f"{item['tradeId']['N']},{item['price']['S']},{item['qty']['S']},"
        f"{item['quoteQty']['S']},{item['time']['N']},{item['isBuyerMaker']['BOOL']},True\n"
    )
