"""Two API processes on one database and one Redis: the first runs the markets, the second
stands by. Streams are served by both (the fan-out goes through Redis), the second refuses
orders with 503 -1001 while the first holds the markets, and takes them over, rebuilt from
the store, when the first dies."""

import json
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from tests.reliability.flow import FUNDS
from tests.reliability.server import (
    ExchangeProcess,
    SignedSession,
    open_account,
    server_environment,
)

ORDER = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.001"}


def wait_up(process: ExchangeProcess) -> None:
    with httpx.Client(base_url=process.base_url, timeout=2) as client:
        assert client.get("/api/v3/ping").status_code == 200


@pytest.mark.reliability
def test_two_processes(database_url: str, redis_url: str, tmp_path: Path) -> None:
    environment = server_environment(database_url, redis_url)  # one secret key for both
    with (
        ExchangeProcess(environment, tmp_path / "first.log") as first,
        ExchangeProcess(environment, tmp_path / "second.log") as second,
    ):
        first.wait_serving(["BTCUSDT"])
        wait_up(second)
        seller, buyer = (
            open_account(second.base_url, f"two{n}@example.com", FUNDS) for n in range(2)
        )
        ws_url = second.base_url.replace("http://", "ws://")
        with connect(f"{ws_url}/ws/btcusdt@trade") as stream:
            time.sleep(0.5)  # the subscription reaches Redis
            on_first = [SignedSession(first.base_url, a, timeout=5) for a in (seller, buyer)]
            resting = on_first[0].request(
                "POST", "/api/v3/order", side="SELL", price="30000", **ORDER
            )
            assert resting.status_code == 200, resting.text
            taking = on_first[1].request(
                "POST", "/api/v3/order", side="BUY", price="30000", **ORDER
            )
            assert taking.json()["status"] == "FILLED", taking.text
            message = json.loads(stream.recv(timeout=5))
            assert (message["e"], message["s"], message["p"]) == (
                "trade",
                "BTCUSDT",
                "30000.00000000",
            )

            on_second = [SignedSession(second.base_url, a, timeout=5) for a in (seller, buyer)]
            refused = on_second[0].request(
                "POST", "/api/v3/order", side="SELL", price="30100", **ORDER
            )
            assert (refused.status_code, refused.json()["code"]) == (503, -1001)

            first.kill()
            took_over = second.wait_serving(["BTCUSDT"], timeout=10)
            resting = on_second[0].request(
                "POST", "/api/v3/order", side="SELL", price="30000", **ORDER
            )
            assert resting.status_code == 200, resting.text
            assert resting.json()["orderId"] == 3  # the ids go on from the store
            taking = on_second[1].request(
                "POST", "/api/v3/order", side="BUY", price="30000", **ORDER
            )
            assert taking.json()["status"] == "FILLED", taking.text
            message = json.loads(stream.recv(timeout=5))
            assert (message["e"], message["t"]) == ("trade", 2)
        print(f"\ntwo processes: the second took the markets over {took_over:.1f} s after the kill")
        assert second.tracebacks() == 0, second.log_tail()
