"""A user data stream lasts no longer than what opened it: closing its listen key, or deleting
the API key that opened the listen key, ends it at once with `listenKeyExpired`, then closes the
connection, on every deployment (the notice crosses Redis between processes)."""

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.live_server import LiveServer, SignedClient, live

__all__ = ["live"]
PASSWORD = "correct horse battery"  # what `LiveServer.api_key` signs its users up with


async def next_message(socket: Any) -> Any:
    return json.loads(await asyncio.wait_for(socket.recv(), 5))


async def place(trader: SignedClient, price: str) -> None:
    await asyncio.to_thread(
        trader.call, "POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
        timeInForce="GTC", quantity="0.01", price=price,
    )  # fmt: skip


async def follows_orders(socket: Any, trader: SignedClient) -> None:
    """The stream reports the trader's next order, and its balances."""
    await place(trader, "1000")
    first = await next_message(socket)
    if first["e"] == "balanceUpdate":
        # The funding's deposit, relayed by the market data a moment after its commit, may
        # reach the stream after it opened: its balance update and position come first.
        assert (await next_message(socket))["e"] == "outboundAccountPosition"
        first = await next_message(socket)
    kinds = {first["e"], (await next_message(socket))["e"]}
    assert kinds == {"executionReport", "outboundAccountPosition"}


async def ends_with_listen_key_expired(socket: Any, listen_key: str) -> None:
    last = await next_message(socket)
    assert (last["e"], last.get("listenKey")) == ("listenKeyExpired", listen_key)
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(socket.recv(), 5)


def open_listen_key(trader: SignedClient) -> str:
    headers = {"X-MBX-APIKEY": trader.api_key}
    listen_key: str = trader.client.post("/api/v3/userDataStream", headers=headers).json()[
        "listenKey"
    ]
    return listen_key


async def test_closing_the_listen_key_ends_its_stream(live: LiveServer) -> None:
    trader = live.signed("closes-its-listen-key", USDT="1000")
    listen_key = open_listen_key(trader)
    async with websockets.connect(f"{live.ws_url}/ws/{listen_key}") as socket:
        await follows_orders(socket, trader)
        closed = trader.client.delete(
            f"/api/v3/userDataStream?listenKey={listen_key}",
            headers={"X-MBX-APIKEY": trader.api_key},
        )
        assert closed.status_code == 200
        await place(trader, "1001")
        await ends_with_listen_key_expired(socket, listen_key)


async def test_deleting_the_api_key_ends_the_streams_it_opened(live: LiveServer) -> None:
    """The issue's case: the stream went on after its API key was deleted and the login
    session that deleted it logged out. The account trades on with another key, unseen."""
    trader = live.signed("deletes-its-api-key", USDT="1000")
    listen_key = open_listen_key(trader)
    web = httpx.Client(base_url=live.base_url, timeout=10)
    credentials = {"email": "deletes-its-api-key@example.com", "password": PASSWORD}
    login = web.post("/api/v1/auth/login", json=credentials)
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    second = web.post("/api/v1/api-keys", json={"label": "second"}, headers=bearer).json()
    other_key = SignedClient(live.base_url, second["apiKey"], second["secretKey"])
    async with websockets.connect(f"{live.ws_url}/ws/{listen_key}") as socket:
        await follows_orders(socket, trader)
        deleted = web.delete(f"/api/v1/api-keys/{trader.api_key}", headers=bearer)
        assert deleted.status_code == 200
        assert web.post("/api/v1/auth/logout", headers=bearer).status_code == 200
        await place(other_key, "1001")
        await ends_with_listen_key_expired(socket, listen_key)
    kept_alive = web.put(
        f"/api/v3/userDataStream?listenKey={listen_key}",
        headers={"X-MBX-APIKEY": other_key.api_key},
    )
    assert (kept_alive.status_code, kept_alive.json()["code"]) == (400, -1125)


async def test_logging_out_ends_the_streams_a_login_opened(live: LiveServer) -> None:
    """A page follows its account with a listen key opened by its access token: logging out
    ends that stream too, while one opened by an API key goes on."""
    trader = live.signed("logs-out", USDT="1000")
    web = httpx.Client(base_url=live.base_url, timeout=10)
    credentials = {"email": "logs-out@example.com", "password": PASSWORD}
    token = web.post("/api/v1/auth/login", json=credentials).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    by_login = web.post("/api/v3/userDataStream", headers=bearer).json()["listenKey"]
    by_key = open_listen_key(trader)
    async with (
        websockets.connect(f"{live.ws_url}/ws/{by_login}") as login_stream,
        websockets.connect(f"{live.ws_url}/ws/{by_key}") as key_stream,
    ):
        await follows_orders(login_stream, trader)
        assert web.post("/api/v1/auth/logout", headers=bearer).status_code == 200
        await ends_with_listen_key_expired(login_stream, by_login)
        kinds = {(await next_message(key_stream))["e"] for _ in range(2)}
        assert kinds == {"executionReport", "outboundAccountPosition"}
        await follows_orders(key_stream, trader)
