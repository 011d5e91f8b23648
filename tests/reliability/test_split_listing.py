"""A market listed while the split deployment runs, as `make split` runs it (two engines, the
market data, two api processes and a websocket process, each a real `bourse` process), is
taken up by every process without a restart: listed through one api process, it is funded
and traded through the other, run by an engine process under a lease of its own, its book
read from the market data's snapshots and its trades and depth streamed by the websocket
process."""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.reliability.audit import read_rows
from tests.reliability.deployment import Deployment
from tests.reliability.server import SignedSession, open_account, operator, server_environment

WHY = {"reason": "the split listing test"}
AVAX_USDT = {
    "baseAsset": "AVAX", "quoteAsset": "USDT", "tickSize": "0.01", "stepSize": "0.01",
    "maxQty": "100000", "minNotional": "1", "maxNotional": "1000000",
    "makerCommission": "0.001", "takerCommission": "0.001",
}  # fmt: skip
ORDER = {"symbol": "AVAXUSDT", "type": "LIMIT", "timeInForce": "GTC", "quantity": "4"}
STREAMS = "avaxusdt@trade/avaxusdt@depth@100ms"


def until(read: Any, done: Any, timeout: float = 10) -> Any:
    """What `read` answers once `done` holds of it; fails after `timeout` seconds."""
    began = time.monotonic()
    while not done(found := read()):
        assert time.monotonic() - began < timeout, f"still {found!r} after {timeout} s"
        time.sleep(0.05)
    return found


@contextmanager
def streams(ws_url: str) -> Iterator[ClientConnection]:
    """The market's streams, once the websocket process has the market (until then, it closes
    a connection asking for them, as for any unknown symbol)."""
    began = time.monotonic()
    while True:
        with connect(f"{ws_url}/stream?streams={STREAMS}") as connection:
            try:
                connection.recv(timeout=0.2)
            except TimeoutError:
                yield connection
                return
            except ConnectionClosed:
                pass
        assert time.monotonic() - began < 10, "the websocket process did not take the market"
        time.sleep(0.05)


def message_of(stream: ClientConnection, name: str) -> Any:
    while True:
        message = json.loads(stream.recv(timeout=10))
        if message["stream"] == name:
            return message["data"]


@pytest.mark.reliability
def test_split_listing(database_url: str, redis_url: str, tmp_path: Path) -> None:
    environment = server_environment(database_url, redis_url)
    with Deployment(environment, tmp_path, websocket=True) as deployment:
        lister, trader = deployment.apis
        headers = operator(lister.base_url, environment, "lister@reliability.example")
        with httpx.Client(base_url=lister.base_url, headers=headers, timeout=10) as admin:
            avax = {"asset": "AVAX", "precision": 8}
            asset = admin.post("/api/v1/admin/assets", json=avax | WHY)
            assert asset.status_code == 200, asset.text
            listed = admin.post("/api/v1/admin/markets", json=AVAX_USDT | WHY)
            assert listed.status_code == 200, listed.text

        def symbols() -> set[str]:
            info = httpx.get(f"{trader.base_url}/api/v3/exchangeInfo", timeout=5).json()
            return {symbol["symbol"] for symbol in info["symbols"]}

        until(symbols, lambda found: "AVAXUSDT" in found)
        seller = open_account(trader.base_url, "avax-seller@example.com", {"AVAX": "10"})
        buyer = open_account(trader.base_url, "avax-buyer@example.com", {"USDT": "1000"})
        sell, buy = (SignedSession(trader.base_url, a, timeout=10) for a in (seller, buyer))
        ws_url = deployment.websockets[0].base_url.replace("http://", "ws://")
        with streams(ws_url) as stream:
            resting = sell.request("POST", "/api/v3/order", side="SELL", price="25", **ORDER)
            assert resting.json()["status"] == "NEW", resting.text
            depth = message_of(stream, "avaxusdt@depth@100ms")
            assert depth["a"] == [["25.00000000", "4.00000000"]]
            book = httpx.get(f"{lister.base_url}/api/v3/depth?symbol=AVAXUSDT", timeout=5)
            assert book.json()["asks"] == [["25.00000000", "4.00000000"]], book.text
            taking = buy.request("POST", "/api/v3/order", side="BUY", price="25", **ORDER)
            assert taking.json()["status"] == "FILLED", taking.text
            trade = message_of(stream, "avaxusdt@trade")
            assert (trade["s"], trade["p"], trade["q"]) == ("AVAXUSDT", "25.00000000", "4.00000000")
        for session in (sell, buy):
            session.close()

        query = {"lease": "SELECT owner FROM market_leases WHERE symbol = 'AVAXUSDT'"}
        (owner,) = read_rows(database_url, query)["lease"][0]
        assert int(owner.split(":")[-2]) in {engine.pid for engine in deployment.engines}
        assert deployment.tracebacks() == dict.fromkeys(deployment.tracebacks(), 0)
