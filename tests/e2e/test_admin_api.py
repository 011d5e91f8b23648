"""The admin routes: each refused without credentials (401), to a user who is not an admin,
to an admin without two-factor authentication and (but for transfers) to the admin token
(403); each act done by an admin leaves its entry in the audit log, which no route changes or
deletes."""

import asyncio
from typing import Any

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue
from tests.e2e.operators import admin_headers
from tests.e2e.routes import routes as served
from tests.e2e.test_users_api import bearer, login, sign_up

TOKEN = {"X-Admin-Token": "admin-token"}
Route = tuple[str, str, dict[str, Any] | None]


ADA_USDT = {
    "baseAsset": "ADA", "quoteAsset": "USDT", "tickSize": "0.0001", "stepSize": "0.1",
    "maxQty": "1000000", "minNotional": "1", "maxNotional": "1000000",
    "makerCommission": "0.001", "takerCommission": "0.001",
}  # fmt: skip


def routes(user_id: int) -> list[Route]:
    """Every admin route, with a body it takes; the acts first."""
    transfer = {"userId": user_id, "asset": "USDT", "amount": "10", "reason": "wire 12"}
    return [
        ("POST", "/api/v1/admin/deposits", transfer | {"reference": "in-1"}),
        ("POST", "/api/v1/admin/withdrawals", transfer | {"reference": "out-1"}),
        ("PUT", "/api/v1/admin/markets/ETHBTC/status", {"status": "BREAK", "reason": "upgrade"}),
        ("PUT", "/api/v1/admin/markets/ETHBTC/status", {"status": "TRADING", "reason": "done"}),
        ("POST", "/api/v1/admin/assets", {"asset": "ADA", "precision": 6, "reason": "listing"}),
        ("POST", "/api/v1/admin/markets", ADA_USDT | {"reason": "listing"}),
        ("PATCH", "/api/v1/admin/markets/ADAUSDT", {"minQty": "1", "reason": "dust"}),
        ("POST", f"/api/v1/admin/accounts/{user_id}/freeze", {"reason": "fraud report 3"}),
        ("POST", f"/api/v1/admin/accounts/{user_id}/unfreeze", {"reason": "cleared"}),
        ("GET", f"/api/v1/admin/accounts?userId={user_id}", None),
        ("GET", "/api/v1/admin/accounts/search?email=trader", None),
        ("GET", "/api/v1/admin/audit", None),
        ("GET", "/api/v1/admin/operator", None),
        ("GET", "/api/v1/admin/system", None),
    ]


AUDITED = {
    ("POST", "/api/v1/admin/deposits"),
    ("POST", "/api/v1/admin/withdrawals"),
    ("PUT", "/api/v1/admin/markets/{symbol:str}/status"),
    ("POST", "/api/v1/admin/assets"),
    ("POST", "/api/v1/admin/markets"),
    ("PATCH", "/api/v1/admin/markets/{symbol:str}"),
    ("POST", "/api/v1/admin/accounts/{user_id:str}/freeze"),
    ("POST", "/api/v1/admin/accounts/{user_id:str}/unfreeze"),
}


def test_every_admin_act_the_app_serves_is_audited_here() -> None:
    """An admin route that changes something is an act: it belongs in `routes` above, and its
    entry in the expected audit log below."""
    app, _ = build_app(SETTINGS)
    acts = {
        (method, path)
        for method, path in served(app)
        if path.startswith("/api/v1/admin/") and method not in ("GET", "HEAD")
    }
    assert acts == AUDITED


async def call(venue: Venue, route: Route, headers: dict[str, str]) -> Any:
    method, path, body = route
    return await venue.client.request(method, path, json=body, headers=headers)


async def test_every_admin_route_is_refused_to_all_but_an_admin_with_two_factor(
    venue: Venue,
) -> None:
    user_id = (await sign_up(venue, "trader@example.com")).json()["userId"]
    trader = bearer((await login(venue, "trader@example.com"))["access_token"])
    assert (await sign_up(venue, "lax@example.com")).status_code == 201
    await venue.run(venue.container.operators().grant_admin, "lax@example.com")
    lax_admin = bearer((await login(venue, "lax@example.com"))["access_token"])
    for route in routes(user_id):
        nobody = await call(venue, route, {})
        assert (nobody.status_code, nobody.json()["code"]) == (401, -1002), route
        for headers, words in ((trader, "not an admin"), (lax_admin, "two-factor")):
            refused = await call(venue, route, headers)
            assert (refused.status_code, refused.json()["code"]) == (403, -1002), route
            assert words in refused.json()["msg"], route
        if "/deposits" not in route[1] and "/withdrawals" not in route[1]:
            by_token = await call(venue, route, TOKEN)
            assert (by_token.status_code, by_token.json()["code"]) == (403, -1002), route
    audit = await venue.client.get("/api/v1/admin/audit", headers=await admin_headers(venue))
    assert audit.json() == []


async def test_every_admin_act_leaves_its_entry_and_none_can_be_changed(venue: Venue) -> None:
    assert (await sign_up(venue, "trader@example.com")).status_code == 201
    admin = await admin_headers(venue, "ops@example.com")
    trader_id = 1
    for route in routes(trader_id):
        done = await call(venue, route, admin)
        assert done.status_code == 200, (route, done.text)
    by_token = await call(venue, routes(trader_id)[0], TOKEN)
    assert by_token.status_code == 200, by_token.text  # the same reference: made once
    entries = (await venue.client.get("/api/v1/admin/audit", headers=admin)).json()
    acts = [(e["actor"], e["act"], e["params"], e["reason"]) for e in reversed(entries)]
    ops = "ops@example.com"
    transfer = {"userId": "1", "asset": "USDT", "amount": "10.00000000"}
    assert acts == [
        (ops, "funds.deposit", transfer | {"reference": "in-1"}, "wire 12"),
        (ops, "funds.withdrawal", transfer | {"reference": "out-1"}, "wire 12"),
        (ops, "market.status", {"symbol": "ETHBTC", "status": "BREAK"}, "upgrade"),
        (ops, "market.status", {"symbol": "ETHBTC", "status": "TRADING"}, "done"),
        (ops, "asset.list", {"asset": "ADA", "precision": "6"}, "listing"),
        (ops, "market.list", {"symbol": "ADAUSDT"} | ADA_USDT, "listing"),
        (ops, "market.change", {"symbol": "ADAUSDT", "minQty": "1"}, "dust"),
        (ops, "account.freeze", {"userId": "1", "canceledOrders": "0"}, "fraud report 3"),
        (ops, "account.unfreeze", {"userId": "1"}, "cleared"),
        ("token", "funds.deposit", transfer | {"reference": "in-1"}, "wire 12"),
    ]
    assert [e["id"] for e in entries] == list(range(len(entries), 0, -1))
    assert all(e["time"] > 0 for e in entries)

    for method, path in (
        ("PUT", "/api/v1/admin/audit"), ("DELETE", "/api/v1/admin/audit"),
        ("PATCH", "/api/v1/admin/audit"), ("POST", "/api/v1/admin/audit"),
        ("DELETE", "/api/v1/admin/audit/1"), ("PUT", "/api/v1/admin/audit/1"),
    ):  # fmt: skip
        refused = await venue.client.request(method, path, json={"reason": "x"}, headers=admin)
        assert refused.status_code in (404, 405), (method, path)
    assert (await venue.client.get("/api/v1/admin/audit", headers=admin)).json() == entries


async def test_the_audit_log_is_filtered_and_paged(venue: Venue) -> None:
    admin = await admin_headers(venue, "ops@example.com")
    for status in ("HALT", "TRADING", "CANCEL_ONLY", "TRADING"):
        body = {"status": status, "reason": f"to {status}"}
        changed = await venue.client.put(
            "/api/v1/admin/markets/BTCUSDT/status", json=body, headers=admin
        )
        assert changed.status_code == 200, changed.text

    async def audit(query: str) -> list[Any]:
        answer = await venue.client.get(f"/api/v1/admin/audit?{query}", headers=admin)
        assert answer.status_code == 200, answer.text
        return [entry["reason"] for entry in answer.json()]

    assert await audit("limit=2") == ["to TRADING", "to CANCEL_ONLY"]
    assert await audit("limit=2&beforeId=3") == ["to TRADING", "to HALT"]
    assert await audit("actor=ops@example.com&act=market.status&limit=1") == ["to TRADING"]
    assert await audit("actor=token") == []
    assert await audit("act=account.freeze") == []
    assert await audit("startTime=0&endTime=1") == []
    assert len(await audit("startTime=1")) == 4
    for wrong in ("limit=0", "limit=1001", "beforeId=x", "startTime=-1", "color=red", "act=a%00"):
        refused = await venue.client.get(f"/api/v1/admin/audit?{wrong}", headers=admin)
        assert refused.status_code == 400, wrong
        assert refused.json()["code"] in (-1100, -1104), wrong


async def test_the_system_view_shows_processes_and_each_market_s_engine(venue: Venue) -> None:
    ada = await venue.trader("ada", USDT="1000")
    await ada.call("POST", "/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                   timeInForce="GTC", quantity="0.1", price="100")  # fmt: skip
    admin = await admin_headers(venue)
    system = await settled_system(venue, admin)
    roles = {process["role"] for process in system["processes"]}
    split = venue.container.config.role() == "api"
    assert roles == ({"api", "engine", "marketdata"} if split else {"all"})
    for process in system["processes"]:
        assert process["seenAt"] <= system["time"]
        assert {"http_errors_per_minute", "outbox_backlog", "bus_lag_seconds"} <= set(
            process["measures"]
        )
    markets = {market["symbol"]: market for market in system["markets"]}
    assert set(markets) == {"BTCUSDT", "ETHUSDT", "ETHBTC"}
    lease = markets["BTCUSDT"]["lease"]
    assert markets["BTCUSDT"]["status"] == "TRADING"
    assert lease["heldSince"] <= system["time"] < lease["expiresAt"]
    assert lease["epoch"] >= 1 and lease["sequence"] >= 1
    engines = [p for p in system["processes"] if p["role"] in ("engine", "all")]
    assert any(lease["owner"].startswith(p["host"]) for p in engines)


async def settled_system(venue: Venue, admin: dict[str, str]) -> Any:
    """The system view once every process of the deployment has beaten."""
    expected = 3 if venue.container.config.role() == "api" else 1
    for _ in range(60):
        answer = await venue.client.get("/api/v1/admin/system", headers=admin)
        assert answer.status_code == 200, answer.text
        if len(answer.json()["processes"]) >= expected:
            return answer.json()
        await asyncio.sleep(0.1)
    return answer.json()
