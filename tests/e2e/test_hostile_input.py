"""Input made to break the server, sent to every route it concerns: each gets a clear 4xx in
Binance's shape, never a 500."""

import asyncio
import json
import time
from typing import Any

import websockets

from tests.e2e.conftest import Venue
from tests.e2e.routes import SIGNED, WEBSOCKET, Route, routes
from tests.live_server import LiveServer

DEPTH = 1000
INVALID_SIGNATURE = "Signature for this request is not valid."
TOO_DEEP = "Malformed request body: JSON nested too deeply."


def http_routes(venue: Venue) -> list[Route]:
    return sorted(route for route in routes(venue.client.app) if route[0] != WEBSOCKET)


def concrete(path: str) -> str:
    return path.replace("{api_key:str}", "some-key")


def answer(response: Any) -> Any:
    """Status and JSON body; the web pages' routes answer their files instead."""
    assert response.status_code < 500, response.text
    path = response.url.path
    if path in ("/", "/admin") or path.startswith(("/trade/", "/static/")):
        return response.status_code, response.text
    return response.status_code, response.json()


async def test_a_signature_that_is_not_ascii_is_refused_on_every_route(venue: Venue) -> None:
    trader = await venue.trader("signer")
    signed = f"timestamp={int(time.time() * 1000)}&signature=%C3%A9"
    for method, path in http_routes(venue):
        headers = {"X-MBX-APIKEY": trader.key.api_key}
        if method in ("POST", "PUT"):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = await venue.client.request(
                method, concrete(path), content=signed, headers=headers
            )
        else:
            response = await venue.client.request(
                method, f"{concrete(path)}?{signed}", headers=headers
            )
        refused = answer(response)
        if (method, path) in SIGNED:
            assert refused == (400, {"code": -1022, "msg": INVALID_SIGNATURE}), (method, path)


async def test_symbols_nested_deep_are_refused(venue: Venue) -> None:
    nested = "[" * DEPTH + "]" * DEPTH
    for path in ("ticker/price", "ticker/24hr", "ticker/bookTicker", "exchangeInfo"):
        response = await venue.client.get(f"/api/v3/{path}", params={"symbols": nested})
        assert response.json() == {
            "code": -1100,
            "msg": "Illegal characters found in parameter 'symbols'.",
        }, path
        assert response.status_code == 400


async def test_json_bodies_nested_deep_are_refused_on_every_route(venue: Venue) -> None:
    json_routes = {
        ("POST", "/api/v1/users"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/api-keys"),
        ("POST", "/api/v1/admin/deposits"),
        ("POST", "/api/v1/admin/withdrawals"),
        ("PUT", "/api/v1/admin/markets/{symbol:str}/status"),
    }
    for content in (b"[" * DEPTH, b'{"a":' * DEPTH, b'{"email":' + b"[" * DEPTH):
        for method, path in http_routes(venue):
            response = await venue.client.request(
                method,
                concrete(path),
                content=content,
                headers={"Content-Type": "application/json"},
            )
            refused = answer(response)
            if (method, path) in json_routes:
                assert refused == (400, {"code": -1100, "msg": TOO_DEEP}), (method, path)


async def test_numbers_beyond_64_bits_and_nul_characters_are_refused(venue: Venue) -> None:
    """PostgreSQL holds neither (the local mode answered 500); each is refused in every mode."""
    trader = await venue.trader("prober")
    beyond, nul = "9" * 19, "a\x00"
    signed = [
        ("GET", "/api/v3/order", "orderId", beyond),
        ("GET", "/api/v3/order", "origClientOrderId", nul),
        ("DELETE", "/api/v3/order", "origClientOrderId", nul),
        ("GET", "/api/v3/allOrders", "orderId", beyond),
        ("GET", "/api/v3/allOrders", "startTime", beyond),
        ("GET", "/api/v3/myTrades", "fromId", beyond),
        ("GET", "/api/v3/myTrades", "endTime", beyond),
        ("GET", "/api/v1/statements", "startTime", beyond),
    ]
    for method, path, name, value in signed:
        market = {"symbol": "BTCUSDT"} if path.startswith("/api/v3/") else {}
        response = await trader.request(method, path, **market, **{name: value})
        assert answer(response) == (400, illegal(name, value)), (path, name)
    public = [("historicalTrades", "fromId"), ("aggTrades", "fromId"), ("klines", "startTime")]
    for path, name in public:
        params = {"symbol": "BTCUSDT", "interval": "1m"} if path == "klines" else {}
        response = await venue.client.get(
            f"/api/v3/{path}", params={"symbol": "BTCUSDT", name: beyond, **params}
        )
        assert answer(response) == (400, illegal(name, beyond)), path


def illegal(name: str, value: str) -> dict[str, Any]:
    wrong = "characters found in" if "\x00" in value else "value for"
    return {"code": -1100, "msg": f"Illegal {wrong} parameter '{name}'."}


async def test_a_method_a_route_does_not_serve_is_refused_with_the_methods_it_does(
    venue: Venue,
) -> None:
    served: dict[str, set[str]] = {}
    for method, path in http_routes(venue):
        served.setdefault(path, {"OPTIONS"}).add(method)
    for path, methods in served.items():
        for method in {"GET", "POST", "PUT", "DELETE", "PATCH"} - methods:
            response = await venue.client.request(method, concrete(path))
            assert response.status_code == 405, (method, path)
            assert response.json() == {"code": -1000, "msg": "Method Not Allowed"}
            assert set(response.headers["Allow"].split(", ")) == methods, (method, path)


async def test_a_stream_request_nested_deep_is_answered_and_the_connection_kept() -> None:
    nested_params = '{"method":"SUBSCRIBE","params":' + "[" * DEPTH + "]" * DEPTH + ',"id":1}'
    nested_field = '{"method":"SUBSCRIBE","params":[],"id":2,"x":' + '{"a":' * DEPTH + "1"
    too_deep = {"error": {"code": 3, "msg": "Invalid JSON: nested too deeply"}, "id": None}
    with LiveServer() as live:
        async with websockets.connect(f"{live.ws_url}/ws") as socket:
            for message in (nested_params, nested_field + "}" * DEPTH + "}"):
                await socket.send(message)
                assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == too_deep
            subscribe = {"method": "SUBSCRIBE", "params": ["btcusdt@trade"], "id": 3}
            await socket.send(json.dumps(subscribe))
            assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"result": None, "id": 3}


async def test_nul_characters_in_json_bodies_and_key_paths_are_refused(venue: Venue) -> None:
    """PostgreSQL cannot store them (the local mode answered 500); refused in every mode."""
    admin = {"X-Admin-Token": "admin-token"}
    bodies = [
        ("/api/v1/users", {"email": "a\x00b@example.com", "password": "long enough pw"}, {}),
        ("/api/v1/auth/login", {"email": "a\x00b@example.com", "password": "pw"}, {}),
        ("/api/v1/auth/refresh", {"refresh_token": "a\x00"}, {}),
        (
            "/api/v1/admin/deposits",
            {"userId": 1, "asset": "USDT", "amount": "1", "reference": "r\x00", "reason": "r"},
            admin,
        ),
    ]
    expected = {"code": -1100, "msg": "Malformed request body: NUL characters are not allowed."}
    for path, body, headers in bodies:
        response = await venue.client.post(path, json=body, headers=headers)
        assert answer(response) == (400, expected), path
    halted = await venue.client.put(
        "/api/v1/admin/markets/BTCUSDT/status",
        json={"status": "HALT", "reason": "r\x00"},
        headers=admin,
    )
    assert answer(halted) == (400, expected)
    user = await venue.run(venue.container.accounts().sign_up, "nul@example.com", "long enough pw")
    login = await venue.client.post(
        "/api/v1/auth/login", json={"email": "nul@example.com", "password": "long enough pw"}
    )
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    labelled = await venue.client.post("/api/v1/api-keys", json={"label": "x\x00"}, headers=bearer)
    assert answer(labelled)[0] == 400
    deleted = await venue.client.delete("/api/v1/api-keys/%00", headers=bearer)
    assert answer(deleted) == (
        400, {"code": -1100, "msg": "Illegal characters found in parameter 'apiKey'."}
    )  # fmt: skip
    assert user.user_id
