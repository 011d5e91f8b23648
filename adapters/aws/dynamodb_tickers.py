"""Tickers in the DynamoDB tickers table: an item per market (key `symbol`), each statistic a
number attribute of its own, in minor units (the average price's window's too), replaced
whole on the condition that the stored one was taken earlier. A ticker is read with one
GetItem."""

import attrs
from botocore.exceptions import ClientError

from adapters.aws.clients import AwsClients, error_code, reachable
from application.ticker_ports import MarketTicker
from domain.average_price import AverageWindow
from domain.ticker import TickerStats

STATISTICS = tuple(field.name for field in attrs.fields(TickerStats))
# The average price's window, beside the statistics.
AVERAGE = {"averageQuantity": "quantity", "averageQuote": "quote", "averageLastTradeTime":
           "last_trade_time"}  # fmt: skip
EMPTY = {"N": "0"}


class DynamoTickers:
    def __init__(self, clients: AwsClients, table: str) -> None:
        self._clients = clients
        self._table = table

    async def put(self, ticker: MarketTicker) -> None:
        stats, average = attrs.asdict(ticker.stats), attrs.asdict(ticker.average)
        item = (
            {
                "symbol": {"S": ticker.symbol},
                "sequence": {"N": str(ticker.sequence)},
                "takenAt": {"N": str(ticker.taken_at)},
            }
            | {name: {"N": str(stats[name])} for name in STATISTICS}
            | {name: {"N": str(average[field])} for name, field in AVERAGE.items()}
        )
        dynamodb = await self._clients.client("dynamodb")
        try:
            with reachable("ticker store"):
                await dynamodb.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(symbol) OR takenAt < :taken",
                    ExpressionAttributeValues={":taken": {"N": str(ticker.taken_at)}},
                )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise

    async def get(self, symbol: str) -> MarketTicker | None:
        dynamodb = await self._clients.client("dynamodb")
        with reachable("ticker store"):
            found = await dynamodb.get_item(TableName=self._table, Key={"symbol": {"S": symbol}})
        item = found.get("Item")
        if item is None:
            return None
        stats = TickerStats(**{name: int(item[name]["N"]) for name in STATISTICS})
        # An item that a market data process of the version before wrote has no window (a
        # rolling deployment): avgPrice answers the last price until the new one writes.
        average = AverageWindow(
            **{field: int(item.get(name, EMPTY)["N"]) for name, field in AVERAGE.items()}
        )
        sequence, taken_at = int(item["sequence"]["N"]), int(item["takenAt"]["N"])
        return MarketTicker(symbol, sequence, stats, taken_at, average)
