"""The system of record under the engine's group commit: the time to record one batch of
commands' events and commit it, through the memory and the PostgreSQL unit of work.

Each batch is 100 limit orders on one market: 50 resting sells, each then taken in full by
a buy (50 trades), from 100 accounts. Its events (orders accepted and filled, holds,
releases, trades with their postings, candles in every interval) go through
`application.projection.record_events`, as the engine writes them. Medians over the runs.

    python -m benchmarks.store [--runs R] [--database-url URL] [--json PATH]
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.memory.demo_listing import demo_markets
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.ports import UnitOfWorkFactory
from application.projection import record_events
from domain.commands import Deposit, PlaceOrder
from domain.events import Event
from domain.exchange import Exchange
from domain.orders import OrderType, Side
from entrypoints.migrate import migrate

SYMBOL = "BTCUSDT"
ACCOUNTS = 100
PAIRS = 50
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"

Batch = list[tuple[Sequence[Event], int]]


def record_batches(runs: int) -> tuple[Batch, list[Batch]]:
    """The deposits that fund every account, then `runs` batches of 100 orders each."""
    exchange = Exchange(demo_markets())
    market = exchange.state(SYMBOL).market
    now = 1_700_000_000_000
    funding: Batch = [
        (exchange.execute(Deposit(account, asset, 10**16)), now)
        for account in range(1, ACCOUNTS + 1)
        for asset in ("USDT", "BTC")
    ]
    price = 60_000 * market.quote.scale // market.tick_size * market.tick_size
    quantity = 10 * market.lot_size
    batches = []
    for run in range(runs):
        batch: Batch = []
        for pair in range(PAIRS):
            now += 7
            for account, side in ((2 * pair + 1, Side.SELL), (2 * pair + 2, Side.BUY)):
                order = PlaceOrder(
                    account,
                    SYMBOL,
                    side,
                    OrderType.LIMIT,
                    quantity,
                    price + run * market.tick_size,
                    timestamp=now,
                )
                batch.append((exchange.execute(order), now))
        batches.append(batch)
    return funding, batches


async def commit(unit_of_work: UnitOfWorkFactory, batch: Batch) -> float:
    started = time.perf_counter()
    async with unit_of_work() as uow:
        await record_events(uow, [(events, at, n) for n, (events, at) in enumerate(batch, 1)])
        await uow.commit()
    return time.perf_counter() - started


async def measure(unit_of_work: UnitOfWorkFactory, funding: Batch, batches: list[Batch]) -> float:
    await commit(unit_of_work, funding)
    return statistics.median([await commit(unit_of_work, batch) for batch in batches])


async def drop(url: str) -> None:
    server = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    async with server.connect() as connection:
        name = make_url(url).database
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await server.dispose()


async def run(runs: int, url: str) -> dict[str, float]:
    funding, batches = record_batches(runs)
    results = {"memory": await measure(MemoryUnitOfWorkFactory(), funding, batches)}
    engine = create_engine(url)
    try:
        factory = PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))
        results["postgres"] = await measure(factory, funding, batches)
    finally:
        await engine.dispose()
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default=f"{SERVER}/bourse_benchmark_store")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    asyncio.run(drop(args.database_url))
    migrate(args.database_url)
    try:
        results = asyncio.run(run(args.runs, args.database_url))
    finally:
        asyncio.run(drop(args.database_url))
    events = sum(len(events) for events, _ in record_batches(1)[1][0])
    print(f"one batch: 100 limit orders, {PAIRS} trades, {events} events; {args.runs} runs")
    print(f"{'adapter':<10} {'median commit (ms)':>20}")
    for adapter, seconds in results.items():
        print(f"{adapter:<10} {seconds * 1000:>20.2f}")
    if args.json:
        args.json.write_text(json.dumps({k: v * 1000 for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
