"""WebSocket fan-out: N clients on a busy market's trade and diff-depth streams while orders
arrive at a fixed rate. Latency runs from a trade's time (when the exchange took the order
that made it) to its receipt by each client.

    python -m benchmarks.ws_fanout [--url URL --server-pid PID] [--clients 1000]
                                   [--processes 2] [--rate 500] [--duration S] [--json PATH]

The clients are held by `--processes` processes of their own (benchmarks.ws_audience), which
count every message and parse a sample; the server's CPU time over the window (from
/proc/<pid>/stat) is divided by the messages received.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.counters import cpu_seconds, waiting_for_cpu_s
from benchmarks.deployment import deployment
from benchmarks.order_load import Trader, open_account
from benchmarks.ws_audience import SAMPLE, Audience

SYMBOL = "BTCUSDT"
STREAMS = "btcusdt@trade/btcusdt@depth@100ms"


async def order_flow(
    session: aiohttp.ClientSession, url: str, traders: list[Trader], rate: float, duration: float
) -> int:
    """Half resting orders near 60,000, half orders that cross them: a busy tape."""
    rng = random.Random(5)
    sent = 0
    start = time.perf_counter()
    tasks = set()

    async def one(trader: Trader, params: dict[str, Any]) -> None:
        body, headers = trader.signed(params)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        async with session.post(f"{url}/api/v3/order", data=body, headers=headers) as response:
            await response.read()

    for index in range(int(rate * duration)):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        side = rng.choice(("BUY", "SELL"))
        crossing = index % 2 == 1
        offset = rng.randint(0, 5) if crossing else -rng.randint(1, 5)
        price = 60000 + (offset if side == "BUY" else -offset)
        params = {
            "symbol": SYMBOL, "side": side, "type": "LIMIT",
            "timeInForce": "IOC" if crossing else "GTC",
            "quantity": f"0.{rng.randint(1, 20):03d}", "price": str(price),
            "newOrderRespType": "ACK",
        }  # fmt: skip
        task = asyncio.create_task(one(rng.choice(traders), params))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        sent += 1
    await asyncio.gather(*tasks)
    return sent


async def measure(
    url: str, clients: int, rate: float, duration: float, server: int | None, processes: int
) -> dict[str, Any]:
    """`server`: the server process's pid, whose CPU time the window's messages are
    divided by."""
    ws_url = url.replace("http://", "ws://") + f"/stream?streams={STREAMS}"
    audience = Audience(ws_url, clients, processes)
    connected = await audience.open()
    print(f"  {connected} clients connected", file=sys.stderr)
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, url, f"fanout{i}") for i in range(4)]
        start = time.time() + 0.5
        end = start + duration + 1  # the last messages arrive within the second after
        audience.measure(start, end)
        await asyncio.sleep(start - time.time())
        server_cpu, own_cpu = _cpu(server), cpu_seconds(os.getpid(), children=False)
        waiting = waiting_for_cpu_s()
        sent = await order_flow(session, url, traders, rate, duration)
        await asyncio.sleep(max(0.0, end - time.time()))
        server_cpu, own_cpu = _cpu(server) - server_cpu, cpu_seconds(os.getpid(), False) - own_cpu
        waiting = waiting_for_cpu_s() - waiting
    counted = await audience.results()
    messages = counted["messages"]
    ordered: list[float] = sorted(counted["latencies"]) or [0.0]

    def quantile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    per_1k = 1000 / max(messages, 1)
    return {
        "clients": clients,
        "connected": connected,
        "orders_per_s": round(sent / duration, 1),
        "messages_per_s": round(messages / (end - start)),
        "trades_timed": len(counted["latencies"]),
        "p50_ms": quantile(0.5),
        "p99_ms": quantile(0.99),
        "p999_ms": quantile(0.999),
        "disconnects": counted["disconnects"],
        "server_cores": round(server_cpu / (end - start), 2),
        "server_cpu_s_per_1k": round(server_cpu * per_1k, 4),
        "clients_cpu_s_per_1k": round((counted["cpu_s"] + own_cpu) * per_1k, 4),
        # The share of the window in which some process of the machine waited for a core.
        "cpu_pressure": round(waiting / (end - start), 2),
    }


def _cpu(server: int | None) -> float:
    return 0.0 if server is None else cpu_seconds(server, children=False)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--server-pid", type=int, help="the running server's process, for its CPU")
    parser.add_argument("--adapters", choices=("memory", "local"), default="memory")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2, help="that hold the clients")
    parser.add_argument("--rate", type=float, default=500, help="orders/s")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--json", type=Path, help="write the result table as JSON here")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url, server = args.url, args.server_pid
        if url is None:
            served = stack.enter_context(deployment("all", args.adapters))
            url, server = served.urls[0], served.processes["all"]
        result = asyncio.run(
            measure(url, args.clients, args.rate, args.duration, server, args.processes)
        )
    print(f"ws fan-out: {STREAMS}, {args.duration:.0f} s; latency from trade time to receipt")
    print(f"(of every {SAMPLE}th message of a client); CPU-seconds per 1,000 messages received")
    print("".join(f"{key:>21}" for key in result))
    print("".join(f"{value:>21,}" for value in result.values()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
