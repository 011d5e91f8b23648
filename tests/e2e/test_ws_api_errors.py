"""The WebSocket API's refusals, each with REST's code and text, in Binance's envelope; and
the request weight it shares with REST."""

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import httpx
import pytest
import websockets

from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer
from tests.ws_api_client import WsApiClient, signed


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[WsApiClient]:
    api_key, secret, _ = server.api_key(f"refused-{time.monotonic_ns()}", USDT="1000")
    async with websockets.connect(f"{server.ws_url}/ws-api/v3") as socket:
        yield WsApiClient(socket, api_key, secret)


async def raw(client: WsApiClient, text: str) -> Any:
    await client.socket.send(text)
    return json.loads(await client.socket.recv())


def refusal(answer: dict[str, Any]) -> tuple[Any, int, int, str]:
    return answer["id"], answer["status"], answer["error"]["code"], answer["error"]["msg"]


ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.01", "price": "50000"}  # fmt: skip


async def test_a_bad_signature(client: WsApiClient) -> None:
    params = signed(client.api_key, client.secret, **ORDER) | {"price": "50001"}
    answer = await client.call("order.place", **params)
    assert refusal(answer)[1:] == (400, -1022, "Signature for this request is not valid.")
    assert answer["rateLimits"][0]["count"] >= 1


async def test_an_unknown_api_key(client: WsApiClient) -> None:
    answer = await client.call("order.place", **signed("no-such-key", "secret", **ORDER))
    assert refusal(answer)[1:] == (401, -2015, "Invalid API-key, IP, or permissions for action.")


async def test_a_timestamp_outside_the_receive_window(client: WsApiClient) -> None:
    stale = int(time.time() * 1000) - 10_000
    answer = await client.signed("order.place", **ORDER, timestamp=stale)
    assert refusal(answer)[1:] == (
        400, -1021, "Timestamp for this request is outside of the recvWindow."
    )  # fmt: skip
    ahead = await client.signed("account.status", timestamp=int(time.time() * 1000) + 5000)
    assert refusal(ahead)[2] == -1021


async def test_a_signed_method_without_a_key(client: WsApiClient) -> None:
    answer = await client.call("account.status", timestamp=int(time.time() * 1000))
    assert refusal(answer)[1:3] == (400, -1102)
    assert "'apiKey'" in refusal(answer)[3]


async def test_an_unknown_method(client: WsApiClient) -> None:
    answer = await client.call("order.teleport", symbol="BTCUSDT")
    assert refusal(answer)[1:] == (400, -1020, "This operation is not supported.")


async def test_malformed_requests(client: WsApiClient) -> None:
    for text in ("{not json", "[1, 2]", '"order.place"', "[" * 60_000):
        assert refusal(await raw(client, text)) == (None, 400, -1135, "Invalid JSON Request")
    answer = await raw(client, json.dumps({"id": {"a": 1}, "method": "ping"}))
    assert refusal(answer)[:3] == (None, 400, -1100)
    answer = await raw(client, json.dumps({"id": "no-method"}))
    assert refusal(answer)[:3] == ("no-method", 400, -1102)
    answer = await raw(client, json.dumps({"id": 7, "method": "ping", "params": [1]}))
    assert refusal(answer) == (7, 400, -1100, "Illegal characters found in parameter 'params'.")


async def test_parameters_of_the_wrong_type(client: WsApiClient) -> None:
    nested = await client.signed("order.place", **ORDER | {"quantity": {"value": "0.01"}})
    assert refusal(nested)[1:] == (
        400, -1100, "Illegal characters found in parameter 'quantity'."
    )  # fmt: skip
    texty = await client.signed("order.place", **ORDER | {"quantity": "a lot"})
    assert refusal(texty)[1:3] == (400, -1100)
    limits = await client.call("time", returnRateLimits="no")
    assert refusal(limits)[2] == -1100
    unread = await client.call("ping", symbol="BTCUSDT")
    assert refusal(unread)[1:3] == (400, -1104)
    assert (await client.call("depth", symbol="NOSUCH"))["error"]["code"] == -1121


async def test_numbers_sent_as_json_numbers_are_read_as_decimals(client: WsApiClient) -> None:
    params = ORDER | {"quantity": 0.01, "price": 50000.10}
    placed = await client.result("order.place", **params)
    assert (placed["origQty"], placed["price"]) == ("0.01000000", "50000.10000000")


async def test_ids_of_every_kind_are_echoed(client: WsApiClient) -> None:
    for ident in ("7d3b9b46-5f4f-4c8b-9a2d-0a8f9a4a0f5b", 42, None):
        answer = await raw(client, json.dumps({"id": ident, "method": "ping"}))
        assert (answer["id"], answer["result"]) == (ident, {})


async def test_rate_limits_are_hidden_on_request(server: LiveServer) -> None:
    async with websockets.connect(f"{server.ws_url}/ws-api/v3?returnRateLimits=false") as socket:
        client = WsApiClient(socket)
        assert "rateLimits" not in await client.call("ping")
        assert "rateLimits" in await client.call("ping", returnRateLimits=True)
    async with websockets.connect(f"{server.ws_url}/ws-api/v3") as socket:
        client = WsApiClient(socket)
        assert "rateLimits" in await client.call("ping")
        assert "rateLimits" not in await client.call("ping", returnRateLimits=False)


async def test_request_weight_is_shared_with_rest() -> None:
    """A minute's weight of 60 (one a second back): the WebSocket API counts what REST spent
    from the same address, and refuses once it is spent, as REST does."""
    with LiveServer(attrs.evolve(SETTINGS, weight_per_minute=60)) as server:
        spent = httpx.get(f"{server.base_url}/api/v3/exchangeInfo", timeout=10)
        used = int(spent.headers["x-mbx-used-weight-1m"])
        assert used >= 20
        async with websockets.connect(f"{server.ws_url}/ws-api/v3") as socket:
            client = WsApiClient(socket)
            counted = (await client.call("ping"))["rateLimits"][0]
            assert (counted["limit"], counted["count"] >= used) == (60, True)
            answers = [await client.call("exchangeInfo") for _ in range(3)]
        assert refusal(answers[-1])[1:3] == (429, -1003)
        refused = httpx.get(f"{server.base_url}/api/v3/exchangeInfo", timeout=10)
        assert (refused.status_code, refused.json()["code"]) == (429, -1003)
