"""Open-loop HTTP load against Bourse deployments: signed order placements mixed with cancels
and depth reads at a fixed request rate. Latency is measured from each request's intended send
time, so a stalled server shows as latency instead of as a slower client.

    python -m benchmarks.http_load [--url URL[,URL...] | --adapters memory|local]
        [--deployment all,split] [--apis 1,2] [--rates 500,1000] [--duration S] [--search]
        [--traced] [--runs R] [--json PATH]

Without --url it starts each deployment named (see benchmarks.deployment) afresh for each run:
`all`, one `bourse serve` running every role; `split`, one engine, one market data and, in
turn, each number of api processes in --apis, the load spread over them request by request.
After accounts are opened and 3 s of unmeasured warm-up at the first rate, each rate is held
for --duration; --search then finds the highest rate held (p99 < 100 ms, no errors): from the
rates held so far, up by half until one fails (or from the first, down by a third until one
holds), then the gap split in two (geometrically) until the rate failed is within 10% of it.
For every rate it reports what each process spent, per 1,000 orders placed (benchmarks.counters),
and before any, the cores each kept busy over 5 s without load.
With --traced, each deployment is also measured exporting its traces over OTLP, at the default
sample ratio, to a sink in this process (benchmarks.trace_sink); metrics are on in both.
The tables show medians over the runs; the JSON holds every run's rows too.
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.security.signatures import sign
from benchmarks.counters import Counters, spent
from benchmarks.deployment import SYMBOL, Deployment, deployment
from benchmarks.load_report import Row, medians, print_tables
from benchmarks.trace_sink import trace_sink

TRADERS = 8
# The faucet's most, several times over: a long rate search leaves many orders resting.
FUNDING = (("USDT", "1000000", 10), ("BTC", "100", 5))
CONNECTIONS = 256
MIX = (("place", 0.5), ("cancel", 0.25), ("depth", 0.25))
UNKNOWN_ORDER = -2011  # Binance's code for a cancel of an order no longer open
WARM_UP_S = 3.0
IDLE_S = 5.0  # a window without load: what each process spends at rest
SETTLE_S = 2.0  # between rates: the servers' queues drain, the database reports its counters
HELD_P99_MS = 100.0
GROWTH = 1.5  # the search's step up from the best rate held
PRECISION = 1.1  # the search stops when the rate failed is within 10% of the rate held
LOWEST_RATE = 10.0


class Trader:
    def __init__(self, api_key: str, secret: str) -> None:
        self.api_key = api_key
        self.secret = secret
        self.open_orders: list[int] = []

    def signed(self, params: dict[str, Any]) -> tuple[str, dict[str, str]]:
        query = urlencode(params | {"timestamp": int(time.time() * 1000)})
        return f"{query}&signature={sign(self.secret, query)}", {"X-MBX-APIKEY": self.api_key}


async def open_account(session: aiohttp.ClientSession, url: str, name: str) -> Trader:
    email = f"{name}-{os.getpid()}-{random.randrange(10**9)}@load.bourse.local"
    credentials = {"email": email, "password": "load-test-password"}
    async with session.post(f"{url}/api/v1/users", json=credentials) as response:
        assert response.status == 201, await response.text()
    async with session.post(f"{url}/api/v1/auth/login", json=credentials) as response:
        token = (await response.json())["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{url}/api/v1/api-keys", json={}, headers=bearer) as response:
        key = await response.json()
    for asset, amount, times in FUNDING:
        for _ in range(times):
            body = {"asset": asset, "amount": amount}
            async with session.post(f"{url}/api/v1/faucet", json=body, headers=bearer) as response:
                assert response.status == 200, await response.text()
    return Trader(key["apiKey"], key["secretKey"])


class Load:
    def __init__(self, urls: list[str], traders: list[Trader], seed: int) -> None:
        self.urls = urls
        self.traders = traders
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()  # by request kind, answer status and code
        self.placed = 0
        self.kinds = [kind for kind, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    async def one(self, session: aiohttp.ClientSession, url: str, intended: float) -> None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        trader = self.rng.choice(self.traders)
        try:
            if kind == "cancel" and trader.open_orders:
                order_id = trader.open_orders.pop(self.rng.randrange(len(trader.open_orders)))
                query, headers = trader.signed({"symbol": SYMBOL, "orderId": order_id})
                request = session.delete(f"{url}/api/v3/order?{query}", headers=headers)
            elif kind == "depth":
                request = session.get(f"{url}/api/v3/depth?symbol={SYMBOL}&limit=20")
            else:
                kind = "place"  # a cancel without an open order to cancel places one
                side = self.rng.choice(("BUY", "SELL"))
                offset = self.rng.randint(-10, 60) * (1 if side == "SELL" else -1)
                params = {
                    "symbol": SYMBOL, "side": side, "type": "LIMIT", "timeInForce": "GTC",
                    "quantity": f"0.{self.rng.randint(1, 50):03d}", "price": f"{60000 + offset}",
                    "newOrderRespType": "ACK",
                }  # fmt: skip
                body, headers = trader.signed(params)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                request = session.post(f"{url}/api/v3/order", data=body, headers=headers)
            async with request as response:
                answer = await response.json()
            if response.status == 200:
                outcome = "ok"
                if kind == "place":
                    self.placed += 1
                    trader.open_orders.append(answer["orderId"])
            elif kind == "cancel" and answer.get("code") == UNKNOWN_ORDER:
                outcome = "ok"  # it filled meanwhile
            else:
                outcome = f"{response.status} {answer.get('code')}"
        except aiohttp.ClientError as error:
            outcome = type(error).__name__
        self.latencies.append(time.perf_counter() - intended)
        if outcome != "ok":
            self.failures[f"{kind} {outcome}"] += 1

    async def run(self, rate: float, duration: float) -> Row:
        connector = aiohttp.TCPConnector(limit=CONNECTIONS)
        async with aiohttp.ClientSession(connector=connector) as session:
            start = time.perf_counter()
            total = int(rate * duration)
            tasks = set()
            next_report = start + 1
            for index in range(total):
                intended = start + index / rate
                delay = intended - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                url = self.urls[index % len(self.urls)]
                task = asyncio.create_task(self.one(session, url, intended))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                if time.perf_counter() >= next_report:
                    next_report += 1
                    print(
                        f"  {rate:>6.0f}/s  t={time.perf_counter() - start:4.1f}s  "
                        f"sent {index + 1:>7}  done {len(self.latencies):>7}  "
                        f"errors {self.failures.total()}",
                        file=sys.stderr,
                    )
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - start
        ordered = sorted(self.latencies)

        def quantile(share: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2)

        return {
            "rate": rate,
            "achieved_rps": round(len(ordered) / elapsed, 1),
            "p50_ms": quantile(0.50),
            "p90_ms": quantile(0.90),
            "p99_ms": quantile(0.99),
            "p999_ms": quantile(0.999),
            "errors": self.failures.total(),
            "failures": dict(self.failures),
            "orders": self.placed,
            "orders_per_s": round(self.placed / elapsed, 1),
        }


def holds(row: Row) -> bool:
    return bool(row["p99_ms"] < HELD_P99_MS and row["errors"] == 0)


async def highest_held(attempt: Callable[[float], Awaitable[Row]], tried: list[Row]) -> Row | None:
    """The row of the highest rate held, trying rates beyond those `tried` (which it extends)."""
    held = max((row for row in tried if holds(row)), key=lambda row: row["rate"], default=None)
    above = [row for row in tried if not holds(row) and (not held or row["rate"] > held["rate"])]
    failed = min(above, key=lambda row: row["rate"], default=None)
    while True:
        if failed is None:
            assert held is not None
            rate = held["rate"] * GROWTH
        elif held is None:
            rate = failed["rate"] / GROWTH
            if rate < LOWEST_RATE:
                return None
        elif failed["rate"] <= held["rate"] * PRECISION:
            return held
        else:
            rate = math.sqrt(held["rate"] * failed["rate"])
        rate = round(rate, -1)
        if any(row["rate"] == rate for row in tried):
            return held  # rates go in steps of ten: none left between those held and failed
        row = await attempt(rate)
        tried.append(row)
        if holds(row):
            held = row
        else:
            failed = row


async def measure(
    where: Deployment, rates: list[float], duration: float, search: bool, seed: int
) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, where.urls[0], f"load{i}") for i in range(TRADERS)]
    # Unmeasured: the servers' pools, caches and prepared statements fill up first.
    await Load(where.urls, traders, seed).run(rates[0], WARM_UP_S)
    counters = Counters(where)

    async def attempt(rate: float) -> Row:
        before = await counters.read()
        row = await Load(where.urls, traders, seed).run(rate, duration)
        row |= spent(before, await counters.read(), row["orders"])
        await asyncio.sleep(SETTLE_S)
        return row

    try:
        await asyncio.sleep(SETTLE_S)
        before = await counters.read()
        await asyncio.sleep(IDLE_S)
        idle = spent(before, await counters.read(), 0)["cores"]
        fixed = [await attempt(rate) for rate in rates]
        tried = list(fixed)
        held = await highest_held(attempt, tried) if search else None
    finally:
        await counters.close()
    return {"idle": idle, "fixed": fixed, "held": held, "steps": tried}


def plans(args: argparse.Namespace) -> dict[str, tuple[str, int, bool]]:
    """The deployments to measure, by name: (kind, api processes, traces exported)."""
    if args.url:
        return {args.url: ("url", 0, False)}
    named = {}
    for kind in args.deployment.split(","):
        for apis in [int(n) for n in args.apis.split(",")] if kind == "split" else [1]:
            name = f"split, api x{apis}" if kind == "split" else kind
            named[name] = (kind, apis, False)
            if args.traced:
                named[f"{name}, traced"] = (kind, apis, True)
    return named


def run(args: argparse.Namespace, kind: str, apis: int, traced: bool) -> dict[str, Any]:
    """One run, on a deployment started for it."""
    rates = [float(rate) for rate in args.rates.split(",")]
    with contextlib.ExitStack() as stack:
        if kind == "url":
            where = Deployment(args.url.split(","), {}, None)
        else:
            extra = None
            if traced:
                extra = {"OTEL_EXPORTER_OTLP_ENDPOINT": stack.enter_context(trace_sink())}
            where = stack.enter_context(deployment(kind, args.adapters, apis, extra))
        return asyncio.run(measure(where, rates, args.duration, args.search, args.seed))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="running api processes, comma-separated; default: start")
    parser.add_argument("--adapters", choices=("memory", "local"), default="memory")
    parser.add_argument("--deployment", default="all", help="comma-separated: all, split")
    parser.add_argument("--apis", default="1", help="split: comma-separated api process counts")
    parser.add_argument("--rates", default="500", help="comma-separated requests/s to hold")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per rate")
    parser.add_argument("--search", action="store_true", help="find the highest rate held")
    parser.add_argument(
        "--traced", action="store_true",
        help="also each deployment exporting its traces (OTLP, default sampling) to a sink",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=1, help="of each deployment, in turn")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    named = plans(args)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in named}
    for number in range(1, args.runs + 1):
        for name, (kind, apis, traced) in named.items():
            print(f"{name}: run {number} of {args.runs}", file=sys.stderr)
            runs[name].append(run(args, kind, apis, traced))
    summary = {name: medians(results) for name, results in runs.items()}
    mix = ", ".join(f"{kind} {share:.0%}" for kind, share in MIX)
    print(
        f"http load ({args.url or args.adapters}): {mix}; {args.duration:.0f} s per rate; "
        f"latency from intended send time; medians of {args.runs} run(s); {os.cpu_count()} "
        "cores shared by the client and the servers"
    )
    print_tables(summary)
    result = {"arguments": vars(args) | {"json": str(args.json)}, "medians": summary, "runs": runs}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
