"""An error nobody foresaw, a bug, is told once in the log with its traceback and the request's
id, whatever the log level; the client gets Binance's -1000 and the same id. A use case made to
fail stands for the bug, since none is known."""

import asyncio
import logging
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from litestar.testing import AsyncTestClient

from application.market_data import MarketData
from entrypoints.api import stream_connection
from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer

FAULT = "a fault injected to stand for a bug"
UNKNOWN = {"code": -1000, "msg": "An unknown error occurred while processing the request."}
GENERATED_ID = re.compile(r"[0-9a-f]{22}")
ROOT = Path(__file__).parents[2]


async def fail(*_: object, **__: object) -> Any:
    raise RuntimeError(FAULT)


def told(caplog: pytest.LogCaptureFixture, request_id: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if request_id in record.getMessage()]


@pytest.fixture
async def client() -> AsyncIterator[AsyncTestClient[Any]]:
    app, _ = build_app(SETTINGS)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_an_unexpected_error_is_answered_as_binance_does_and_told_once(
    client: AsyncTestClient[Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(MarketData, "trades", fail)
    response = await client.get("/api/v3/trades?symbol=BTCUSDT")
    assert response.status_code == 500
    assert response.json() == UNKNOWN
    request_id = response.headers["X-Request-Id"]
    assert GENERATED_ID.fullmatch(request_id)
    [record] = told(caplog, request_id)
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith("Unexpected error on GET '/api/v3/trades'")
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == FAULT


async def test_every_answer_carries_the_request_id(client: AsyncTestClient[Any]) -> None:
    ids = set()
    for method, path in [("GET", "/api/v3/ping"), ("GET", "/nowhere"), ("PUT", "/api/v3/ping")]:
        response = await client.request(method, path)
        assert GENERATED_ID.fullmatch(response.headers["X-Request-Id"]), (method, path)
        ids.add(response.headers["X-Request-Id"])
    assert len(ids) == 3


async def test_a_sane_request_id_from_the_client_is_kept_and_any_other_replaced(
    client: AsyncTestClient[Any],
) -> None:
    for sane in ["0f8fad5b-d9cb-469f-a165-70867728950e", "trace.42:a_b", "x" * 128]:
        response = await client.get("/api/v3/ping", headers={"X-Request-Id": sane})
        assert response.headers["X-Request-Id"] == sane
    for insane in [b"", b"x" * 129, b"two words", b"caf\xc3\xa9", b"a\x7fb", b"id;drop"]:
        response = await client.get("/api/v3/ping", headers={b"X-Request-Id": insane})
        assert GENERATED_ID.fullmatch(response.headers["X-Request-Id"]), insane


@pytest.fixture
def failing_streams(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """A live server whose streams fail on subscribing, built before the test runs so that
    its logging set-up comes before pytest's capture."""
    monkeypatch.setattr(stream_connection.Connection, "subscribe", fail)
    with LiveServer() as live:
        yield live


async def test_an_unexpected_error_on_a_stream_is_told_once_on_one_line(
    failing_streams: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{failing_streams.ws_url}/ws/btcusdt@trade%0Aforged"
    async with websockets.connect(url) as connection:
        assert connection.response is not None
        request_id = connection.response.headers["X-Request-Id"]
        with pytest.raises(websockets.exceptions.ConnectionClosedError) as closed:
            await asyncio.wait_for(connection.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4500
    [record] = told(caplog, request_id)
    told_path = "'/ws/btcusdt@trade\\nforged'"
    assert record.getMessage().startswith(f"Unexpected error on WEBSOCKET {told_path}")
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == FAULT


SERVE_WITH_A_FAULT = """
import sys
from application.market_data import MarketData

async def trades(*_, **__):
    raise RuntimeError(sys.argv[2])

MarketData.trades = trades
from entrypoints.cli import main
main(["serve", "--adapters", "memory", "--no-bots", "--port", sys.argv[1],
      "--log-level", "warning"])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_an_unexpected_error_is_told_by_bourse_serve_at_log_level_warning() -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE_WITH_A_FAULT, str(port), FAULT],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/api/v3/ping", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "bourse serve did not start within 30 s"
                time.sleep(0.1)
        response = httpx.get(
            f"{base_url}/api/v3/trades?symbol=BTCUSDT", headers={"X-Request-Id": "warning-500"}
        )
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert response.status_code == 500
    assert response.json() == UNKNOWN
    assert response.headers["X-Request-Id"] == "warning-500"
    assert len([line for line in log.splitlines() if "warning-500" in line]) == 1, log
    told_at = log.index("warning-500")
    assert "Unexpected error on GET '/api/v3/trades' (request id warning-500)" in log
    assert "Traceback" in log[told_at:]
    assert f"RuntimeError: {FAULT}" in log[told_at:]
