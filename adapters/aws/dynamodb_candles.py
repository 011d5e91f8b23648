"""Each market's candles in the DynamoDB candles table, as the candle builder Lambda writes
them: an item per (series "SYMBOL#interval", openTime), its amounts as decimal strings. A range
is two Queries on the series' partition: the candle before it (whose close the quiet intervals
show) and the candles within it."""

from typing import Any

from adapters.aws.clients import AwsClients, reachable
from domain.candles import Candle, CandleSeries, Interval
from domain.exchange import Exchange


class DynamoCandleHistory:
    def __init__(self, clients: AwsClients, table: str, exchange: Exchange) -> None:
        self._clients = clients
        self._table = table
        self._exchange = exchange

    async def between(
        self, symbol: str, interval: Interval, start: int, end: int, limit: int
    ) -> list[Candle]:
        series_key = {":series": {"S": f"{symbol}#{interval.value}"}}
        before = await self._query(
            KeyConditionExpression="series = :series AND openTime < :start",
            ExpressionAttributeValues=series_key | {":start": {"N": str(start)}},
            ScanIndexForward=False,
            Limit=1,
        )
        within = await self._query(
            KeyConditionExpression="series = :series AND openTime BETWEEN :start AND :end",
            ExpressionAttributeValues=series_key
            | {":start": {"N": str(start)}, ":end": {"N": str(end)}},
            Limit=limit,
        )
        series = CandleSeries(interval)
        series.candles = [self._candle(symbol, item) for item in before + within]
        chosen = []
        for candle in series.between(start, end):
            chosen.append(candle)
            if len(chosen) == limit:
                break
        return chosen

    async def _query(self, **request: Any) -> list[dict[str, Any]]:
        dynamodb = await self._clients.client("dynamodb")
        with reachable("candle history"):
            page = await dynamodb.query(TableName=self._table, **request)
        items: list[dict[str, Any]] = page["Items"]
        return items

    def _candle(self, symbol: str, item: dict[str, Any]) -> Candle:
        market = self._exchange.markets[symbol].market
        price, base = market.quote.to_minor, market.base.to_minor
        return Candle(
            open_time=int(item["openTime"]["N"]),
            close_time=int(item["closeTime"]["N"]),
            open=price(item["open"]["S"]),
            high=price(item["high"]["S"]),
            low=price(item["low"]["S"]),
            close=price(item["close"]["S"]),
            volume=base(item["volume"]["S"]),
            quote_volume=price(item["quoteVolume"]["S"]),
            trades=int(item["trades"]["N"]),
            taker_buy_volume=base(item["takerBuyVolume"]["S"]),
            taker_buy_quote_volume=price(item["takerBuyQuoteVolume"]["S"]),
            first_trade_id=int(item["firstTradeId"]["N"]),
            last_trade_id=int(item["lastTradeId"]["N"]),
        )
