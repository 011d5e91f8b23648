"""Redis goes away and comes back under a live server: trading and the public REST reads go on
(request weight is counted in the process meanwhile), what needs Redis (logins) answers 503
-1001 at once, and a trade stream opened before the outage carries trades again once Redis is
back, on the same connection."""

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.reliability.flow import FUNDS
from tests.reliability.server import (
    PASSWORD,
    Account,
    ExchangeProcess,
    SignedSession,
    open_account,
    server_environment,
)

BACK_WITHIN_S = 10.0


class RedisServer:
    """A Redis of this test's own, so that stopping it disturbs nobody else."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
            self._process = None


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def trade(maker: SignedSession, taker: SignedSession) -> httpx.Response:
    """A sell that rests and a buy that takes it; the buy's answer."""
    order = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}
    placed = maker.request("POST", "/api/v3/order", side="SELL", price="30000", **order)
    assert placed.status_code == 200, placed.text
    return taker.request("POST", "/api/v3/order", side="BUY", price="30000", **order)


def next_trade(stream: ClientConnection, timeout: float) -> dict[str, object]:
    message: dict[str, object] = json.loads(stream.recv(timeout=timeout))
    assert message["e"] == "trade", message
    return message


@pytest.mark.reliability
def test_redis_outage(database_url: str, private_redis: RedisServer, tmp_path: Path) -> None:
    environment = server_environment(database_url, private_redis.url)
    with ExchangeProcess(environment, tmp_path / "server.log") as server:
        server.wait_serving(["BTCUSDT"])
        accounts: list[Account] = [
            open_account(server.base_url, f"redis{n}@example.com", FUNDS) for n in range(2)
        ]
        maker, taker = (SignedSession(server.base_url, a, timeout=5) for a in accounts)
        ws_url = server.base_url.replace("http://", "ws://")
        with (
            connect(f"{ws_url}/ws/btcusdt@trade") as stream,
            httpx.Client(base_url=server.base_url, timeout=5) as public,
        ):
            time.sleep(0.5)  # the subscription reaches Redis
            assert trade(maker, taker).status_code == 200
            assert next_trade(stream, timeout=5)["p"] == "30000.00000000"

            private_redis.stop()
            during = trade(maker, taker)
            assert during.status_code == 200, during.text
            assert during.json()["status"] == "FILLED"
            for path in ("/api/v3/depth?symbol=BTCUSDT", "/api/v3/exchangeInfo",
                         "/api/v3/ticker/24hr?symbol=BTCUSDT"):  # fmt: skip
                assert public.get(path).status_code == 200, path
            began = time.monotonic()
            login = public.post(
                "/api/v1/auth/login", json={"email": "redis0@example.com", "password": PASSWORD}
            )
            assert (login.status_code, login.json()["code"]) == (503, -1001)
            assert time.monotonic() - began < 2

            private_redis.start()
            deadline = time.monotonic() + BACK_WITHIN_S
            while True:  # the fan-out renews its subscription within a second or so
                assert trade(maker, taker).status_code == 200
                try:
                    received = next_trade(stream, timeout=1)
                    break
                except TimeoutError:
                    assert time.monotonic() < deadline, "the trade stream did not come back"
            assert received["s"] == "BTCUSDT"
        assert server.tracebacks() == 0, server.log_tail()
