"""The memory store's retention passes: how long a commit waits while the store drops what left
its windows, with the windows full of the demo bots' flow.

The store is filled with `--minutes` (default 30, the default windows of quotes) of quotes at
the bots' pace: 70 limit orders a second, each placed, then cancelled without a fill, which
writes its order, its hold and its release. Then the clock moves on by a hundredth of the window
at a time (the pace of the passes) and a commit runs each pass, which drops a hundredth of the
store.

    python -m benchmarks.retention [--minutes M] [--passes P] [--json PATH]
"""

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from adapters.memory.demo_listing import demo_markets
from adapters.memory.retention import PASSES_PER_WINDOW, Retention
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.projection import record_events
from domain.candles import MINUTE
from domain.commands import CancelOrder, Deposit, PlaceOrder
from domain.events import OrderAccepted
from domain.exchange import Exchange
from domain.orders import OrderType, Side

SYMBOL = "BTCUSDT"
ORDERS_PER_SECOND = 70
BATCH = 35  # commands per commit: half a second of quotes, placed or cancelled


class Clock:
    def __init__(self) -> None:
        self.time = 1_700_000_000_000

    def now(self) -> int:
        return self.time


async def fill(store: MemoryUnitOfWorkFactory, clock: Clock, minutes: int) -> int:
    """Records `minutes` of quotes; returns the orders placed."""
    exchange = Exchange(demo_markets())
    market = exchange.state(SYMBOL).market
    deposit = exchange.execute(Deposit(1, "USDT", 10**24))
    async with store() as uow:
        await record_events(uow, [(deposit, clock.now(), 0)])
        await uow.commit()
    price = 50_000 * market.quote.scale // market.tick_size * market.tick_size
    orders = minutes * 60 * ORDERS_PER_SECOND
    start = clock.now()
    for first in range(0, orders, BATCH):
        placed = []
        for index in range(first, min(first + BATCH, orders)):
            clock.time = start + (index + 1) * 1000 // ORDERS_PER_SECOND
            command = PlaceOrder(
                1, SYMBOL, Side.BUY, OrderType.LIMIT, market.lot_size * 1000,
                price - (index % 12) * market.tick_size, timestamp=clock.now(),
            )  # fmt: skip
            placed.append((exchange.execute(command), clock.now()))
        cancelled = [
            (exchange.execute(CancelOrder(1, SYMBOL, event.order_id, timestamp=at)), at)
            for events, at in placed
            for event in events
            if isinstance(event, OrderAccepted)
        ]
        async with store() as uow:
            commands = placed + cancelled
            await record_events(
                uow, [(events, at, first + n) for n, (events, at) in enumerate(commands, 1)]
            )
            await uow.commit()
    return orders


async def run(minutes: int, passes: int) -> dict[str, float]:
    clock = Clock()
    window = minutes * MINUTE
    retention = Retention(clock, unfilled_orders=window, history=window, statements=window)
    store = MemoryUnitOfWorkFactory(retention=retention)
    orders = await fill(store, clock, minutes)
    kept = len(store.store.orders)
    lines = sum(len(lines) for lines in store.store.statements.values())
    durations = []
    for _ in range(passes):
        clock.time += window // PASSES_PER_WINDOW
        started = time.perf_counter()
        async with store() as uow:
            await uow.commit()
        durations.append(time.perf_counter() - started)
    dropped = kept - len(store.store.orders)
    return {
        "window_minutes": minutes,
        "orders_kept": kept,
        "statement_lines_kept": lines,
        "orders_dropped_per_pass": round(dropped / passes),
        "pass_median_ms": round(statistics.median(durations) * 1000, 2),
        "pass_max_ms": round(max(durations) * 1000, 2),
        "orders_placed": orders,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=30, help="the windows, filled")
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.minutes, args.passes))
    print(f"retention passes over {args.minutes} min of the bots' quotes, {args.passes} passes")
    for name, value in result.items():
        print(f"{name:<26}{value:>14,}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
