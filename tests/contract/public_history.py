"""The public history of one market in each store that keeps it: written as each mode writes
it (the engine's unit of work in `memory` and `local`; in `aws`, the relay's event log records
handed to the trade archiver and candle builder Lambda functions, on the session's moto
server), and read back through the ports `application.history_ports` names."""

from collections.abc import Callable, Sequence
from typing import Any

from attrs import define
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.aws.clients import AwsClients
from adapters.aws.dynamodb_candles import DynamoCandleHistory
from adapters.aws.dynamodb_trades import DynamoTradeHistory
from adapters.memory.demo_listing import demo_markets
from adapters.memory.event_log import MemoryEventLog
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from adapters.system import SystemClock
from application.event_log import EventLogWriter
from application.history_ports import CandleHistory, TradeHistory
from application.ports import UnitOfWorkFactory
from application.records import OutboxMessage, StoredRecord
from application.relay import encode_events
from application.store_history import StoreCandleHistory, StoreTradeHistory
from domain.events import Trade
from domain.exchange import Exchange
from entrypoints.lambda_poller import lambda_event
from entrypoints.lambdas.candle_builder import build_candles
from entrypoints.lambdas.trade_archiver import archive_trades
from entrypoints.provision import TABLE_KEYS, TIME_INDEX, table_definition
from tests.contract.aws import boto3_client
from tests.moto_server import REGION, unique

Write = Callable[[Sequence[Trade]], Any]


@define
class PublicHistory:
    write: Write
    trades: TradeHistory
    candles: CandleHistory


def in_store(unit_of_work: UnitOfWorkFactory) -> PublicHistory:
    async def write(trades: Sequence[Trade]) -> None:
        async with unit_of_work() as uow:
            for trade in trades:
                await uow.trades.add(trade)
                await uow.candles.record(trade)
            await uow.commit()

    return PublicHistory(write, StoreTradeHistory(unit_of_work), StoreCandleHistory(unit_of_work))


def in_memory() -> PublicHistory:
    return in_store(MemoryUnitOfWorkFactory())


def in_postgres(engine: AsyncEngine) -> PublicHistory:
    return in_store(PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key())))


def in_dynamodb(moto_url: str, clients: AwsClients) -> PublicHistory:
    """Tables of their own, made as `bourse provision-local` makes them."""
    exchange = Exchange(demo_markets())
    dynamodb = boto3_client(moto_url, "dynamodb")
    trades_table, candles_table = unique("trades"), unique("candles")
    dynamodb.create_table(**table_definition(trades_table, TABLE_KEYS["trades_table"], TIME_INDEX))
    dynamodb.create_table(**table_definition(candles_table, TABLE_KEYS["candles_table"]))
    writer = EventLogWriter(MemoryEventLog(SystemClock()), exchange, "trades", "orders")
    delivered = 0

    async def write(trades: Sequence[Trade]) -> None:
        nonlocal delivered
        messages = [
            OutboxMessage(delivered + n, t.symbol, t.trade_id, encode_events([t]))
            for n, t in enumerate(trades, 1)
        ]
        records = [
            StoredRecord(f"{delivered + n:020d}", r.partition_key, r.data, 0)
            for n, r in enumerate(writer.records(messages), 1)
        ]
        delivered += len(records)
        event = lambda_event("arn:aws:kinesis:eu-west-1:0:stream/t", REGION, "0", records)
        assert archive_trades(event, dynamodb, trades_table) == {"batchItemFailures": []}
        assert build_candles(event, dynamodb, candles_table) == {"batchItemFailures": []}

    return PublicHistory(
        write,
        DynamoTradeHistory(clients, trades_table, exchange),
        DynamoCandleHistory(clients, candles_table, exchange),
    )
