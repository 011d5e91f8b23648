"""Each market's public trades in the DynamoDB trades table, as the trade archiver Lambda
writes them: an item per (symbol, tradeId), its decimals as the strings the event log carried,
and an index `by-time` on (symbol, timeTradeId) for time ranges. Every read is a Query on a
market's partition, of the table by trade id or of the index by time; none is a Scan."""

from typing import Any

from adapters.aws.clients import AwsClients, reachable
from application.history_ports import PublicTrade
from domain.exchange import Exchange

TIME_INDEX = "by-time"
LAST_TIME, LAST_ID = 10**13 - 1, 2**63 - 1


def time_key(time: int, trade_id: int) -> str:
    """The index's sort key: the time, then the trade id, as fixed-width digits (the trade
    archiver writes it)."""
    return f"{time:013d}#{trade_id:019d}"


class DynamoTradeHistory:
    def __init__(self, clients: AwsClients, table: str, exchange: Exchange) -> None:
        self._clients = clients
        self._table = table
        self._exchange = exchange

    async def recent(self, symbol: str, limit: int) -> list[PublicTrade]:
        return await self.history(symbol, limit=limit)

    async def history(
        self,
        symbol: str,
        from_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        limit: int = 500,
    ) -> list[PublicTrade]:
        values: dict[str, Any] = {":symbol": {"S": symbol}}
        request: dict[str, Any] = {"TableName": self._table, "ScanIndexForward": True}
        if from_id is not None:
            condition = "symbol = :symbol AND tradeId >= :from"
            values[":from"] = {"N": str(from_id)}
            times = []
            if start is not None:
                times.append("#time >= :start")
                values[":start"] = {"N": str(start)}
            if end is not None:
                times.append("#time <= :end")
                values[":end"] = {"N": str(end)}
            if times:
                request["FilterExpression"] = " AND ".join(times)
                request["ExpressionAttributeNames"] = {"#time": "time"}
        elif start is not None or end is not None:
            request["IndexName"] = TIME_INDEX
            condition = "symbol = :symbol AND timeTradeId BETWEEN :first AND :last"
            values[":first"] = {"S": time_key(start or 0, 0)}
            values[":last"] = {"S": time_key(LAST_TIME if end is None else end, LAST_ID)}
            request["ScanIndexForward"] = start is not None
        else:
            condition = "symbol = :symbol"
            request["ScanIndexForward"] = False
        request["KeyConditionExpression"] = condition
        request["ExpressionAttributeValues"] = values
        items = await self._query(request, limit)
        found = [self._trade(symbol, item) for item in items]
        return found if request["ScanIndexForward"] else found[::-1]

    async def _query(self, request: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        """The first `limit` items the query matches, page after page."""
        dynamodb = await self._clients.client("dynamodb")
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            with reachable("trade history"):
                page = await dynamodb.query(**request, Limit=limit - len(items))
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items

    def _trade(self, symbol: str, item: dict[str, Any]) -> PublicTrade:
        market = self._exchange.markets[symbol].market
        return PublicTrade(
            trade_id=int(item["tradeId"]["N"]),
            price=market.quote.to_minor(item["price"]["S"]),
            quantity=market.base.to_minor(item["qty"]["S"]),
            quote_quantity=market.quote.to_minor(item["quoteQty"]["S"]),
            timestamp=int(item["time"]["N"]),
            buyer_is_maker=item["isBuyerMaker"]["BOOL"],
            taker_order_id=int(item["takerOrderId"]["N"]),
        )
