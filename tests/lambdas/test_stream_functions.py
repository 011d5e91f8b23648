"""The trade stream's Lambda functions fed what Lambda would feed them: records written by the
relay's own event log writer to a Kinesis stream on the session's moto server, read back from
it and delivered in Lambda's event shape (base64 data, sequence numbers), by the poller that
drives them on a local run. The candle builder folds every trade once, whatever is replayed; a
poison record is retried and then passed over, and the trades around it are folded."""

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest

from adapters.aws.clients import AwsClients
from adapters.aws.kinesis import KinesisEventLog
from adapters.aws.trade_archive import S3TradeArchive
from adapters.memory.demo_listing import demo_markets
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.account_sequences import AccountCounters
from application.event_log import EventLogWriter
from application.records import LogRecord, OutboxMessage
from application.relay import encode_events
from application.trade_export import export_day
from domain.candles import Interval, aggregate
from domain.commands import Deposit, PlaceOrder
from domain.events import Event, Trade
from domain.exchange import Exchange
from domain.orders import OrderType, Side
from entrypoints.lambda_poller import (
    RETRIES,
    StreamPoller,
    lambda_event,
    trade_stream_pollers,
)
from entrypoints.lambdas import candle_builder
from entrypoints.lambdas.candle_builder import build_candles
from entrypoints.settings import AwsSettings
from tests.aws_mode import aws_environment
from tests.conftest import REDIS
from tests.contract.aws import boto3_client

BTC, USDT = 10**8, 10**8
NO_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/unused"
START = 1_732_530_000_000  # a Monday, 10:20 UTC


@pytest.fixture
async def aws(moto_url: str) -> AwsSettings:
    # Provisioned on a loop of its own: `aws_environment` is for synchronous callers.
    environment = await asyncio.to_thread(aws_environment, moto_url, NO_DATABASE, REDIS)
    return AwsSettings.from_env(environment)


@pytest.fixture
async def log(aws: AwsSettings) -> AsyncIterator[KinesisEventLog]:
    async with AwsClients(aws.region, aws.endpoint_url) as clients:
        yield KinesisEventLog(clients)


def traded(exchange: Exchange, count: int, start: int) -> Iterator[tuple[str, int, list[Event]]]:
    """(symbol, sequence, events) of commands that trade `count` times in BTCUSDT, a few
    seconds apart from `start`, at prices that wander."""
    sequence = 0
    for n in range(count):
        at = start + n * 7_000
        price = (60_000 + (n * 37) % 500) * USDT
        for account, side in ((1, Side.SELL), (2, Side.BUY)):
            sequence += 1
            order = PlaceOrder(account, "BTCUSDT", side, OrderType.LIMIT, BTC // 100, price,
                               timestamp=at)  # fmt: skip
            yield "BTCUSDT", sequence, exchange.place(order)


def history(count: int, start: int = START) -> tuple[list[OutboxMessage], list[Trade]]:
    """The outbox messages of `count` trades, and the trades."""
    exchange = Exchange(demo_markets())
    exchange.deposit(Deposit(1, "BTC", 10 * BTC))
    exchange.deposit(Deposit(2, "USDT", 10**7 * USDT))
    found: list[OutboxMessage] = []
    trades: list[Trade] = []
    counters = AccountCounters()
    for outbox_id, (symbol, sequence, events) in enumerate(traded(exchange, count, start), 1):
        numbered = counters.number(events)
        found.append(OutboxMessage(outbox_id, symbol, sequence, encode_events(events), numbered))
        trades += [event for event in events if isinstance(event, Trade)]
    return found, trades


def writer(log: KinesisEventLog, aws: AwsSettings) -> EventLogWriter:
    return EventLogWriter(log, Exchange(demo_markets()), aws.trade_stream, aws.order_stream)


async def drive(pollers: list[StreamPoller]) -> int:
    """Polls until no function has anything left to take; the deliveries made."""
    deliveries = 0
    while busy := sum([await poller.poll_once() for poller in pollers]):
        deliveries += busy
    return deliveries


def candle_items(moto_url: str, table: str) -> dict[tuple[str, int], dict[str, Any]]:
    items = boto3_client(moto_url, "dynamodb").scan(TableName=table)["Items"]
    return {(i["series"]["S"], int(i["openTime"]["N"])): i for i in items}


def test_the_intervals_open_and_close_as_the_domain_says() -> None:
    for interval in Interval:
        for timestamp in (0, START, START + 86_399_999, 1_709_251_199_999, 1_735_689_600_000):
            opened = interval.open_time(timestamp)
            assert candle_builder.open_time(interval.value, timestamp) == opened
            closes = interval.next_open_time(opened) - 1
            assert candle_builder.close_time(interval.value, opened) == closes


def expected_candles(trades: list[Trade], interval: Interval) -> dict[tuple[str, int], Any]:
    market = Exchange(demo_markets()).markets["BTCUSDT"].market
    base, quote = market.base.format, market.quote.format
    return {
        (f"BTCUSDT#{interval.value}", c.open_time): {
            "open": quote(c.open),
            "high": quote(c.high),
            "low": quote(c.low),
            "close": quote(c.close),
            "volume": base(c.volume),
            "quoteVolume": quote(c.quote_volume),
            "takerBuyVolume": base(c.taker_buy_volume),
            "takerBuyQuoteVolume": quote(c.taker_buy_quote_volume),
            "trades": c.trades,
            "firstTradeId": c.first_trade_id,
            "lastTradeId": c.last_trade_id,
            "closeTime": c.close_time,
        }
        for c in aggregate(trades, interval).candles
    }


def stored_candles(items: dict[tuple[str, int], Any], interval: Interval) -> dict[Any, Any]:
    numbers = ("trades", "firstTradeId", "lastTradeId", "closeTime")
    return {
        key: {
            name: int(v["N"]) if name in numbers else v["S"]
            for name, v in item.items()
            if name not in ("series", "openTime")
        }
        for key, item in items.items()
        if key[0] == f"BTCUSDT#{interval.value}"
    }


INTERVALS = [Interval.SECOND_1, Interval.MINUTE_1, Interval.MINUTE_5, Interval.HOUR_1,
             Interval.WEEK_1, Interval.MONTH_1]  # fmt: skip


async def test_every_trade_is_folded_and_archived_once_whatever_is_delivered_again(
    aws: AwsSettings, log: KinesisEventLog, moto_url: str
) -> None:
    found, trades = history(60)
    relay = writer(log, aws)
    for start in range(0, len(found), 30):
        await relay.write(found[start : start + 30])
        if start == 30:  # a relay batch appended again, as after a refused PutRecords
            await relay.write(found[start : start + 30])
    pollers = trade_stream_pollers(aws, log)

    await drive(pollers)
    folded = candle_items(moto_url, aws.candles_table)
    shard = next(iter(pollers[1].checkpoints))
    delivered = await log.read(aws.trade_stream, shard, None, 100)
    event = lambda_event("arn:aws:kinesis:eu-west-1:0:stream/t", "eu-west-1", shard, delivered)
    dynamodb = boto3_client(moto_url, "dynamodb")
    replayed = build_candles(json.loads(json.dumps(event)), dynamodb, aws.candles_table)

    assert replayed == {"batchItemFailures": []}
    assert candle_items(moto_url, aws.candles_table) == folded
    for interval in INTERVALS:
        assert stored_candles(folded, interval) == expected_candles(trades, interval), interval
    archived = dynamodb.scan(TableName=aws.trades_table)["Items"]
    assert sorted(int(item["tradeId"]["N"]) for item in archived) == [t.trade_id for t in trades]


async def test_a_poison_record_is_retried_then_passed_over_and_the_others_are_folded(
    aws: AwsSettings, log: KinesisEventLog, moto_url: str
) -> None:
    found, trades = history(12)
    relay = writer(log, aws)
    await relay.write(found[:12])
    poison = b'[{"type": "trade", "symbol": "BTCUSDT", "tradeId": 99, "price": 1.5}]'
    await log.append([LogRecord(aws.trade_stream, "BTCUSDT", poison)])
    await relay.write(found[12:])
    builder = next(p for p in trade_stream_pollers(aws, log) if p.name == "candle-builder")

    deliveries = await drive([builder])

    # The batch, then again from the poison RETRIES times, the last of which passes it over.
    assert deliveries == 1 + RETRIES
    folded = candle_items(moto_url, aws.candles_table)
    for interval in INTERVALS:
        assert stored_candles(folded, interval) == expected_candles(trades, interval), interval


async def test_a_completed_day_is_archived_as_the_store_exports_it(
    aws: AwsSettings, log: KinesisEventLog
) -> None:
    midnight = 1_732_579_200_000  # 2024-11-26 00:00 UTC
    found, trades = history(40, start=midnight - 100_000)
    await writer(log, aws).write(found[:30])
    await writer(log, aws).write(found[30:])
    store = MemoryUnitOfWorkFactory()
    async with store() as uow:
        for trade in trades:
            await uow.trades.add(trade)
        await uow.commit()

    await drive(trade_stream_pollers(aws, log))

    async with AwsClients(aws.region, aws.endpoint_url) as clients:
        archive = S3TradeArchive(clients, aws.archive_bucket)
        archived = await archive.get("BTCUSDT", date(2024, 11, 25))
        assert await archive.get("BTCUSDT", date(2024, 11, 26)) is None  # not over yet
    assert archived is not None
    exported = await export_day(
        store, None, Exchange(demo_markets()), "BTCUSDT", date(2024, 11, 25)
    )
    assert gzip.decompress(archived) == exported
    assert exported.count(b"\n") == sum(t.timestamp < midnight for t in trades) > 0
