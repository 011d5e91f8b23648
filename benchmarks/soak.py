"""Soak: `bourse serve` on the memory adapters with the demo bots trading, its resident memory
sampled for a long while, to show whether it levels off. Each sample also counts the orders and
trades made so far (the ids of a probe market order and of the last trade on each market) and
the trades still kept (the last id less the first one `historicalTrades` still returns).

    python -m benchmarks.soak [--duration S] [--every S] [--retention-minutes M] [--json PATH]

`--retention-minutes` sets every BOURSE_RETENTION_* window of the server: windows shorter than
the defaults let an hour's run reach the state where as much is dropped as is made; without it
the server's defaults (or the BOURSE_RETENTION_* of the environment) apply. The growth per hour
is a least-squares slope over the second half of the samples.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.deployment import serving
from benchmarks.order_load import Trader, open_account


def resident_mb(pid: int) -> float:
    """The process's resident set size (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def get(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.json()


class Counter:
    """Counts orders and trades through the public API, as any client could."""

    def __init__(self, url: str, trader: Trader, markets: dict[str, Decimal]) -> None:
        self.url = url
        self.trader = trader
        self.markets = markets  # symbol -> the quote amount of a probe order

    async def orders(self, session: aiohttp.ClientSession) -> int:
        """Orders placed so far: the sum of each market's newest order id, which a probe market
        order (worth twice the minimum notional) learns."""
        total = 0
        for symbol, amount in self.markets.items():
            params = {"symbol": symbol, "side": "BUY", "type": "MARKET", "quoteOrderQty": amount}
            body, headers = self.trader.signed(params)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            async with session.post(f"{self.url}/api/v3/order", data=body, headers=headers) as r:
                answer = await r.json()
                if r.status != 200:
                    raise RuntimeError(f"the probe order failed: {answer}")
                total += answer["orderId"]
        return total

    async def trades(self, session: aiohttp.ClientSession) -> tuple[int, int]:
        """(trades made so far, trades the server still keeps)."""
        made = kept = 0
        for symbol in self.markets:
            last = await get(session, f"{self.url}/api/v3/trades?symbol={symbol}&limit=1")
            first = await get(
                session, f"{self.url}/api/v3/historicalTrades?symbol={symbol}&fromId=0&limit=1"
            )
            if last:
                made += last[0]["id"]
                kept += last[0]["id"] - first[0]["id"] + 1
        return made, kept


async def open_counter(session: aiohttp.ClientSession, url: str) -> Counter:
    trader = await open_account(session, url, "soak")
    info = await get(session, f"{url}/api/v3/exchangeInfo")
    markets = {}
    for symbol in info["symbols"]:
        notional = next(f for f in symbol["filters"] if f["filterType"] == "NOTIONAL")
        markets[symbol["symbol"]] = 2 * Decimal(notional["minNotional"])
    return Counter(url, trader, markets)


async def soak(url: str, pid: int, duration: float, every: float) -> list[dict[str, float]]:
    samples = []
    async with aiohttp.ClientSession() as session:
        counter = await open_counter(session, url)
        start = time.monotonic()
        for index in range(int(duration // every) + 1):
            await asyncio.sleep(max(0.0, start + index * every - time.monotonic()))
            orders = await counter.orders(session)
            trades, kept = await counter.trades(session)
            sample = {
                "minute": round((time.monotonic() - start) / 60, 2),
                "rss_mb": round(resident_mb(pid), 1),
                "orders": orders,
                "trades": trades,
                "trades_kept": kept,
            }
            samples.append(sample)
            print("".join(f"{sample[c]:>14,}" for c in COLUMNS), file=sys.stderr, flush=True)
    return samples


COLUMNS = ("minute", "rss_mb", "orders", "trades", "trades_kept")
WINDOWS = ("UNFILLED", "HISTORY", "STATEMENT")


def growth_per_hour(samples: list[dict[str, float]]) -> float:
    """MB per hour over the second half of the samples (least squares)."""
    half = samples[len(samples) // 2 :]
    if len(half) < 2:
        return 0.0
    xs = [s["minute"] / 60 for s in half]
    ys = [s["rss_mb"] for s in half]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def start_server(retention_minutes: int | None) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = os.environ | {"BOURSE_ADAPTERS": "memory", "BOURSE_FAUCET": "1"}
    if retention_minutes is not None:
        for window in WINDOWS:
            environment[f"BOURSE_RETENTION_{window}_MINUTES"] = str(retention_minutes)
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not serving(url):
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.2)
    return server, url


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--retention-minutes", type=int, help="every retention window")
    parser.add_argument("--json", type=Path, help="write the samples and the growth as JSON here")
    args = parser.parse_args(argv)
    server, url = start_server(args.retention_minutes)
    try:
        samples = asyncio.run(soak(url, server.pid, args.duration, args.every))
    finally:
        server.terminate()
        server.wait(timeout=10)
    growth = round(growth_per_hour(samples), 1)
    print(
        f"soak: bourse serve (memory, demo bots) for {args.duration:.0f} s; retention windows "
        f"{args.retention_minutes or '(the environment or the defaults)'} min"
    )
    print("".join(f"{c:>14}" for c in COLUMNS))
    for sample in samples:
        print("".join(f"{sample[c]:>14,}" for c in COLUMNS))
    print(f"RSS growth over the second half: {growth} MB/hour")
    result = {"samples": samples, "growth_mb_per_hour": growth}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
