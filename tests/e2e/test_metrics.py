"""What a scripted session did, read back from the metrics a scraper sees: exactly its counts.
The metrics are the process's, shared by every app a test builds in it, so the test reads how
far each moved during the session."""

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx
import websockets
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from adapters.security.signatures import sign
from entrypoints.api.app import create_ops_app
from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS
from tests.e2e.serving import serving
from tests.live_server import LiveServer, SignedClient, live

__all__ = ["live"]

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(live: LiveServer) -> Samples:
    with TestClient(create_ops_app(live.container)) as ops:
        text = ops.get("/metrics").text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How far the samples of `name` with `labels` (among others) moved, summed."""
    wanted = set(labels.items())
    return sum(
        value - before.get(key, 0.0)
        for key, value in after.items()
        if key[0] == name and wanted <= key[1]
    )


def refused(client: SignedClient, **params: Any) -> Any:
    query = urlencode(params | {"timestamp": int(time.time() * 1000)})
    signed = f"{query}&signature={sign(client.secret, query)}"
    headers = {"X-MBX-APIKEY": client.api_key}
    return client.client.post(f"/api/v3/order?{signed}", headers=headers)


async def test_a_scripted_session_is_counted_exactly(live: LiveServer) -> None:
    seller = live.signed("metrics-seller", BTC="1")
    buyer = live.signed("metrics-buyer", USDT="100000")
    before = scrape(live)
    async with websockets.connect(f"{live.ws_url}/ws/btcusdt@trade") as socket:
        signed_up = httpx.post(
            f"{live.base_url}/api/v1/users",
            json={"email": "metrics@example.com", "password": "correct horse battery"},
        )
        assert signed_up.status_code == 201
        limit = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC"}
        resting = seller.call("POST", "/api/v3/order", side="SELL", quantity="0.5",
                              price="62000", **limit)  # fmt: skip
        seller.call("POST", "/api/v3/order", side="SELL", quantity="0.1", price="63000", **limit)
        buyer.call("POST", "/api/v3/order", side="BUY", quantity="0.2", price="62000", **limit)
        seller.call("DELETE", "/api/v3/order", symbol="BTCUSDT", orderId=resting["orderId"])
        too_much = refused(buyer, side="BUY", quantity="9", price="62000", **limit)
        assert too_much.json()["code"] == -2010
        trade = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert trade["e"] == "trade"
        during = scrape(live)
    after = scrape(live)

    assert moved(before, after, "bourse_http_requests_total", route="/api/v1/users",
                 method="POST", status="201") == 1  # fmt: skip
    assert moved(before, after, "bourse_http_requests_total", route="/api/v3/order",
                 method="POST", status="200") == 3  # fmt: skip
    assert moved(before, after, "bourse_http_requests_total", route="/api/v3/order",
                 method="POST", status="400") == 1  # fmt: skip
    assert moved(before, after, "bourse_http_requests_total", route="/api/v3/order",
                 method="DELETE", status="200") == 1  # fmt: skip
    assert moved(before, after, "bourse_http_request_seconds_count", route="/api/v3/order") == 5
    assert moved(before, after, "bourse_order_commands_total", command="LIMIT",
                 outcome="accepted") == 3  # fmt: skip
    assert moved(before, after, "bourse_order_commands_total", command="LIMIT",
                 outcome="InsufficientBalance") == 1  # fmt: skip
    assert moved(before, after, "bourse_order_commands_total", command="CANCEL",
                 outcome="accepted") == 1  # fmt: skip
    # The engine committed the four commands accepted, in however many batches.
    assert moved(before, after, "bourse_engine_batch_commands_sum", symbol="BTCUSDT") == 4
    # One subscriber, one trade: one message queued to it; and its connection was counted.
    assert moved(before, during, "bourse_stream_messages_total") == 1
    assert moved(before, during, "bourse_stream_connections") == 1
    assert moved(before, after, "bourse_stream_slow_consumers_total") == 0
    assert moved(before, after, "bourse_rate_limited_total") == 0


def test_metrics_are_served_on_the_ops_port_alone(tmp_path: Path) -> None:
    with serving({}, tmp_path / "server.log", ops=True) as served:
        public = httpx.get(f"{served.url}/metrics")
        assert public.status_code == 404
        assert served.ops_url is not None
        scraped = httpx.get(f"{served.ops_url}/metrics")
        assert scraped.status_code == 200
        assert "bourse_http_requests_total" in scraped.text
        assert httpx.get(f"{served.ops_url}/health/ready").json() == {"status": "ready"}
        assert httpx.get(f"{served.url}/health/live").json() == {"status": "live"}


def test_http_metrics_turned_off_count_no_request() -> None:
    app, container = build_app(attrs.evolve(SETTINGS, http_metrics=False))
    with TestClient(app) as client, TestClient(create_ops_app(container)) as ops:
        before = ops.get("/metrics").text
        assert client.get("/api/v3/time").status_code == 200
        after = ops.get("/metrics").text
    timed = 'bourse_http_request_seconds_count{method="GET",route="/api/v3/time"}'
    assert _sample(after, timed) == _sample(before, timed)


def _sample(text: str, line_start: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(line_start)), "")
