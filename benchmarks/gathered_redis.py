"""Redis commands sent through `adapters.redis.gathered.GatheredRedis` at fixed rates, open
loop, each command issued at its own time as the requests of a busy process issue theirs:
this process's CPU time per command, at each rate (a Redis server of its own, on loopback).

    python -m benchmarks.gathered_redis [--rates 2000,5000,10000] [--duration 2] [--runs 3]
        [--json PATH]

Medians over the runs. What a command costs is mostly redis-py's work for each pipeline, so it
falls as more commands share one."""

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from adapters.redis.client import connect
from adapters.redis.gathered import GatheredRedis
from benchmarks.servers import redis_server

KEY = "bench:gathered"
START_S = 0.05  # the first command's delay, for all to be scheduled first


async def cpu_per_command(url: str, rate: float, seconds: float) -> float:
    """µs of this process's CPU per command, `rate` commands a second for `seconds`."""
    client = connect(url)
    gathered = GatheredRedis(client)
    loop = asyncio.get_running_loop()
    count = int(rate * seconds)
    replies: list[asyncio.Future[Any]] = []
    start = loop.time() + START_S
    for index in range(count):
        loop.call_at(start + index / rate, lambda: replies.append(gathered.execute("INCR", KEY)))
    began = time.process_time()
    while len(replies) < count:
        await asyncio.sleep(0.01)
    await asyncio.gather(*replies)
    spent = time.process_time() - began
    await client.aclose()
    return spent / count * 1e6


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="2000,5000,10000", help="commands/s, comma-separated")
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per rate")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    rates = [float(rate) for rate in args.rates.split(",")]
    runs: dict[float, list[float]] = {rate: [] for rate in rates}
    with redis_server({}) as url:
        for _ in range(args.runs):
            for rate in rates:
                runs[rate].append(asyncio.run(cpu_per_command(url, rate, args.duration)))
    medians = {rate: round(statistics.median(spent), 1) for rate, spent in runs.items()}
    print(f"GatheredRedis, open loop, {args.duration:g} s a rate, median of {args.runs} runs")
    print(f"{'commands/s':>10} {'µs CPU/command':>15}  runs")
    for rate, median in medians.items():
        print(f"{rate:10,.0f} {median:15.1f}  {', '.join(f'{s:.1f}' for s in runs[rate])}")
    result = {
        "rates": {str(rate): {"median_us": medians[rate], "runs": runs[rate]} for rate in rates}
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
