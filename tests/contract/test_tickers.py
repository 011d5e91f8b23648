"""Tickers: each market's latest, every statistic exact, in process and in DynamoDB (moto,
through aioboto3); a ticker taken earlier never replaces a later one."""

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.dynamodb_tickers import DynamoTickers
from adapters.memory.tickers import MemoryTickers
from application.ticker_ports import MarketTicker, Tickers
from domain.average_price import AverageWindow
from domain.ticker import TickerStats
from entrypoints.provision import TABLE_KEYS, table_definition
from tests.contract.aws import boto3_client
from tests.moto_server import unique

T0 = 1_732_530_000_000


@pytest.fixture(params=["memory", "dynamodb"])
def tickers(request: pytest.FixtureRequest) -> Tickers:
    if request.param == "memory":
        return MemoryTickers()
    moto_url: str = request.getfixturevalue("moto_url")
    table = unique("tickers")
    boto3_client(moto_url, "dynamodb").create_table(
        **table_definition(table, TABLE_KEYS["tickers_table"])
    )
    clients: AwsClients = request.getfixturevalue("aws_clients")
    return DynamoTickers(clients, table)


def ticker(symbol: str, taken_at: int, last_price: int) -> MarketTicker:
    stats = TickerStats(
        open_price=6_000_000_000_000, high_price=6_100_000_000_000, low_price=5_900_000_000_000,
        last_price=last_price, last_quantity=12_345, prev_close_price=5_999_999_999_999,
        volume=2**63 - 1, quote_volume=10**30, open_time=taken_at - 86_400_000,
        close_time=taken_at, first_trade_id=1, last_trade_id=987_654, count=987_654,
    )  # fmt: skip
    average = AverageWindow(quantity=10**20, quote=6 * 10**32, last_trade_time=taken_at - 7)
    return MarketTicker(symbol, taken_at // 1000, stats, taken_at, average)


async def test_the_latest_ticker_of_each_market_is_kept_exactly(tickers: Tickers) -> None:
    assert await tickers.get("BTCUSDT") is None

    await tickers.put(ticker("BTCUSDT", T0, 6_000_100_000_000))
    await tickers.put(ticker("BTCUSDT", T0 + 1000, 6_000_200_000_000))
    await tickers.put(ticker("BTCUSDT", T0 + 500, 1))  # a slow writer's older one
    await tickers.put(ticker("ETHUSDT", T0, 300_000_000_000))

    assert await tickers.get("BTCUSDT") == ticker("BTCUSDT", T0 + 1000, 6_000_200_000_000)
    assert await tickers.get("ETHUSDT") == ticker("ETHUSDT", T0, 300_000_000_000)
    assert await tickers.get("ETHBTC") is None


async def test_an_item_written_before_the_average_window_was_kept_reads_with_an_empty_one(
    moto_url: str, aws_clients: AwsClients
) -> None:
    table = unique("tickers")
    dynamodb = boto3_client(moto_url, "dynamodb")
    dynamodb.create_table(**table_definition(table, TABLE_KEYS["tickers_table"]))
    await DynamoTickers(aws_clients, table).put(ticker("BTCUSDT", T0, 6_000_100_000_000))
    for name in ("averageQuantity", "averageQuote", "averageLastTradeTime"):
        dynamodb.update_item(
            TableName=table, Key={"symbol": {"S": "BTCUSDT"}}, UpdateExpression=f"REMOVE {name}"
        )

    found = await DynamoTickers(aws_clients, table).get("BTCUSDT")

    assert found is not None and found.average == AverageWindow(0, 0, 0)
    assert found.stats == ticker("BTCUSDT", T0, 6_000_100_000_000).stats
