"""Account freeze, as clients see it: while frozen the account's API keys are refused as
unknown (-2015), its logins (-1002) and any order that reaches trading (-2010); its open
orders are cancelled by their engines with their holds released, and its streams closed.
Unfreezing gives the keys back, not the orders. Between api processes the freeze crosses
through the store and Redis at once."""

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx
import pytest
import redis
import websockets
from websockets.exceptions import ConnectionClosed

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from application.frozen_accounts import AccountFrozen
from domain.commands import OcoLeg, PlaceOco, PlaceOrder
from domain.orders import OrderType, Side
from tests.conftest import REDIS, empty
from tests.e2e.conftest import SETTINGS, Trader, Venue
from tests.e2e.operators import admin_headers
from tests.live_server import LiveServer, SignedClient
from tests.ws_api_client import WsApiClient

PASSWORD = "correct horse battery"
BID = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
NOTICE_WITHIN_S = 2.0


def usdt(account: Any) -> tuple[str, str]:
    balance = next(b for b in account["balances"] if b["asset"] == "USDT")
    return balance["free"], balance["locked"]


async def test_a_frozen_account_is_shut_out_until_unfrozen(venue: Venue) -> None:
    ada = await venue.trader("ada", USDT="1000")
    login = {"email": "ada@example.com", "password": PASSWORD}
    session = (await venue.client.post("/api/v1/auth/login", json=login)).json()
    resting = await ada.call("POST", "/api/v3/order", **BID, quantity="0.5", price="100")
    assert usdt(await ada.call("GET", "/api/v3/account")) == ("950.00000000", "50.00000000")
    admin = await admin_headers(venue)

    freeze = f"/api/v1/admin/accounts/{ada.user_id}/freeze"
    frozen = await venue.client.post(freeze, json={"reason": "fraud report 9"}, headers=admin)
    assert frozen.status_code == 200, frozen.text
    assert frozen.json() == {
        "userId": ada.user_id, "frozen": True, "reason": "fraud report 9", "canceledOrders": 1,
        "marketsClosed": [],
    }  # fmt: skip
    for method, path in (("GET", "/api/v3/account"), ("POST", "/api/v3/order")):
        refused = await ada.request(method, path, **BID, quantity="0.1", price="100")
        assert (refused.status_code, refused.json()["code"]) == (401, -2015), path
    relogin = await venue.client.post("/api/v1/auth/login", json=login)
    assert (relogin.status_code, relogin.json()["code"]) == (401, -1002)
    assert "frozen" in relogin.json()["msg"]
    bearer = {"Authorization": f"Bearer {session['access_token']}"}
    assert (await venue.client.get("/api/v1/api-keys", headers=bearer)).status_code == 401
    # An order already past its key's check when the freeze lands (-2010 at the edge).
    order = PlaceOrder(ada.user_id, "BTCUSDT", Side.BUY, OrderType.LIMIT, 10**6, 10**8)
    with pytest.raises(AccountFrozen):
        await venue.run(venue.container.trading().place, order)
    market = venue.container.trading().market("BTCUSDT")
    stop, limit = market.price("150"), market.price("100")
    above, below = (
        OcoLeg(OrderType.STOP_LOSS, stop_price=stop),
        OcoLeg(OrderType.LIMIT_MAKER, limit),
    )
    oco = PlaceOco(ada.user_id, "BTCUSDT", Side.BUY, market.quantity("0.1"), above, below)
    with pytest.raises(AccountFrozen):
        await venue.run(venue.container.trading().place_oco, oco)
    seen = await venue.client.get(f"/api/v1/admin/accounts?userId={ada.user_id}", headers=admin)
    assert seen.json()["frozen"]["reason"] == "fraud report 9"
    found = await venue.client.get("/api/v1/admin/accounts/search?email=ada", headers=admin)
    assert [(a["userId"], a["frozen"]) for a in found.json()] == [(ada.user_id, True)]
    assert seen.json()["openOrders"] == []
    assert seen.json()["balances"] == [
        {"asset": "USDT", "free": "1000.00000000", "locked": "0.00000000"}
    ]

    unfreeze = f"/api/v1/admin/accounts/{ada.user_id}/unfreeze"
    lifted = await venue.client.post(unfreeze, json={"reason": "cleared"}, headers=admin)
    assert lifted.status_code == 200, lifted.text
    assert usdt(await ada.call("GET", "/api/v3/account")) == ("1000.00000000", "0.00000000")
    assert await ada.call("GET", "/api/v3/openOrders") == []
    order = await ada.call("GET", "/api/v3/order", symbol="BTCUSDT", orderId=resting["orderId"])
    assert order["status"] == "CANCELED"
    assert (await venue.client.post("/api/v1/auth/login", json=login)).status_code == 200
    by_email = await venue.client.get("/api/v1/admin/accounts?email=ADA@example.com", headers=admin)
    assert (by_email.json()["userId"], by_email.json()["frozen"]) == (ada.user_id, None)
    found = await venue.client.get("/api/v1/admin/accounts/search?email=DA@EXAM", headers=admin)
    assert [(a["email"], a["frozen"]) for a in found.json()] == [("ada@example.com", False)]


async def test_freezing_refusals(venue: Venue) -> None:
    ada: Trader = await venue.trader("ada")
    admin = await admin_headers(venue)
    nobody = await venue.client.post(
        "/api/v1/admin/accounts/9999/freeze", json={"reason": "x"}, headers=admin
    )
    assert (nobody.status_code, nobody.json()["code"]) == (404, -1100)
    for beyond, status, code in (
        ("0", 400, -1100), ("-1", 400, -1100), (str(2**63), 400, -1100), ("x", 400, -1100),
        ("", 404, -1000),
    ):  # fmt: skip
        refused = await venue.client.post(
            f"/api/v1/admin/accounts/{beyond}/unfreeze", json={"reason": "x"}, headers=admin
        )
        assert (refused.status_code, refused.json()["code"]) == (status, code), beyond
    path = f"/api/v1/admin/accounts/{ada.user_id}/freeze"
    for body in ({}, {"reason": ""}, {"reason": "x", "until": 1}, {"reason": "x" * 257}):
        refused = await venue.client.post(path, json=body, headers=admin)
        assert (refused.status_code, refused.json()["code"]) == (400, -1100), body
    for query in ("", "email=a@b.c&userId=1", "userId=0", "userId=x"):
        refused = await venue.client.get(f"/api/v1/admin/accounts?{query}", headers=admin)
        assert refused.status_code == 400, query
    missing = await venue.client.get("/api/v1/admin/accounts?email=no@example.com", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, -1100)
    assert (await ada.request("GET", "/api/v3/account")).status_code == 200


@pytest.fixture
def two_api_processes(postgres_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two api processes (each serving streams too) beside an engine and a market data
    process, on one PostgreSQL and one Redis."""
    asyncio.run(empty(postgres_url))
    redis.Redis.from_url(REDIS).flushdb()
    settings = attrs.evolve(
        SETTINGS, adapters="local", database_url=postgres_url, redis_url=REDIS,
        secret_key=SecretBox.new_key(), role="api",
    )  # fmt: skip
    companions = [attrs.evolve(settings, role=role) for role in ("engine", "marketdata")]
    with LiveServer(settings, companions) as first, LiveServer(settings) as second:
        yield first, second


async def next_event(socket: Any, kind: str) -> Any:
    """The next message of `kind`, past the cancels' reports that come before it."""
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 5))
        if message.get("e") == kind or message.get("event", {}).get("e") == kind:
            return message


async def test_a_freeze_in_one_api_process_holds_in_the_other(
    two_api_processes: tuple[LiveServer, LiveServer],
) -> None:
    first, second = two_api_processes
    api_key, secret, user_id = first.api_key("split-frozen", USDT="1000")
    trader = SignedClient(second.base_url, api_key, secret)
    trader.call("POST", "/api/v3/order", **BID, quantity="0.5", price="100")
    headers = {"X-MBX-APIKEY": api_key}
    listen_key = trader.client.post("/api/v3/userDataStream", headers=headers).json()["listenKey"]
    admin = first.admin_headers("operator")
    web = httpx.AsyncClient(base_url=first.base_url, timeout=10)
    async with (
        websockets.connect(f"{second.ws_url}/ws/{listen_key}") as stream,
        websockets.connect(f"{second.ws_url}/ws-api/v3") as ws_api_socket,
    ):
        ws_api = WsApiClient(ws_api_socket, api_key, secret)
        assert await ws_api.result("userDataStream.subscribe.signature") == {"subscriptionId": 0}
        freeze = f"/api/v1/admin/accounts/{user_id}/freeze"
        frozen = await web.post(freeze, json={"reason": "court order"}, headers=admin)
        assert frozen.json()["canceledOrders"] == 1, frozen.text

        expired = await next_event(stream, "listenKeyExpired")
        assert expired["listenKey"] == listen_key
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(stream.recv(), 5)
        terminated = await ws_api.event()
        while terminated["event"]["e"] != "eventStreamTerminated":
            terminated = await ws_api.event()
        refused = await ws_api.signed("account.status")
        assert (refused["status"], refused["error"]["code"]) == (401, -2015)

    started = time.monotonic()
    while (answer := signed(trader, "GET", "/api/v3/account")).status_code == 200:
        assert time.monotonic() - started < NOTICE_WITHIN_S, "the other process still serves"
        await asyncio.sleep(0.05)
    assert (answer.status_code, answer.json()["code"]) == (401, -2015)
    placed = signed(trader, "POST", "/api/v3/order", **BID, quantity="0.1", price="100")
    assert (placed.status_code, placed.json()["code"]) == (401, -2015)
    refused_stream = trader.client.post("/api/v3/userDataStream", headers=headers)
    assert (refused_stream.status_code, refused_stream.json()["code"]) == (401, -2015)
    login = {"email": "split-frozen@example.com", "password": PASSWORD}
    assert (await httpx.AsyncClient(base_url=second.base_url).post(
        "/api/v1/auth/login", json=login)).status_code == 401  # fmt: skip

    unfreeze = f"/api/v1/admin/accounts/{user_id}/unfreeze"
    assert (await web.post(unfreeze, json={"reason": "lifted"}, headers=admin)).status_code == 200
    started = time.monotonic()
    while signed(trader, "GET", "/api/v3/account").status_code != 200:
        assert time.monotonic() - started < NOTICE_WITHIN_S, "the keys are not given back"
        await asyncio.sleep(0.05)
    assert usdt(trader.call("GET", "/api/v3/account")) == ("1000.00000000", "0.00000000")
    assert trader.call("GET", "/api/v3/openOrders") == []


def signed(trader: SignedClient, method: str, path: str, **params: Any) -> httpx.Response:
    """The answer, whatever it is (`SignedClient.call` asserts a 200)."""
    query = urlencode(params | {"timestamp": int(time.time() * 1000)})
    return trader.client.request(
        method,
        f"{path}?{query}&signature={sign(trader.secret, query)}",
        headers={"X-MBX-APIKEY": trader.api_key},
    )
