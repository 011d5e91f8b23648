"""WebSocket streams as a client sees them, against a live server on loopback."""

import asyncio
import contextlib
import itertools
import json
import random
import threading
from decimal import Decimal
from typing import Any

import httpx
import pytest
import websockets

from tests.live_server import LiveServer, SignedClient, live

__all__ = ["live"]


def place(client: SignedClient, side: str, quantity: str, price: str) -> Any:
    return client.call(
        "POST", "/api/v3/order", symbol="BTCUSDT", side=side, type="LIMIT",
        timeInForce="GTC", quantity=quantity, price=price,
    )  # fmt: skip


def order_flow(
    client: SignedClient, count: int, seed: int, halfway: threading.Event | None = None
) -> None:
    """Limit orders around 60,000 on both sides, some crossing, and cancels; with `halfway`,
    the second half waits until it is set."""
    rng = random.Random(seed)
    open_ids: list[int] = []
    for sent in range(count):
        if halfway is not None and sent == count // 2:
            halfway.wait(timeout=10)
        if open_ids and rng.random() < 0.3:
            order_id = open_ids.pop(rng.randrange(len(open_ids)))
            with contextlib.suppress(AssertionError):  # it may have filled meanwhile
                client.call("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=order_id)
            continue
        side = rng.choice(("BUY", "SELL"))
        ticks = rng.randint(-20, 5) if side == "BUY" else rng.randint(-5, 20)
        placed = place(client, side, f"0.{rng.randint(1, 30):03d}", str(60000 + ticks))
        if placed["status"] in ("NEW", "PARTIALLY_FILLED"):
            open_ids.append(placed["orderId"])


async def request(socket: Any, method: str, params: list[str], ident: int) -> None:
    await socket.send(json.dumps({"method": method, "params": params, "id": ident}))


async def receive(socket: Any, timeout: float = 5) -> Any:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def test_a_local_book_synced_from_diff_depth_equals_the_rest_book(live: LiveServer) -> None:
    trader = live.signed("depth-sync", BTC="100", USDT="10000000")
    async with websockets.connect(f"{live.ws_url}/ws/btcusdt@depth@100ms") as socket:
        buffered: list[Any] = []
        snapshot_taken = threading.Event()  # so that changes come before and after it
        flow = threading.Thread(target=order_flow, args=(trader, 300, 1, snapshot_taken))
        flow.start()
        buffered.append(await receive(socket))
        async with httpx.AsyncClient(base_url=live.base_url) as rest:
            snapshot = (await rest.get("/api/v3/depth?symbol=BTCUSDT&limit=5000")).json()
        snapshot_taken.set()
        book = {
            side: {Decimal(p): Decimal(q) for p, q in snapshot[side]} for side in ("bids", "asks")
        }
        last = snapshot["lastUpdateId"]
        synced = False
        quiet = False
        while not quiet:
            if buffered:
                event = buffered.pop(0)
            else:
                try:  # once the flow ends, the last changes arrive within 100 ms, then silence
                    event = await receive(socket, timeout=0.5 if not flow.is_alive() else 5)
                except TimeoutError:
                    quiet = True
                    continue
            if event["u"] <= last:
                continue
            if not synced:
                assert event["U"] <= last + 1 <= event["u"], (event["U"], last)
                synced = True
            else:
                assert event["U"] == last + 1, "a diff event was skipped"
            for side, key in (("bids", "b"), ("asks", "a")):
                for price, quantity in event[key]:
                    if Decimal(quantity) == 0:
                        book[side].pop(Decimal(price), None)
                    else:
                        book[side][Decimal(price)] = Decimal(quantity)
            last = event["u"]
        flow.join()
    async with httpx.AsyncClient(base_url=live.base_url) as rest:
        final = (await rest.get("/api/v3/depth?symbol=BTCUSDT&limit=5000")).json()
    assert synced
    for side in ("bids", "asks"):
        assert sorted(book[side].items()) == sorted(
            (Decimal(p), Decimal(q)) for p, q in final[side]
        ), side


async def test_trade_and_kline_streams_match_the_rest_history(live: LiveServer) -> None:
    maker = live.signed("tape-maker", BTC="10")
    taker = live.signed("tape-taker", USDT="10000000")
    streams = "btcusdt@trade/btcusdt@aggTrade/btcusdt@kline_1m"
    async with websockets.connect(f"{live.ws_url}/stream?streams={streams}") as socket:
        async with httpx.AsyncClient(base_url=live.base_url) as rest:
            before = (await rest.get("/api/v3/trades?symbol=BTCUSDT&limit=1000")).json()
        for price in ("61000", "61001", "61002"):
            place(maker, "SELL", "0.01", price)
        bought = taker.call(
            "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.03"
        )
        assert bought["status"] == "FILLED"
        async with httpx.AsyncClient(base_url=live.base_url) as rest:
            # In `aws` mode the history is DynamoDB's, a moment behind the trades.
            after = before
            for _ in range(100):
                after = (await rest.get("/api/v3/trades?symbol=BTCUSDT&limit=1000")).json()
                if len(after) == len(before) + 3:
                    break
                await asyncio.sleep(0.1)
        new = after[len(before) :]
        by_price = [list(g) for _, g in itertools.groupby(new, key=lambda t: t["price"])]
        wanted = {"trade": len(new), "aggTrade": len(by_price)}
        seen: dict[str, list[Any]] = {"trade": [], "aggTrade": [], "kline": []}
        # Klines come at most once a second, as Binance's: the one to wait for has the last
        # trade in it.
        while any(len(seen[kind]) < count for kind, count in wanted.items()) or not (
            seen["kline"] and seen["kline"][-1]["k"]["L"] == new[-1]["id"]
        ):
            message = await receive(socket)
            seen[message["stream"].split("@")[1].split("_")[0]].append(message["data"])
    assert [(t["t"], t["p"], t["q"], t["m"]) for t in seen["trade"]] == [
        (t["id"], t["price"], t["qty"], t["isBuyerMaker"]) for t in new
    ]
    assert [(a["a"], a["f"], a["l"]) for a in seen["aggTrade"]] == [
        (g[0]["id"], g[0]["id"], g[-1]["id"]) for g in by_price
    ]
    latest = seen["kline"][-1]["k"]
    async with httpx.AsyncClient(base_url=live.base_url) as rest:
        for _ in range(100):
            # The streamed candle's own minute: the next may have begun, empty, meanwhile.
            minute = f"startTime={latest['t']}&limit=1"
            klines = (await rest.get(f"/api/v3/klines?symbol=BTCUSDT&interval=1m&{minute}")).json()
            if klines and [latest[k] for k in "ohlcv"] == klines[-1][1:6]:
                break
            await asyncio.sleep(0.1)
    assert [latest[k] for k in "ohlcv"] == klines[-1][1:6]
    assert latest["x"] is False


async def test_live_subscriptions_and_their_errors(live: LiveServer) -> None:
    async with websockets.connect(f"{live.ws_url}/ws/0") as socket:
        await socket.send(
            json.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@depth5"], "id": 1})
        )
        assert await receive(socket) == {"result": None, "id": 1}
        await socket.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
        answers = [await receive(socket) for _ in range(3)]
        assert {"result": ["btcusdt@depth5"], "id": 2} in answers
        await socket.send(
            json.dumps({"method": "SUBSCRIBE", "params": ["dogeusdt@trade"], "id": 3})
        )
        await socket.send("not json")
        await socket.send(
            json.dumps({"method": "UNSUBSCRIBE", "params": ["btcusdt@depth5"], "id": 4})
        )
        ids: dict[int | None, Any] = {}
        while len(ids) < 3:
            answer = await receive(socket)
            if "id" in answer:
                ids[answer["id"]] = answer
        assert ids[3]["error"]["code"] == 2
        assert ids[None]["error"]["code"] == 3
        assert ids[4] == {"result": None, "id": 4}
    with pytest.raises(websockets.exceptions.ConnectionClosed):
        async with websockets.connect(f"{live.ws_url}/stream?streams=nope") as socket:
            await receive(socket)


async def test_a_market_s_status_changes_reach_its_market_status_stream(live: LiveServer) -> None:
    admin = live.admin_headers("operator")
    path = "/api/v1/admin/markets/ETHBTC/status"
    async with websockets.connect(f"{live.ws_url}/ws/ethbtc@marketStatus") as socket:
        async with httpx.AsyncClient(base_url=live.base_url) as rest:
            for status in ("BREAK", "TRADING"):
                body = {"status": status, "reason": "maintenance, not for the public"}
                changed = await rest.put(path, json=body, headers=admin)
                assert changed.status_code == 200, changed.text
        seen = [await receive(socket) for _ in range(2)]
    assert [(m["e"], m["s"], m["X"]) for m in seen] == [
        ("marketStatus", "ETHBTC", "BREAK"),
        ("marketStatus", "ETHBTC", "TRADING"),
    ]
    assert "maintenance" not in json.dumps(seen)
