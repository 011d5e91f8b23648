"""API keys as Binance has them: an Ed25519 key (its owner registers the public key) signs
REST and WebSocket API requests and logs a WebSocket API session on; a read-only key is refused
what trades; an allow-listed key is refused from any other address, behind a trusted proxy too;
restricting a key ends the subscriptions it opened."""

import base64
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, urlencode

import attrs
import httpx
import pytest
import websockets
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from adapters.security.signatures import sign
from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer, live
from tests.ws_api_client import WsApiClient

__all__ = ["live"]
PASSWORD = "correct horse battery"  # what `LiveServer.api_key` signs its users up with
ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.01", "price": "50000"}  # fmt: skip


class Ed25519Key:
    """A key pair of which the exchange knows the public half, signing as Binance's clients
    do: base64 of the signature over the payload."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        public = self.private.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
        self.pem = public.decode()
        self.api_key = ""

    def sign(self, payload: str) -> str:
        return base64.b64encode(self.private.sign(payload.encode())).decode()

    def ws_params(self, **params: Any) -> dict[str, Any]:
        params = {"apiKey": self.api_key, "timestamp": int(time.time() * 1000)} | params
        payload = "&".join(f"{name}={params[name]}" for name in sorted(params))
        return params | {"signature": self.sign(payload)}


def web(live: LiveServer, name: str, **funds: str) -> httpx.Client:
    """A logged-in web session of a new funded user."""
    live.api_key(name, **funds)
    client = httpx.Client(base_url=live.base_url, timeout=10)
    credentials = {"email": f"{name}@example.com", "password": PASSWORD}
    token = client.post("/api/v1/auth/login", json=credentials).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def new_key(session: httpx.Client, **settings: Any) -> dict[str, Any]:
    created = session.post("/api/v1/api-keys", json=settings)
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    return key


def rest_signed(
    live: LiveServer, method: str, path: str, api_key: str, signature: str, query: str,
    headers: dict[str, str] | None = None,
) -> httpx.Response:  # fmt: skip
    url = f"{live.base_url}{path}?{query}&signature={quote(signature, safe='')}"
    headers = {"X-MBX-APIKEY": api_key} | (headers or {})
    return httpx.request(method, url, headers=headers, timeout=10)


@asynccontextmanager
async def connected(live: LiveServer, **headers: str) -> AsyncIterator[WsApiClient]:
    async with websockets.connect(f"{live.ws_url}/ws-api/v3", additional_headers=headers) as socket:
        yield WsApiClient(socket)


def code(answer: dict[str, Any]) -> tuple[int, int]:
    return answer["status"], answer["error"]["code"]


async def test_an_ed25519_key_signs_rest_and_websocket_api_requests(live: LiveServer) -> None:
    session = web(live, "ed25519-owner", USDT="10000")
    key = Ed25519Key()
    registered = new_key(session, type="ED25519", publicKey=key.pem, label="ed")
    assert (registered["type"], registered["secretKey"]) == ("ED25519", None)
    key.api_key = registered["apiKey"]

    query = urlencode({"timestamp": int(time.time() * 1000)})
    account = rest_signed(live, "GET", "/api/v3/account", key.api_key, key.sign(query), query)
    assert account.status_code == 200, account.text
    forged = rest_signed(live, "GET", "/api/v3/account", key.api_key, key.sign("other"), query)
    assert (forged.status_code, forged.json()["code"]) == (400, -1022)

    async with connected(live) as client:
        placed = await client.call("order.place", **key.ws_params(**ORDER))
        assert (placed["status"], placed["result"]["status"]) == (200, "NEW")
        forged_ws = key.ws_params(**ORDER) | {"price": "50001"}
        assert code(await client.call("order.place", **forged_ws)) == (400, -1022)

        logged_on = await client.call("session.logon", **key.ws_params())
        assert logged_on["result"]["apiKey"] == key.api_key
        assert (await client.call("session.status"))["result"]["apiKey"] == key.api_key
        status = await client.call(
            "order.status", symbol="BTCUSDT", orderId=placed["result"]["orderId"],
            timestamp=int(time.time() * 1000),
        )  # fmt: skip
        assert status["result"]["status"] == "NEW"
        assert (await client.call("userDataStream.subscribe"))["result"] == {"subscriptionId": 0}
        canceled = await client.call(
            "order.cancel", symbol="BTCUSDT", orderId=placed["result"]["orderId"],
            timestamp=int(time.time() * 1000),
        )  # fmt: skip
        assert canceled["result"]["status"] == "CANCELED"
        # The placement's own reports may still be on their way when the subscription starts
        # (the aws relay appends to Kinesis before it publishes): the cancel's comes after them.
        while (report := await client.event())["event"].get("X") != "CANCELED":
            assert report["event"]["e"] in ("executionReport", "outboundAccountPosition")
        assert (report["subscriptionId"], report["event"]["e"]) == (0, "executionReport")

        logged_out = await client.call("session.logout")
        assert logged_out["result"]["apiKey"] is None
        while (event := await client.event())["event"]["e"] != "eventStreamTerminated":
            assert event["event"]["e"] == "outboundAccountPosition"
        unsigned = await client.call("account.status", timestamp=int(time.time() * 1000))
        assert code(unsigned) == (400, -1102)


async def test_only_ed25519_keys_log_on_and_keys_must_be_what_they_say(live: LiveServer) -> None:
    session = web(live, "hmac-owner")
    hmac_key = new_key(session)
    async with connected(live) as client:
        client.api_key, client.secret = hmac_key["apiKey"], hmac_key["secretKey"]
        assert code(await client.signed("session.logon")) == (401, -2015)
        assert (await client.call("session.status"))["result"]["apiKey"] is None
    not_rsa = Ed25519Key().pem
    refused = session.post("/api/v1/api-keys", json={"type": "RSA", "publicKey": not_rsa})
    assert (refused.status_code, refused.json()["code"]) == (400, -1100)
    missing = session.post("/api/v1/api-keys", json={"type": "ED25519"})
    assert (missing.status_code, missing.json()["code"]) == (400, -1100)


async def test_a_read_only_key_is_refused_what_trades(live: LiveServer) -> None:
    session = web(live, "read-only-owner", USDT="10000")
    key = new_key(session, enableTrading=False)
    async with connected(live) as client:
        client.api_key, client.secret = key["apiKey"], key["secretKey"]
        for method in ("order.place", "order.test"):
            assert code(await client.signed(method, **ORDER)) == (401, -2015)
        assert code(await client.signed("openOrders.cancelAll", symbol="BTCUSDT")) == (
            401, -2015
        )  # fmt: skip
        assert (await client.signed("account.status"))["status"] == 200
        assert (await client.signed("userDataStream.subscribe.signature"))["status"] == 200
    query = urlencode(ORDER | {"timestamp": int(time.time() * 1000)})
    rest = rest_signed(
        live, "POST", "/api/v3/order", key["apiKey"], sign(key["secretKey"], query), query
    )
    assert (rest.status_code, rest.json()["code"]) == (401, -2015)


async def test_restricting_a_key_ends_its_subscriptions(live: LiveServer) -> None:
    session = web(live, "restricts-a-key", USDT="10000")
    key = new_key(session)
    async with connected(live) as client:
        client.api_key, client.secret = key["apiKey"], key["secretKey"]
        assert await client.result("userDataStream.subscribe.signature") == {"subscriptionId": 0}
        restricted = session.put(f"/api/v1/api-keys/{key['apiKey']}", json={"enableTrading": False})
        assert restricted.status_code == 200, restricted.text
        assert restricted.json()["enableTrading"] is False
        assert (await client.event())["event"]["e"] == "eventStreamTerminated"
        assert code(await client.signed("order.place", **ORDER)) == (401, -2015)
        assert (await client.signed("account.status"))["status"] == 200


TRUSTED_PROXY = "127.0.0.1"
ALLOWED, OTHER = "203.0.113.7", "198.51.100.1"


@pytest.fixture(scope="module")
def behind_a_proxy() -> Iterator[LiveServer]:
    """A server that believes the X-Forwarded-For of loopback, its load balancer here."""
    with LiveServer(attrs.evolve(SETTINGS, trusted_proxies=(TRUSTED_PROXY,))) as server:
        yield server


async def test_an_allow_listed_key_is_refused_from_another_address(
    behind_a_proxy: LiveServer,
) -> None:
    live = behind_a_proxy
    session = web(live, "allow-lists-a-key", USDT="10000")
    key = new_key(session, ipRestrict=[ALLOWED, "192.0.2.0/24"])
    assert key["ipRestrict"] == [ALLOWED, "192.0.2.0/24"]

    def account(forwarded_for: str) -> httpx.Response:
        query = urlencode({"timestamp": int(time.time() * 1000)})
        signature = sign(key["secretKey"], query)
        return rest_signed(
            live, "GET", "/api/v3/account", key["apiKey"], signature, query,
            {"X-Forwarded-For": forwarded_for},
        )  # fmt: skip

    assert account(ALLOWED).status_code == 200
    assert account("192.0.2.77").status_code == 200
    refused = account(OTHER)
    assert (refused.status_code, refused.json()["code"]) == (401, -2015)
    stream = httpx.post(
        f"{live.base_url}/api/v3/userDataStream",
        headers={"X-MBX-APIKEY": key["apiKey"], "X-Forwarded-For": OTHER},
    )
    assert (stream.status_code, stream.json()["code"]) == (401, -2015)
    for address, status in ((ALLOWED, 200), (OTHER, 401)):
        async with connected(live, **{"X-Forwarded-For": address}) as client:
            client.api_key, client.secret = key["apiKey"], key["secretKey"]
            assert (await client.signed("account.status"))["status"] == status
            subscribed = await client.signed("userDataStream.subscribe.signature")
            assert subscribed["status"] == status
    bad = session.post("/api/v1/api-keys", json={"ipRestrict": ["not an address"]})
    assert (bad.status_code, bad.json()["code"]) == (400, -1100)
