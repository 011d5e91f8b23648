"""WebSocket fan-out: N clients on a busy market's trade and diff-depth streams while orders
arrive at a fixed rate. Latency runs from a trade's time (when the exchange took the order
that made it) to its receipt by each client.

    python -m benchmarks.ws_fanout [--url URL] [--clients 1000] [--rate 500] [--duration S]
                                   [--json PATH]
"""

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import websockets

from benchmarks.deployment import deployment
from benchmarks.order_load import Trader, open_account

SYMBOL = "BTCUSDT"
STREAMS = "btcusdt@trade/btcusdt@depth@100ms"


class Audience:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.messages = 0
        self.disconnects = 0
        self.connected = 0

    async def listen(self, url: str, stop: asyncio.Event) -> None:
        try:
            async with websockets.connect(url, max_queue=None, open_timeout=60) as socket:
                self.connected += 1
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(socket.recv(), 0.5)
                    except TimeoutError:
                        continue
                    received = time.time() * 1000
                    self.messages += 1
                    message = json.loads(raw)
                    if message["stream"].endswith("@trade"):
                        self.latencies.append(received - message["data"]["T"])
        except (OSError, websockets.exceptions.WebSocketException):
            self.disconnects += 1


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


async def measure(url: str, clients: int, rate: float, duration: float) -> dict[str, float]:
    ws_url = url.replace("http://", "ws://") + f"/stream?streams={STREAMS}"
    audience = Audience()
    stop = asyncio.Event()
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, url, f"fanout{i}") for i in range(4)]
        listeners = [asyncio.create_task(audience.listen(ws_url, stop)) for _ in range(clients)]
        while audience.connected + audience.disconnects < clients:
            await asyncio.sleep(0.2)
        print(f"  {audience.connected} clients connected", file=sys.stderr)
        started = time.perf_counter()
        sent = await order_flow(session, url, traders, rate, duration)
        await asyncio.sleep(1)  # let the last messages arrive
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*listeners)
    ordered = sorted(audience.latencies) or [0.0]

    def quantile(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "clients": clients,
        "connected": audience.connected,
        "orders_per_s": round(sent / duration, 1),
        "messages_per_s": round(audience.messages / elapsed),
        "trade_deliveries": len(audience.latencies),
        "p50_ms": quantile(0.5),
        "p99_ms": quantile(0.99),
        "p999_ms": quantile(0.999),
        "disconnects": audience.disconnects,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--adapters", choices=("memory", "local"), default="memory")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=500, help="orders/s")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--json", type=Path, help="write the result table as JSON here")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(deployment("all", args.adapters)).urls[0]
        result = asyncio.run(measure(url, args.clients, args.rate, args.duration))
    print(f"ws fan-out: {STREAMS}, {args.duration:.0f} s; latency from trade time to receipt")
    print("".join(f"{key:>17}" for key in result))
    print("".join(f"{value:>17,}" for value in result.values()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
