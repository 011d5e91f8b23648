"""An order no engine answers in time, through real processes: the engine is paused (SIGSTOP,
as in a stalled machine) while an order waits for it. The api answers 503 -1007 once its wait
(`BOURSE_COMMAND_TIMEOUT_MS`) is over, as Binance does when the fate of an order is unknown.
When the engine comes back, the order is past its deadline and refused, never applied: it is
not found by its clientOrderId, and a retry with the same clientOrderId places it once."""

import time
from pathlib import Path

import pytest

from tests.reliability.deployment import Deployment
from tests.reliability.flow import FUNDS
from tests.reliability.server import SignedSession, open_account, server_environment

COMMAND_TIMEOUT_MS = 1000
ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
ORDER |= {"quantity": "0.001", "price": "29000", "newClientOrderId": "late"}


@pytest.mark.reliability
def test_command_timeout(database_url: str, redis_url: str, tmp_path: Path) -> None:
    environment = server_environment(database_url, redis_url)
    environment["BOURSE_COMMAND_TIMEOUT_MS"] = str(COMMAND_TIMEOUT_MS)
    with Deployment(environment, tmp_path, apis=1, engines=1) as deployment:
        (api,), (engine,) = deployment.apis, deployment.engines
        session = SignedSession(
            api.base_url, open_account(api.base_url, "late@example.com", FUNDS), 10
        )
        engine.pause()
        try:
            sent = time.monotonic()
            late = session.request("POST", "/api/v3/order", **ORDER)
            waited = time.monotonic() - sent
        finally:
            engine.resume()
        deployment.wait_commands_taken(timeout=10)
        query = {"symbol": "BTCUSDT", "origClientOrderId": "late"}
        lost = session.request("GET", "/api/v3/order", **query)
        retried = [session.request("POST", "/api/v3/order", **ORDER) for _ in range(2)]
        found = session.request("GET", "/api/v3/order", **query)
        session.close()
        print(f"\ncommand timeout: answered {late.status_code} {late.text} in {waited:.2f} s")
        assert (late.status_code, late.json()["code"]) == (503, -1007), late.text
        assert waited < COMMAND_TIMEOUT_MS / 1000 + 1
        assert (lost.status_code, lost.json()["code"]) == (400, -2013), lost.text
        assert [answer.status_code for answer in retried] == [200, 200]
        assert retried[0].json()["orderId"] == retried[1].json()["orderId"]
        assert found.json()["orderId"] == retried[0].json()["orderId"]
        assert deployment.tracebacks() == dict.fromkeys(deployment.tracebacks(), 0)
