"""The order flow of the load benchmarks, sent over REST: traders with funded accounts, and the
requests of one rate (signed order placements, cancels of the orders placed, depth reads),
each timed from its intended send time. `benchmarks.ws_api_load` sends the same requests over
the WebSocket API."""

import asyncio
import contextlib
import os
import random
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp

from adapters.security.signatures import sign
from benchmarks.deployment import SYMBOL
from benchmarks.load_report import Row

TRADERS = 8
# The faucet's most, several times over: a long rate search leaves many orders resting.
FUNDING = (("USDT", "1000000", 10), ("BTC", "100", 5))
CONNECTIONS = 256
Mix = tuple[tuple[str, float], ...]
MIX: Mix = (("place", 0.5), ("cancel", 0.25), ("depth", 0.25))
UNKNOWN_ORDER = -2011  # Binance's code for a cancel of an order no longer open
# A trader with this many orders placed and not yet cancelled (some filled meanwhile) cancels
# instead of placing: the market's MAX_NUM_ORDERS (200 open orders an account) would refuse the
# placement, with orders still in flight on top.
OPEN_ORDERS_KEPT = 150


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
    """The requests of one rate, over REST: each a request of its own on a pool of
    connections. `benchmarks.ws_api_load` sends the same requests over the WebSocket API."""

    def __init__(self, urls: list[str], traders: list[Trader], seed: int, mix: Mix = MIX) -> None:
        self.urls = urls
        self.traders = traders
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()  # by request kind, answer status and code
        self.placed = 0
        self.kinds = [kind for kind, _ in mix]
        self.weights = [weight for _, weight in mix]

    def request(self) -> tuple[str, Trader, dict[str, Any]]:
        """The next request: its kind, its trader and its parameters (unsigned)."""
        kind = self.rng.choices(self.kinds, self.weights)[0]
        trader = self.rng.choice(self.traders)
        if kind == "place" and len(trader.open_orders) >= OPEN_ORDERS_KEPT:
            kind = "cancel"  # as a trader keeps within MAX_NUM_ORDERS
        if kind == "cancel" and trader.open_orders:
            order_id = trader.open_orders.pop(self.rng.randrange(len(trader.open_orders)))
            return kind, trader, {"symbol": SYMBOL, "orderId": order_id}
        if kind == "depth":
            return kind, trader, {"symbol": SYMBOL, "limit": 20}
        side = self.rng.choice(("BUY", "SELL"))
        offset = self.rng.randint(-10, 60) * (1 if side == "SELL" else -1)
        # A cancel without an open order to cancel places one.
        return "place", trader, {
            "symbol": SYMBOL, "side": side, "type": "LIMIT", "timeInForce": "GTC",
            "quantity": f"0.{self.rng.randint(1, 50):03d}", "price": f"{60000 + offset}",
            "newOrderRespType": "ACK",
        }  # fmt: skip

    def record(
        self, kind: str, trader: Trader, status: int, answer: dict[str, Any], intended: float
    ) -> None:
        """The answer to a request sent at `intended`: `answer` is its result or its error."""
        if status == 200:
            outcome = "ok"
            if kind == "place":
                self.placed += 1
                trader.open_orders.append(answer["orderId"])
        elif kind == "cancel" and answer.get("code") == UNKNOWN_ORDER:
            outcome = "ok"  # it filled meanwhile
        else:
            outcome = f"{status} {answer.get('code')}"
        self.finished(kind, outcome, intended)

    def finished(self, kind: str, outcome: str, intended: float) -> None:
        self.latencies.append(time.perf_counter() - intended)
        if outcome != "ok":
            self.failures[f"{kind} {outcome}"] += 1

    @contextlib.asynccontextmanager
    async def connected(self) -> AsyncIterator[Any]:
        connector = aiohttp.TCPConnector(limit=CONNECTIONS)
        async with aiohttp.ClientSession(connector=connector) as session:
            yield session

    async def one(self, channel: Any, index: int, intended: float) -> None:
        """Sends the `index`th request on `channel`, what `connected` opened."""
        session: aiohttp.ClientSession = channel
        url = self.urls[index % len(self.urls)]
        kind, trader, params = self.request()
        try:
            if kind == "cancel":
                query, headers = trader.signed(params)
                request = session.delete(f"{url}/api/v3/order?{query}", headers=headers)
            elif kind == "depth":
                request = session.get(f"{url}/api/v3/depth", params=params)
            else:
                body, headers = trader.signed(params)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                request = session.post(f"{url}/api/v3/order", data=body, headers=headers)
            async with request as response:
                answer = await response.json()
        except aiohttp.ClientError as error:
            self.finished(kind, type(error).__name__, intended)
            return
        self.record(kind, trader, response.status, answer, intended)

    async def run(self, rate: float, duration: float) -> Row:
        async with self.connected() as channel:
            start = time.perf_counter()
            total = int(rate * duration)
            tasks = set()
            next_report = start + 1
            for index in range(total):
                intended = start + index / rate
                delay = intended - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(self.one(channel, index, intended))
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
