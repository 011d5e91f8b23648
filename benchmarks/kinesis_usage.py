"""What `aws` mode puts on Kinesis per 1,000 orders: PutRecords requests, records, bytes and
PUT payload units (what Kinesis bills: each record in 25 KB units), through the relay's own
event log writer and Kinesis adapter, to two streams of two shards on a moto server.

A recorded order flow (`benchmarks.engine`: ~60% limit orders near the touch, ~30% cancels,
~10% marketable orders) is replayed on the exchange; each command's events become an outbox
message, as the engine commits them, and the messages are relayed in batches of `--batch`
(the commands a relay pass finds waiting: about the commands per second times the time between
passes). The figures per 1,000 orders count placed orders, not cancels.

    python -m benchmarks.kinesis_usage [--commands N] [--batch 1,10,100] [--json PATH]
"""

import argparse
import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from adapters.aws.clients import AwsClients
from adapters.aws.kinesis import KinesisEventLog
from adapters.memory.demo_listing import demo_markets
from application.account_sequences import AccountCounters
from application.event_log import EventLogWriter
from application.records import OutboxMessage
from application.relay import encode_events
from benchmarks.engine import SYMBOL, funded_exchange, record_flow
from benchmarks.servers import moto_server
from domain.commands import PlaceOrder
from domain.exchange import Exchange

REGION = "eu-west-1"
PAYLOAD_UNIT = 25 * 1024
STREAMS = ("bourse-bench-trades", "bourse-bench-orders")


def outbox_messages(commands: int, seed: int) -> tuple[list[OutboxMessage], int]:
    """Each command's events as the engine writes them to the outbox; and the orders placed."""
    flow = record_flow(commands, seed)
    exchange = funded_exchange()
    counters = AccountCounters()
    messages = []
    for sequence, command in enumerate(flow, 1):
        events = exchange.execute(command)
        numbered = counters.number(events)
        messages.append(OutboxMessage(sequence, SYMBOL, sequence, encode_events(events), numbered))
    return messages, sum(isinstance(command, PlaceOrder) for command in flow)


async def relay_all(url: str, messages: list[OutboxMessage], batch: int) -> dict[str, int]:
    async with AwsClients(REGION, url) as clients:
        log = KinesisEventLog(clients)
        writer = EventLogWriter(log, Exchange(demo_markets()), *STREAMS)
        units = 0
        for start in range(0, len(messages), batch):
            records = writer.records(messages[start : start + batch])
            units += sum(-(-(len(r.data) + len(r.partition_key)) // PAYLOAD_UNIT) for r in records)
            await log.append(records)
        return {
            "requests": log.requests,
            "records": log.records_put,
            "bytes": log.bytes_put,
            "payload_units": units,
        }


async def create_streams(url: str) -> None:
    async with AwsClients(REGION, url) as clients:
        kinesis = await clients.client("kinesis")
        for stream in STREAMS:
            await kinesis.create_stream(StreamName=stream, ShardCount=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=20_000)
    parser.add_argument("--batch", default="1,10,100", help="messages per relay pass")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    messages, orders = outbox_messages(args.commands, args.seed)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as directory:
        for batch in (int(b) for b in args.batch.split(",")):
            with moto_server(Path(directory) / f"moto-{batch}.log") as url:
                asyncio.run(create_streams(url))
                sent = asyncio.run(relay_all(url, messages, batch))
            row: dict[str, Any] = {"batch": batch, "orders": orders, "commands": len(messages)}
            for name, value in sent.items():
                row[f"{name}_per_1000_orders"] = round(value * 1000 / orders, 1)
            results.append(row)
    print(f"{len(messages)} commands, {orders} of them orders; per 1,000 orders:")
    print(f"{'batch':>6} {'requests':>9} {'records':>9} {'KB':>9} {'PUT units':>10}")
    for row in results:
        print(
            f"{row['batch']:>6} {row['requests_per_1000_orders']:>9} "
            f"{row['records_per_1000_orders']:>9} {row['bytes_per_1000_orders'] / 1024:>9.1f} "
            f"{row['payload_units_per_1000_orders']:>10}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
