"""The domain engine alone (book + ledger): commands/s and per-command latency.

A seeded order flow is recorded once by driving an exchange (so that cancels name orders that
are really open), then replayed on fresh exchanges; the figures are medians over the runs.
Mix: ~60% limit orders near the touch, ~30% cancels, ~10% marketable orders. Each replay
runs with the garbage collector as every Bourse process settles it once started
(`entrypoints.collector`).

    python -m benchmarks.engine [--commands N] [--runs R] [--seed S] [--json PATH]
"""

import argparse
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path

from adapters.memory.demo_listing import demo_markets
from domain import exchange as exchange_module
from domain.commands import CancelOrder, Command, Deposit, PlaceOrder
from domain.exchange import Exchange
from domain.orders import OrderType, Side, TimeInForce
from entrypoints.collector import settle_collector

SYMBOL = "BTCUSDT"
ACCOUNTS = 200


def funded_exchange() -> Exchange:
    """An exchange whose accounts hold enough that no order of the flow lacks funds."""
    exchange = Exchange(demo_markets())
    for account in range(1, ACCOUNTS + 1):
        for asset in ("USDT", "BTC"):
            exchange.deposit(Deposit(account, asset, 10**16))
    return exchange


def record_flow(count: int, seed: int) -> list[Command]:
    rng = random.Random(seed)
    exchange = funded_exchange()
    state = exchange.state(SYMBOL)
    market, book = state.market, state.book
    tick, lot = market.tick_size, market.lot_size
    mid = 60_000 * market.quote.scale // tick
    open_ids: list[int] = []
    flow: list[Command] = []
    while len(flow) < count:
        account = rng.randint(1, ACCOUNTS)
        roll = rng.random()
        command: Command
        if roll < 0.30:
            order = None
            while open_ids and order is None:
                index = rng.randrange(len(open_ids))
                open_ids[index], open_ids[-1] = open_ids[-1], open_ids[index]
                order = book.orders.get(open_ids.pop())
            if order is None:
                continue
            command = CancelOrder(order.account_id, SYMBOL, order.order_id)
        elif roll < 0.90:
            if book.open_orders_of(account) >= market.max_num_orders:
                continue  # MAX_NUM_ORDERS would refuse it: another account places
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            best_bid, best_ask = book.best(Side.BUY), book.best(Side.SELL)
            touch = (
                (best_bid.price // tick if best_bid else mid - 1)
                if side is Side.BUY
                else (best_ask.price // tick if best_ask else mid + 1)
            )
            # Passive: at the touch or a few ticks behind it, never crossing.
            offset = min(int(rng.expovariate(0.4)), 50)
            ticks = touch - offset if side is Side.BUY else touch + offset
            opposite = book.best(Side.SELL if side is Side.BUY else Side.BUY)
            if opposite and (
                ticks * tick >= opposite.price
                if side is Side.BUY
                else ticks * tick <= opposite.price
            ):
                ticks = touch
            command = PlaceOrder(
                account,
                SYMBOL,
                side,
                OrderType.LIMIT,
                quantity=rng.randint(1, 200) * 10 * lot,
                price=ticks * tick,
            )
        else:
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            quantity = rng.randint(1, 400) * 10 * lot
            if rng.random() < 0.5:
                command = PlaceOrder(account, SYMBOL, side, OrderType.MARKET, quantity=quantity)
            else:
                opposite = book.best(Side.SELL if side is Side.BUY else Side.BUY)
                if opposite is None:
                    continue
                step = tick if side is Side.BUY else -tick
                command = PlaceOrder(
                    account,
                    SYMBOL,
                    side,
                    OrderType.LIMIT,
                    quantity=quantity,
                    price=opposite.price + 2 * step,
                    time_in_force=TimeInForce.IOC,
                )
        exchange.execute(command)
        flow.append(command)
        if isinstance(command, PlaceOrder) and state.last_order_id in book.orders:
            open_ids.append(state.last_order_id)
    return flow


def run_once(flow: list[Command]) -> tuple[float, list[int]]:
    exchange = funded_exchange()
    execute = exchange.execute
    latencies = [0] * len(flow)
    clock = time.perf_counter_ns
    settle_collector()  # as every Bourse process does once started, the engine's included
    started = clock()
    for index, command in enumerate(flow):
        before = clock()
        execute(command)
        latencies[index] = clock() - before
    elapsed = (clock() - started) / 1e9
    gc.unfreeze()
    return len(flow) / elapsed, latencies


def percentile(sorted_values: list[int], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))] / 1000


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the result table as JSON here")
    args = parser.parse_args(argv)

    flow = record_flow(args.commands, args.seed)
    kinds = {
        "limit": sum(
            isinstance(c, PlaceOrder) and c.price > 0 and c.time_in_force is TimeInForce.GTC
            for c in flow
        ),
        "cancel": sum(isinstance(c, CancelOrder) for c in flow),
    }
    kinds["marketable"] = len(flow) - kinds["limit"] - kinds["cancel"]
    rates, p50s, p99s, p999s = [], [], [], []
    for run in range(args.runs):
        rate, latencies = run_once(flow)
        latencies.sort()
        rates.append(rate)
        p50s.append(percentile(latencies, 0.50))
        p99s.append(percentile(latencies, 0.99))
        p999s.append(percentile(latencies, 0.999))
        print(f"run {run + 1}: {rate:,.0f} commands/s", file=sys.stderr)
    result = {
        "commands": float(len(flow)),
        "runs": float(args.runs),
        "commands_per_s": round(statistics.median(rates)),
        "p50_us": round(statistics.median(p50s), 2),
        "p99_us": round(statistics.median(p99s), 2),
        "p999_us": round(statistics.median(p999s), 2),
    }
    mix = ", ".join(f"{kind} {count / len(flow):.0%}" for kind, count in kinds.items())
    compiled = exchange_module.__file__.endswith(".so")  # setup.py's build, else the sources
    print(f"engine benchmark: {len(flow):,} commands ({mix}), median of {args.runs} runs")
    print(f"domain: {'compiled by mypyc' if compiled else 'pure Python'}")
    print(f"{'metric':<16}{'value':>14}")
    for key in ("commands_per_s", "p50_us", "p99_us", "p999_us"):
        print(f"{key:<16}{result[key]:>14,}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
