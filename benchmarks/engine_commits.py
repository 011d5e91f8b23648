"""The engine with its store: commands/s and latency when every batch commits to PostgreSQL,
with commits pipelined (two batches committing at once, the default) and not (one at a time),
in turn within each run.

Each of --submitters keeps one order in flight (closed loop): a sell of 0.001 BTC at 60,000
USDT from one account, then a buy at the same price from another, which takes a resting sell:
half the commands rest an order, half trade. The engine runs one market on the machine's
PostgreSQL (a database of its own, made and dropped here), as `--role engine` runs it, without
the relay. With --latency-ms, the engine reaches PostgreSQL through a proxy that delays every
packet each way by that much (`benchmarks.latency_proxy`), as a database on another host would.
The figures are medians over the runs.

    python -m benchmarks.engine_commits [--submitters 64] [--duration 5] [--runs 3]
                                        [--latency-ms MS] [--database-url URL] [--json PATH]
"""

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import make_url

from adapters.memory.demo_listing import demo_markets
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from adapters.system import SystemClock
from application.engine import EngineSettings, MarketEngine
from application.ledger_sync import LedgerSync
from application.relay import Relay
from benchmarks.latency_proxy import latency_proxy
from benchmarks.store import SERVER, drop
from domain.commands import PlaceOrder
from domain.exchange import Exchange
from domain.ledger import EntryKind, transfer_entry
from domain.orders import OrderType, Side
from entrypoints.migrate import migrate

SYMBOL = "BTCUSDT"
UNIT = 10**8  # both assets' scale
DEPTHS = {"one at a time": 1, "pipelined": 2}


async def fund(factory: PostgresUnitOfWorkFactory, submitters: int) -> None:
    async with factory() as uow:
        for account in range(1, submitters + 1):
            for seller, asset in ((account, "BTC"), (submitters + account, "USDT")):
                entry = transfer_entry(EntryKind.DEPOSIT, seller, asset, 10**7 * UNIT, "bench")
                await uow.journal.add(entry, 0)
        await uow.commit()


async def measure(
    factory: PostgresUnitOfWorkFactory, pipeline: int, submitters: int, duration: float
) -> dict[str, float]:
    exchange = Exchange(demo_markets())
    relay = Relay(factory, MemoryEventPublisher(), MemoryOutboxSignal())
    settings = EngineSettings("benchmark", pipeline=pipeline)
    clock = SystemClock()
    engine = MarketEngine(
        exchange, SYMBOL, factory, LedgerSync(exchange.ledger), relay, clock, settings
    )
    await engine.start()
    market = exchange.state(SYMBOL).market
    quantity, price = market.lot_size * 100, 60_000 * UNIT
    latencies: list[float] = []
    stop_at = time.perf_counter() + duration

    async def submit(account: int) -> None:
        sides = ((account, Side.SELL), (submitters + account, Side.BUY))
        while time.perf_counter() < stop_at:
            for owner, side in sides:
                order = PlaceOrder(owner, SYMBOL, side, OrderType.LIMIT, quantity, price)
                began = time.perf_counter()
                await engine.submit(order)
                latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(submit(account) for account in range(1, submitters + 1)))
    elapsed = time.perf_counter() - began
    await engine.stop()
    latencies.sort()
    return {
        "commands_per_s": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


async def run(args: argparse.Namespace, url: str) -> dict[str, dict[str, float]]:
    engine = create_engine(url)
    factory = PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))
    results: dict[str, list[dict[str, float]]] = {name: [] for name in DEPTHS}
    try:
        await fund(factory, args.submitters)
        for number in range(1, args.runs + 1):
            for name, pipeline in DEPTHS.items():
                figures = await measure(factory, pipeline, args.submitters, args.duration)
                results[name].append(figures)
                print(f"run {number}, {name}: {figures['commands_per_s']:,.0f} commands/s",
                      file=sys.stderr)  # fmt: skip
    finally:
        await engine.dispose()
    return {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for name, runs in results.items()
    }


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submitters", type=int, default=64)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--database-url", default=f"{SERVER}/bourse_benchmark_engine_commits")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    asyncio.run(drop(args.database_url))
    migrate(args.database_url)
    url = make_url(args.database_url)
    try:
        with contextlib.ExitStack() as stack:
            if args.latency_ms:
                port = stack.enter_context(latency_proxy(url.port or 5432, args.latency_ms))
                url = url.set(port=port)
            result = asyncio.run(run(args, url.render_as_string(hide_password=False)))
    finally:
        asyncio.run(drop(args.database_url))
    print(f"engine on PostgreSQL: {args.submitters} submitters, {args.duration:g} s a side, "
          f"{args.latency_ms:g} ms added each way, medians of {args.runs} runs")  # fmt: skip
    print(f"{'commits':<16}{'commands/s':>12}{'p50 ms':>10}{'p99 ms':>10}")
    for name, figures in result.items():
        print(f"{name:<16}{figures['commands_per_s']:>12,.0f}"
              f"{figures['p50_ms']:>10.2f}{figures['p99_ms']:>10.2f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
