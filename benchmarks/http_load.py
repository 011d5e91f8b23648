"""Open-loop HTTP load against a running Bourse: signed order placements mixed with cancels and
depth reads at a fixed request rate. Latency is measured from each request's intended send
time, so a stalled server shows as latency instead of as a slower client. A 3 s warm-up at the
first rate is not measured.

    python -m benchmarks.http_load [--url URL | --adapters memory|local] [--rates 500,1000]
                                   [--duration S] [--json PATH]

Without --url it starts `bourse serve --no-bots` on a free loopback port: on the memory
adapters, or with `--adapters local` on a new PostgreSQL database (bourse_bench, dropped and
migrated first; BOURSE_TEST_POSTGRES names the server) and Redis database 13.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from entrypoints.migrate import migrate

SYMBOL = "BTCUSDT"
TRADERS = 8
CONNECTIONS = 256
MIX = (("place", 0.5), ("cancel", 0.25), ("depth", 0.25))
WARM_UP_S = 3.0


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
    for asset, amount in (("USDT", "1000000"), ("BTC", "100")):
        body = {"asset": asset, "amount": amount}
        async with session.post(f"{url}/api/v1/faucet", json=body, headers=bearer) as response:
            assert response.status == 200, await response.text()
    return Trader(key["apiKey"], key["secretKey"])


class Load:
    def __init__(self, url: str, traders: list[Trader], seed: int) -> None:
        self.url = url
        self.traders = traders
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.errors = 0
        self.kinds = [kind for kind, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    async def one(self, session: aiohttp.ClientSession, intended: float) -> None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        trader = self.rng.choice(self.traders)
        try:
            if kind == "cancel" and trader.open_orders:
                order_id = trader.open_orders.pop(self.rng.randrange(len(trader.open_orders)))
                query, headers = trader.signed({"symbol": SYMBOL, "orderId": order_id})
                async with session.delete(f"{self.url}/api/v3/order?{query}", headers=headers) as r:
                    await r.read()
                    ok = r.status == 200 or r.status == 400  # it may have filled meanwhile
            elif kind == "depth":
                async with session.get(f"{self.url}/api/v3/depth?symbol={SYMBOL}&limit=20") as r:
                    await r.read()
                    ok = r.status == 200
            else:
                side = self.rng.choice(("BUY", "SELL"))
                offset = self.rng.randint(-10, 60) * (1 if side == "SELL" else -1)
                params = {
                    "symbol": SYMBOL, "side": side, "type": "LIMIT", "timeInForce": "GTC",
                    "quantity": f"0.{self.rng.randint(1, 50):03d}", "price": f"{60000 + offset}",
                    "newOrderRespType": "ACK",
                }  # fmt: skip
                body, headers = trader.signed(params)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                async with session.post(
                    f"{self.url}/api/v3/order", data=body, headers=headers
                ) as r:
                    answer = await r.json()
                    ok = r.status == 200
                    if ok:
                        trader.open_orders.append(answer["orderId"])
        except aiohttp.ClientError:
            ok = False
        self.latencies.append(time.perf_counter() - intended)
        if not ok:
            self.errors += 1

    async def run(self, rate: float, duration: float) -> dict[str, float]:
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
                task = asyncio.create_task(self.one(session, intended))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                if time.perf_counter() >= next_report:
                    next_report += 1
                    print(
                        f"  {rate:>6.0f}/s  t={time.perf_counter() - start:4.1f}s  "
                        f"sent {index + 1:>7}  done {len(self.latencies):>7}  "
                        f"errors {self.errors}",
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
            "errors": self.errors,
        }


def local_environment() -> dict[str, str]:
    """A fresh database and Redis database for `--adapters local`."""
    server = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
    url = f"{server}/bourse_bench"
    asyncio.run(drop_database(url))
    migrate(url)
    redis_url = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(redis_url).flushdb()
    return {
        "BOURSE_ADAPTERS": "local",
        "BOURSE_DATABASE_URL": url,
        "BOURSE_REDIS_URL": redis_url,
        "BOURSE_SECRET_KEY": SecretBox.new_key(),
    }


async def drop_database(url: str) -> None:
    target = make_url(url)
    server = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    await server.dispose()


@contextlib.contextmanager
def local_server(adapters: str) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = os.environ | {
        "BOURSE_WEIGHT_PER_MINUTE": str(10**9),
        "BOURSE_FAUCET": "1",
        "BOURSE_WS_CONNECTIONS_PER_ADDRESS": str(10**6),  # every load client is on loopback
    }
    if adapters == "local":
        environment |= local_environment()
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--no-bots", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not serving(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def serving(url: str) -> bool:
    """Up, and running the market (its depth answers)."""
    try:
        with urllib.request.urlopen(f"{url}/api/v3/depth?symbol={SYMBOL}", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


async def measure(
    url: str, rates: list[float], duration: float, seed: int
) -> list[dict[str, float]]:
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, url, f"load{i}") for i in range(TRADERS)]
    # Unmeasured: the server's pools, caches and prepared statements fill up first.
    await Load(url, traders, seed).run(rates[0], WARM_UP_S)
    results = []
    for rate in rates:
        results.append(await Load(url, traders, seed).run(rate, duration))
    return results


def main(argv: list[str] | None = None) -> list[dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--adapters", choices=("memory", "local"), default="memory")
    parser.add_argument("--rates", default="500", help="comma-separated requests/s to try")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per rate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the result table as JSON here")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(local_server(args.adapters))
        results = asyncio.run(measure(url, rates, args.duration, args.seed))
    mix = ", ".join(f"{kind} {share:.0%}" for kind, share in MIX)
    print(
        f"http load ({args.url or args.adapters}): {mix}; {args.duration:.0f} s per rate; "
        "latency from intended send time"
    )
    columns = ("rate", "achieved_rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "errors")
    print("".join(f"{c:>14}" for c in columns))
    for result in results:
        print("".join(f"{result[c]:>14,}" for c in columns))
    if args.json:
        table = results[0] if len(results) == 1 else results
        args.json.write_text(json.dumps(table, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
