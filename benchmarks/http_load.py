"""Open-loop load against Bourse deployments: signed order placements mixed with cancels and
depth reads at a fixed request rate, over REST and, with --transports, over the WebSocket API.
Latency is measured from each request's intended send time, so a stalled server shows as
latency instead of as a slower client.

    python -m benchmarks.http_load [--url URL[,URL...] | --adapters memory|local]
        [--deployment all,split] [--apis 1,2] [--rates 500,1000] [--duration S] [--search]
        [--transports rest,ws-api] [--connections N] [--mix place=1] [--observed] [--runs R]
        [--json PATH]

Without --url it starts each deployment named (see benchmarks.deployment) afresh for each run:
`all`, one `bourse serve` running every role; `split`, one engine, one market data and, in
turn, each number of api processes in --apis, the load spread over them request by request.
After accounts are opened and 3 s of unmeasured warm-up at the first rate, each rate is held
for --duration; --search then finds the highest rate held (p99 < 100 ms, no errors): from the
rates held so far, up by half until one fails (or from the first, down by a third until one
holds), then the gap split in two (geometrically) until the rate failed is within 10% of it.
For every rate it reports what each process spent, per 1,000 orders placed (benchmarks.counters),
and before any, the cores each kept busy over 5 s without load.
Each transport is measured on the same deployment, rate after rate in turn (REST then the
WebSocket API, over --connections connections, 64 by default); --mix changes the share of each
kind of request (`--mix place=1`: order placements alone). With --observed, each deployment is
measured observed and unobserved in turn: with its HTTP metrics on and its traces exported over
OTLP, at the default sample ratio, to a sink in this process (benchmarks.trace_sink); and with
`BOURSE_HTTP_METRICS=off` and no trace exported. Without it, HTTP metrics are on and no trace
is exported.
The tables show medians over the runs; the JSON holds every run's rows too.
"""

import argparse
import asyncio
import contextlib
import functools
import json
import math
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import attrs

from benchmarks.counters import Counters, spent
from benchmarks.deployment import Deployment, deployment
from benchmarks.load_report import Row, medians, print_tables
from benchmarks.order_load import MIX, TRADERS, Load, Mix, Trader, open_account
from benchmarks.trace_sink import trace_sink
from benchmarks.ws_api_load import WsApiLoad

WARM_UP_S = 3.0
IDLE_S = 5.0  # a window without load: what each process spends at rest
SETTLE_S = 2.0  # between rates: the servers' queues drain, the database reports its counters
HELD_P99_MS = 100.0
GROWTH = 1.5  # the search's step up from the best rate held
PRECISION = 1.1  # the search stops when the rate failed is within 10% of the rate held
LOWEST_RATE = 10.0


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


@attrs.frozen
class Plan:
    rates: list[float]
    duration: float
    search: bool
    seed: int
    transports: list[str]
    connections: int
    mix: Mix

    def load(self, transport: str, urls: list[str], traders: list[Trader]) -> Load:
        if transport == "ws-api":
            return WsApiLoad(urls, traders, self.seed, self.mix, self.connections)
        return Load(urls, traders, self.seed, self.mix)


async def measure(where: Deployment, plan: Plan) -> dict[str, dict[str, Any]]:
    """The results of each transport on the deployment, by transport."""
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, where.urls[0], f"load{i}") for i in range(TRADERS)]
    # Unmeasured: the servers' pools, caches and prepared statements fill up first.
    for transport in plan.transports:
        await plan.load(transport, where.urls, traders).run(plan.rates[0], WARM_UP_S)
    counters = Counters(where)

    async def attempt(transport: str, rate: float) -> Row:
        before = await counters.read()
        row = await plan.load(transport, where.urls, traders).run(rate, plan.duration)
        row |= spent(before, await counters.read(), row["orders"])
        await asyncio.sleep(SETTLE_S)
        return row

    try:
        await asyncio.sleep(SETTLE_S)
        before = await counters.read()
        await asyncio.sleep(IDLE_S)
        idle = spent(before, await counters.read(), 0)["cores"]
        fixed: dict[str, list[Row]] = {transport: [] for transport in plan.transports}
        for rate in plan.rates:
            for transport in plan.transports:
                fixed[transport].append(await attempt(transport, rate))
        results = {}
        for transport, rows in fixed.items():
            tried = list(rows)
            held = None
            if plan.search:
                held = await highest_held(functools.partial(attempt, transport), tried)
            results[transport] = {"idle": idle, "fixed": rows, "held": held, "steps": tried}
    finally:
        await counters.close()
    return results


# What a deployment runs with besides: its HTTP metrics and trace export, on or off.
OBSERVED = {"OTEL_EXPORTER_OTLP_ENDPOINT": "", "BOURSE_HTTP_METRICS": "on"}  # the sink's URL
UNOBSERVED = {"BOURSE_HTTP_METRICS": "off"}


def plans(args: argparse.Namespace) -> dict[str, tuple[str, int, dict[str, str]]]:
    """The deployments to measure, by name: (kind, api processes, environment added)."""
    if args.url:
        return {args.url: ("url", 0, {})}
    named = {}
    for kind in args.deployment.split(","):
        for apis in [int(n) for n in args.apis.split(",")] if kind == "split" else [1]:
            name = f"split, api x{apis}" if kind == "split" else kind
            if args.observed:
                named[f"{name}, observed"] = (kind, apis, OBSERVED)
                named[f"{name}, unobserved"] = (kind, apis, UNOBSERVED)
            else:
                named[name] = (kind, apis, {})
    return named


def run(
    args: argparse.Namespace, kind: str, apis: int, environment: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """One run, on a deployment started for it: the results by transport."""
    plan = Plan(
        [float(rate) for rate in args.rates.split(",")],
        args.duration,
        args.search,
        args.seed,
        args.transports.split(","),
        args.connections,
        mix(args.mix),
    )
    with contextlib.ExitStack() as stack:
        if kind == "url":
            where = Deployment(args.url.split(","), {}, None)
        else:
            extra = dict(environment)
            if "OTEL_EXPORTER_OTLP_ENDPOINT" in extra:
                extra["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.enter_context(trace_sink())
            where = stack.enter_context(deployment(kind, args.adapters, apis, extra))
        return asyncio.run(measure(where, plan))


def mix(text: str) -> Mix:
    """`place=0.5,cancel=0.25,depth=0.25`, or the default mix if empty."""
    if not text:
        return MIX
    shares = [part.split("=") for part in text.split(",")]
    return tuple((kind, float(share)) for kind, share in shares)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="running api processes, comma-separated; default: start")
    parser.add_argument("--adapters", choices=("memory", "local"), default="memory")
    parser.add_argument("--deployment", default="all", help="comma-separated: all, split")
    parser.add_argument("--apis", default="1", help="split: comma-separated api process counts")
    parser.add_argument("--rates", default="500", help="comma-separated requests/s to hold")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per rate")
    parser.add_argument("--search", action="store_true", help="find the highest rate held")
    parser.add_argument("--transports", default="rest", help="comma-separated: rest, ws-api")
    parser.add_argument("--connections", type=int, default=64, help="WebSocket API connections")
    parser.add_argument("--mix", default="", help="shares of place, cancel, depth: place=1")
    parser.add_argument(
        "--observed", action="store_true",
        help="each deployment with HTTP metrics and trace export (to a sink) on, then off",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=1, help="of each deployment, in turn")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    named = plans(args)
    transports = args.transports.split(",")
    runs: dict[str, list[dict[str, Any]]] = {
        f"{name} {transport}": [] for name in named for transport in transports
    }
    for number in range(1, args.runs + 1):
        for name, (kind, apis, environment) in named.items():
            print(f"{name}: run {number} of {args.runs}", file=sys.stderr)
            for transport, results in run(args, kind, apis, environment).items():
                runs[f"{name} {transport}"].append(results)
    summary = {name: medians(results) for name, results in runs.items()}
    shares = ", ".join(f"{kind} {share:.0%}" for kind, share in mix(args.mix))
    print(
        f"load ({args.url or args.adapters}): {shares}; {args.duration:.0f} s per rate; "
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
