"""What `aws` mode spends on DynamoDB: the read and write request units (on-demand billing)
per 1,000 orders, spent by the trade stream's two Lambda functions as they store the trades
and fold the candles, and per 1,000 public history requests of each kind, spent by the api's
reads.

The recorded order flow of `benchmarks.engine` (~60% limit orders near the touch, ~30%
cancels, ~10% marketable), stamped 2 ms apart (500 commands/s), is replayed on the exchange;
its events become the relay's trade stream records (`--batch` commands a relay pass), handed to
the functions' own handlers in Lambda events of `--lambda-batch` records, on a moto server
through boto3. The public history is then read through `MarketData` and the DynamoDB adapters
(aioboto3), as the api serves `/trades`, `/historicalTrades`, `/aggTrades` and `/klines` with
Binance's default limits. (`/avgPrice` reads no trade: the market data keeps its window, see
`domain.ticker.RollingTicker`, and the api reads it with the ticker item, one GetItem.)

moto answers ReturnConsumedCapacity with a constant, so the units are computed from the items
each call writes or reads, by DynamoDB's published rules (see `item_size`): a write takes a
unit per KB of the item (a failed conditional write too), and once more for each index it
updates; a strongly consistent read takes a unit per 4 KB read, an eventually consistent one
half that, a Query summing the sizes of the items it reads before rounding up.

    python -m benchmarks.dynamodb_usage [--commands N] [--batch 10] [--lambda-batch 10,100]
                                        [--requests 20] [--json PATH]
"""

import argparse
import asyncio
import json
import math
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import msgspec

from adapters.aws.clients import AwsClients
from adapters.aws.dynamodb_candles import DynamoCandleHistory
from adapters.aws.dynamodb_trades import DynamoTradeHistory
from adapters.memory.demo_listing import demo_markets
from adapters.memory.event_log import MemoryEventLog
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.system import SystemClock
from application.account_sequences import AccountCounters
from application.errors import MarketUnavailable
from application.event_log import EventLogWriter
from application.market_data import MarketData
from application.records import OutboxMessage, StoredRecord
from application.relay import encode_events
from benchmarks.engine import SYMBOL, funded_exchange, record_flow
from benchmarks.servers import moto_server
from domain.average_price import AverageWindow
from domain.candles import Interval
from domain.commands import PlaceOrder
from domain.exchange import Exchange
from domain.ticker import TickerStats
from entrypoints.lambda_poller import lambda_event
from entrypoints.lambdas.candle_builder import build_candles
from entrypoints.lambdas.trade_archiver import archive_trades
from entrypoints.provision import TABLE_KEYS, TIME_INDEX, table_definition

REGION = "eu-west-1"
T0 = 1_732_530_000_000
COMMAND_MS = 2  # 500 commands/s
TRADES, CANDLES = "bourse-bench-trades", "bourse-bench-candles"
INDEXED = {TRADES}  # tables with an index (projecting whole items) that every write updates


def number_size(text: str) -> int:
    """A number's size: about one byte per two significant digits, plus one."""
    digits = Decimal(text).normalize().as_tuple().digits
    return math.ceil(len(digits) / 2) + 1


def item_size(item: dict[str, Any]) -> int:
    """The bytes an item counts for: each attribute's name and value (UTF-8 for strings)."""
    size = 0
    for name, value in item.items():
        ((kind, content),) = value.items()
        size += len(name.encode())
        if kind == "S":
            size += len(content.encode())
        elif kind == "N":
            size += number_size(content)
        elif kind == "BOOL":
            size += 1
        else:
            raise ValueError(f"no size rule for {kind}")
    return size


class CapacityMeter:
    """Counts the request units of the DynamoDB calls of the clients it is attached to."""

    def __init__(self) -> None:
        self.read_units = 0.0
        self.write_units = 0.0
        self.calls: dict[str, int] = {}

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-call.dynamodb", self.before_call)
        client.meta.events.register("after-call.dynamodb", self.after_call)

    def reset(self) -> None:
        self.read_units = self.write_units = 0.0
        self.calls = {}

    def before_call(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["metered_request"] = json.loads(params["body"] or b"{}")

    def after_call(
        self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> None:
        request = context["metered_request"]
        self.calls[model.name] = self.calls.get(model.name, 0) + 1
        per_4kb = 1.0 if request.get("ConsistentRead") else 0.5
        if model.name == "PutItem":
            units = math.ceil(item_size(request["Item"]) / 1024)
            failed = "Error" in parsed
            indexes = 1 if request["TableName"] in INDEXED and not failed else 0
            self.write_units += units * (1 + indexes)
        elif model.name == "GetItem":
            size = item_size(parsed["Item"]) if "Item" in parsed else 0
            self.read_units += max(1, math.ceil(size / 4096)) * per_4kb
        elif model.name == "Query":
            size = sum(item_size(item) for item in parsed.get("Items", []))
            self.read_units += max(1, math.ceil(size / 4096)) * per_4kb
        else:
            raise ValueError(f"no capacity rule for {model.name}")


def trade_stream_records(commands: int, seed: int, batch: int) -> tuple[list[bytes], int, int]:
    """The trade stream's records (data) as the relay writes them; the orders placed and the
    trades made."""
    exchange = funded_exchange()
    writer = EventLogWriter(MemoryEventLog(SystemClock()), Exchange(demo_markets()),
                            "trades", "orders")  # fmt: skip
    messages = []
    trades = 0
    flow = record_flow(commands, seed)
    counters = AccountCounters()
    for sequence, command in enumerate(flow, 1):
        stamped = msgspec.structs.replace(command, timestamp=T0 + sequence * COMMAND_MS)
        events = exchange.execute(stamped)
        trades += sum(type(event).__name__ == "Trade" for event in events)
        numbered = counters.number(events)
        messages.append(OutboxMessage(sequence, SYMBOL, sequence, encode_events(events), numbered))
    records = [
        record.data
        for start in range(0, len(messages), batch)
        for record in writer.records(messages[start : start + batch])
        if record.stream == "trades"
    ]
    orders = sum(isinstance(command, PlaceOrder) for command in flow)
    return records, orders, trades


def store(url: str, records: list[bytes], lambda_batch: int, meter: CapacityMeter) -> None:
    """The functions' handlers fed the records in Lambda events of `lambda_batch`."""
    dynamodb = boto3.client("dynamodb", endpoint_url=url, region_name=REGION)
    dynamodb.create_table(**table_definition(TRADES, TABLE_KEYS["trades_table"], TIME_INDEX))
    dynamodb.create_table(**table_definition(CANDLES, TABLE_KEYS["candles_table"]))
    meter.attach(dynamodb)
    for start in range(0, len(records), lambda_batch):
        stored = [
            StoredRecord(f"{n:020d}", SYMBOL, data, 0)
            for n, data in enumerate(records[start : start + lambda_batch], start)
        ]
        event = lambda_event("arn:aws:kinesis:eu-west-1:0:stream/trades", REGION, "0", stored)
        assert archive_trades(event, dynamodb, TRADES) == {"batchItemFailures": []}
        assert build_candles(event, dynamodb, CANDLES) == {"batchItemFailures": []}


class NoBooks:
    """Public history needs no book nor ticker."""

    async def depth(self, symbol: str, limit: int) -> Any:
        raise MarketUnavailable(symbol)

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        raise MarketUnavailable(symbol)

    async def average(self, symbol: str, now: int) -> AverageWindow:
        raise MarketUnavailable(symbol)


class FixedClock:
    def __init__(self, now: int) -> None:
        self._now = now

    def now(self) -> int:
        return self._now


Request = Callable[[MarketData, int], Any]
REQUESTS: dict[str, Request] = {
    "trades": lambda data, n: data.trades(SYMBOL, limit=500),
    "historicalTrades": lambda data, n: data.trades(SYMBOL, from_id=1 + n * 37, limit=500),
    "aggTrades": lambda data, n: data.aggregate_trades(SYMBOL, None, None, None, 500),
    "klines 1m": lambda data, n: data.candles(SYMBOL, Interval.MINUTE_1, None, None, 500),
    "klines 1h": lambda data, n: data.candles(SYMBOL, Interval.HOUR_1, None, None, 500),
}


async def read(url: str, end: int, requests: int, meter: CapacityMeter) -> dict[str, float]:
    """Read units per 1,000 requests of each kind."""
    exchange = Exchange(demo_markets())
    spent: dict[str, float] = {}
    async with AwsClients(REGION, url) as clients:
        meter.attach(await clients.client("dynamodb"))
        data = MarketData(
            exchange,
            NoBooks(),
            DynamoTradeHistory(clients, TRADES, exchange),
            DynamoCandleHistory(clients, CANDLES, exchange),
            MemoryUnitOfWorkFactory(),  # the markets' statuses: none changed
            FixedClock(end),
        )
        for name, request in REQUESTS.items():
            meter.reset()
            for n in range(requests):
                await request(data, n)
            spent[name] = meter.read_units * 1000 / requests
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=10, help="commands per relay pass")
    parser.add_argument("--lambda-batch", default="10,100", help="records per Lambda event")
    parser.add_argument("--requests", type=int, default=20, help="of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    records, orders, trades = trade_stream_records(args.commands, args.seed, args.batch)
    end = T0 + args.commands * COMMAND_MS
    writes: list[dict[str, Any]] = []
    reads: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        for lambda_batch in (int(b) for b in args.lambda_batch.split(",")):
            meter = CapacityMeter()
            with moto_server(Path(directory) / f"moto-{lambda_batch}.log") as url:
                store(url, records, lambda_batch, meter)
                writes.append(
                    {
                        "lambda_batch": lambda_batch,
                        "write_units_per_1000_orders": round(meter.write_units * 1000 / orders),
                        "read_units_per_1000_orders": round(meter.read_units * 1000 / orders),
                        "calls": meter.calls,
                    }
                )
                if not reads:
                    reads = asyncio.run(read(url, end, args.requests, CapacityMeter()))
    print(
        f"{args.commands} commands: {orders} orders, {trades} trades ({trades * 1000 // orders}"
        f" per 1,000 orders), {len(records)} trade stream records"
    )
    print("Lambda writes per 1,000 orders:")
    print(f"{'records/event':>14} {'write units':>12} {'read units':>11}")
    for row in writes:
        print(f"{row['lambda_batch']:>14} {row['write_units_per_1000_orders']:>12} "
              f"{row['read_units_per_1000_orders']:>11}")  # fmt: skip
    print("Read units per 1,000 public history requests:")
    for name, units in reads.items():
        print(f"{name:>16} {units:>9.0f}")
    if args.json:
        results = {"orders": orders, "trades": trades, "writes": writes, "reads": reads}
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
