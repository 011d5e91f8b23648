"""The authorization matrix: every private route, called by one account (the intruder) with
another's (the owner's) ids and keys, answers a refusal, shows none of the owner's data and
changes nothing of either account. A route the app serves that is in neither the matrix nor
the public list fails the test until someone decides which it is."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
from attrs import frozen

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Trader, Venue
from tests.e2e.routes import PUBLIC, SIGNED, Route, routes

PASSWORD = "correct horse battery"
ORDER = "/api/v3/order"
USER_STREAM = "/api/v3/userDataStream"
OPEN_ORDER = "owner-open-order"
FILLED_ORDER = "owner-filled-order"
LIMIT_ORDER = {
    "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    "quantity": "0.01", "price": "40000",
}  # fmt: skip


@frozen
class Scene:
    """The owner with a resting order, a filled one, a listen key and a login session; the
    intruder with an API key and a session of its own."""

    venue: Venue
    owner: Trader
    intruder: Trader
    owner_tokens: dict[str, Any]
    intruder_tokens: dict[str, Any]
    open_order_id: int
    filled_order_id: int
    listen_key: str

    @property
    def client(self) -> Any:
        return self.venue.client

    def forger(self) -> Trader:
        """Presents the owner's API key with requests signed by the intruder's secret."""
        key = msgspec.structs.replace(self.owner.key, secret=self.intruder.key.secret)
        return Trader(self.client, key)

    def secrets(self) -> list[str]:
        """What of the owner's no answer to the intruder may show."""
        return [
            "owner@example.com", self.owner.key.api_key, self.owner.key.secret,
            self.listen_key, OPEN_ORDER, FILLED_ORDER, self.owner_tokens["access_token"],
            self.owner_tokens["refresh_token"],
        ]  # fmt: skip


Params = Callable[[Scene], dict[str, Any]]


@frozen
class Attack:
    what: str
    send: Callable[[Scene], Awaitable[httpx.Response]]
    status: int
    code: int | None  # None: an answer that lists nothing, as Binance gives for a filter

    def answered(self, response: httpx.Response) -> bool:
        answer = response.json()
        if self.code is None:
            return response.status_code == self.status and answer == []
        refusal = answer if isinstance(answer, dict) else {}
        return (response.status_code, refusal.get("code")) == (self.status, self.code)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def anonymous(method: str, path: str, code: int) -> Attack:
    return Attack("no credentials", lambda s: s.client.request(method, path), 401, code)


def signed(method: str, path: str, request: Params, *own: Attack) -> tuple[Attack, ...]:
    """`request` sent whole without credentials, then with the owner's API key signed by the
    intruder; then the intruder's `own` attacks with its own key."""
    return (
        Attack("no credentials",
               lambda s: s.client.request(method, path, params=request(s)), 401, -2014),
        Attack("the owner's API key, signed by the intruder",
               lambda s: s.forger().request(method, path, **request(s)), 400, -1022),
        *own,
    )  # fmt: skip


def naming_account(method: str, path: str, request: Params) -> Attack:
    """The intruder's request, naming the owner's account as a parameter."""
    return Attack(
        "the owner's account id as a parameter",
        lambda s: s.intruder.request(method, path, uid=s.owner.user_id, **request(s)),
        400,
        -1104,
    )


def naming_order(method: str, path: str, request: Params, status: int, code: int | None) -> Attack:
    """The intruder's request, naming one of the owner's orders."""
    return Attack(
        "the owner's order", lambda s: s.intruder.request(method, path, **request(s)), status, code
    )


def open_order(name: str = "orderId", **params: Any) -> Params:
    def request(scene: Scene) -> dict[str, Any]:
        reference = OPEN_ORDER if name.endswith("ClientOrderId") else scene.open_order_id
        return {"symbol": "BTCUSDT", name: reference, **params}

    return request


def filled_order(scene: Scene) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "orderId": scene.filled_order_id}


def no_id(method: str, path: str, **params: Any) -> tuple[Attack, ...]:
    """A signed route that names no order: the account is the signer's, whatever it asks."""

    def request(_: Scene) -> dict[str, Any]:
        return params

    return signed(method, path, request, naming_account(method, path, request))


def by_order(method: str, path: str, code: int, *names: str, **params: Any) -> tuple[Attack, ...]:
    """A signed route on one order, named each way in `names`."""
    first, *others = (open_order(name, **params) for name in names)
    return signed(
        method, path, first,
        *(naming_order(method, path, request, 400, code) for request in (first, *others)),
    )  # fmt: skip


def listen_key_route(method: str) -> tuple[Attack, ...]:
    return (
        anonymous(method, USER_STREAM, -2014),
        Attack("the owner's listen key with the intruder's API key", lambda s: s.client.request(
            method, f"{USER_STREAM}?listenKey={s.listen_key}",
            headers={"X-MBX-APIKEY": s.intruder.key.api_key}), 400, -1125),
    )  # fmt: skip


def bearer_route(method: str, path: str, *own: Attack) -> tuple[Attack, ...]:
    return (
        anonymous(method, path, -1002),
        Attack("the owner's API key instead of a token", lambda s: s.client.request(
            method, path, headers={"X-MBX-APIKEY": s.owner.key.api_key}), 401, -1002),
        Attack("the owner's refresh token as an access token", lambda s: s.client.request(
            method, path, headers=bearer(s.owner_tokens["refresh_token"])), 401, -1002),
        *own,
    )  # fmt: skip


def admin_route(path: str, whose: str) -> tuple[Attack, ...]:
    """A trader's credentials, or a wrong admin token, moving money of `whose` account."""

    def body(scene: Scene) -> dict[str, Any]:
        user_id = (scene.intruder if whose == "intruder" else scene.owner).user_id
        return {"userId": user_id, "asset": "BTC", "amount": "1", "reference": "matrix"}

    def post(headers: Callable[[Scene], dict[str, str]]) -> Callable[[Scene], Any]:
        return lambda s: s.client.post(path, json=body(s), headers=headers(s))

    return (
        Attack("no credentials", post(lambda _: {}), 401, -1002),
        Attack("the intruder's access token",
               post(lambda s: bearer(s.intruder_tokens["access_token"])), 401, -1002),
        Attack("the intruder's API key",
               post(lambda s: {"X-MBX-APIKEY": s.intruder.key.api_key}), 401, -1002),
        Attack("a wrong admin token",
               post(lambda _: {"X-Admin-Token": "admin-token?"}), 401, -1002),
    )  # fmt: skip


MATRIX: dict[Route, tuple[Attack, ...]] = {
    ("POST", ORDER): no_id("POST", ORDER, **LIMIT_ORDER),
    ("POST", "/api/v3/order/test"): no_id("POST", "/api/v3/order/test", **LIMIT_ORDER),
    ("GET", ORDER): by_order("GET", ORDER, -2013, "orderId", "origClientOrderId"),
    ("DELETE", ORDER): by_order("DELETE", ORDER, -2011, "orderId", "origClientOrderId"),
    ("GET", "/api/v3/openOrders"): no_id("GET", "/api/v3/openOrders"),
    ("DELETE", "/api/v3/openOrders"): no_id("DELETE", "/api/v3/openOrders", symbol="BTCUSDT"),
    ("GET", "/api/v3/allOrders"): no_id("GET", "/api/v3/allOrders", symbol="BTCUSDT"),
    ("PUT", "/api/v3/order/amend/keepPriority"): by_order(
        "PUT", "/api/v3/order/amend/keepPriority", -2011, "orderId", "origClientOrderId",
        newQty="0.005",
    ),
    ("POST", "/api/v3/order/cancelReplace"): by_order(
        "POST", "/api/v3/order/cancelReplace", -2011, "cancelOrderId", "cancelOrigClientOrderId",
        cancelReplaceMode="STOP_ON_FAILURE", **LIMIT_ORDER,
    ),
    ("GET", "/api/v3/account"): no_id("GET", "/api/v3/account"),
    # Binance lists an order's trades by its id, and nothing for an order not the signer's.
    ("GET", "/api/v3/myTrades"): signed(
        "GET", "/api/v3/myTrades", filled_order,
        naming_order("GET", "/api/v3/myTrades", filled_order, 200, None),
    ),
    ("GET", "/api/v1/portfolio"): no_id("GET", "/api/v1/portfolio"),
    ("GET", "/api/v1/statements"): no_id("GET", "/api/v1/statements"),
    ("POST", "/api/v1/faucet"): (
        *no_id("POST", "/api/v1/faucet", asset="BTC", amount="1"),
        Attack("the owner's account id in the intruder's JSON", lambda s: s.client.post(
            "/api/v1/faucet", json={"asset": "BTC", "amount": "1", "uid": str(s.owner.user_id)},
            headers=bearer(s.intruder_tokens["access_token"])), 400, -1104),
    ),
    # USER_STREAM routes take an API key alone, as on Binance: its holder is its account.
    ("POST", USER_STREAM): (
        anonymous("POST", USER_STREAM, -2014),
        Attack("the owner's account id as a parameter", lambda s: s.client.post(
            f"{USER_STREAM}?uid={s.owner.user_id}",
            headers={"X-MBX-APIKEY": s.intruder.key.api_key}), 400, -1104),
    ),
    ("PUT", USER_STREAM): listen_key_route("PUT"),
    ("DELETE", USER_STREAM): listen_key_route("DELETE"),
    ("POST", "/api/v1/auth/logout"): bearer_route("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/api-keys"): bearer_route("GET", "/api/v1/api-keys"),
    ("POST", "/api/v1/api-keys"): bearer_route(
        "POST", "/api/v1/api-keys",
        Attack("the owner's user id in the intruder's request", lambda s: s.client.post(
            "/api/v1/api-keys", json={"label": "matrix", "userId": s.owner.user_id},
            headers=bearer(s.intruder_tokens["access_token"])), 400, -1100),
    ),
    ("DELETE", "/api/v1/api-keys/{api_key:str}"): (
        anonymous("DELETE", "/api/v1/api-keys/any", -1002),
        Attack("the owner's API key, with the intruder's token", lambda s: s.client.delete(
            f"/api/v1/api-keys/{s.owner.key.api_key}",
            headers=bearer(s.intruder_tokens["access_token"])), 404, -1100),
    ),
    ("POST", "/api/v1/admin/deposits"): admin_route("/api/v1/admin/deposits", "intruder"),
    ("POST", "/api/v1/admin/withdrawals"): admin_route("/api/v1/admin/withdrawals", "owner"),
}  # fmt: skip


def test_every_route_is_public_or_in_the_matrix() -> None:
    app, _ = build_app(SETTINGS)
    served = routes(app)
    assert served - PUBLIC - MATRIX.keys() == set(), "classify these routes: public or private"
    assert MATRIX.keys() - served == set(), "the matrix names routes the app does not serve"
    assert SIGNED - MATRIX.keys() == set()
    assert not PUBLIC & MATRIX.keys()


async def login(venue: Venue, email: str) -> dict[str, Any]:
    response = await venue.client.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def stage(venue: Venue) -> Scene:
    owner = await venue.trader("owner", BTC="1", USDT="100000")
    intruder = await venue.trader("intruder", BTC="1", USDT="100000")
    buyer = await venue.trader("buyer", USDT="100000")
    order = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01"}
    resting = await owner.call(
        "POST", ORDER, side="BUY", price="50000", newClientOrderId=OPEN_ORDER, **order
    )
    filled = await owner.call(
        "POST", ORDER, side="SELL", price="60000", newClientOrderId=FILLED_ORDER, **order
    )
    await buyer.call("POST", ORDER, side="BUY", price="60000", **order)
    opened = await venue.client.post(USER_STREAM, headers={"X-MBX-APIKEY": owner.key.api_key})
    return Scene(
        venue, owner, intruder, await login(venue, "owner@example.com"),
        await login(venue, "intruder@example.com"), resting["orderId"], filled["orderId"],
        opened.json()["listenKey"],
    )  # fmt: skip


async def holdings(scene: Scene) -> dict[str, Any]:
    """What either account owns and may do: balances, orders, trades, keys, sessions and the
    owner's live listen key, each as (status, answer)."""
    found: dict[str, Any] = {}
    for name, trader, tokens in [
        ("owner", scene.owner, scene.owner_tokens),
        ("intruder", scene.intruder, scene.intruder_tokens),
    ]:
        account = await trader.request("GET", "/api/v3/account")
        found[f"{name} balances"] = account.status_code, account.json().get("balances")
        for kind, path in [("orders", "/api/v3/allOrders"), ("trades", "/api/v3/myTrades")]:
            listed = await trader.request("GET", path, symbol="BTCUSDT")
            found[f"{name} {kind}"] = listed.status_code, listed.json()
        keys = await scene.client.get("/api/v1/api-keys", headers=bearer(tokens["access_token"]))
        found[f"{name} keys and session"] = keys.status_code, keys.json()
    kept = await scene.client.put(
        f"{USER_STREAM}?listenKey={scene.listen_key}",
        headers={"X-MBX-APIKEY": scene.owner.key.api_key},
    )
    found["owner listen key"] = kept.status_code, kept.json()
    return found


def leaks(scene: Scene, response: httpx.Response) -> list[str]:
    return [secret for secret in scene.secrets() if secret in response.text] + owned(
        scene, response.json()
    )


def owned(scene: Scene, found: Any) -> list[str]:
    """The owner's orders and account id anywhere in an answer."""
    if isinstance(found, list):
        return [shown for item in found for shown in owned(scene, item)]
    if not isinstance(found, dict):
        return []
    shown = [
        f"{name}={value}"
        for name, value in found.items()
        if (name == "orderId" and value in (scene.open_order_id, scene.filled_order_id))
        or (name in ("uid", "userId") and value == scene.owner.user_id)
    ]
    return shown + [s for value in found.values() for s in owned(scene, value)]


async def test_no_account_reaches_another_accounts_data(venue: Venue) -> None:
    scene = await stage(venue)
    before = await holdings(scene)
    failures: list[str] = []
    for (method, path), attacks in MATRIX.items():
        for attack in attacks:
            response = await attack.send(scene)
            if not attack.answered(response):
                failures.append(
                    f"{method} {path} with {attack.what}: {response.status_code} {response.text}"
                )
            if shown := leaks(scene, response):
                failures.append(f"{method} {path} with {attack.what} shows {shown}")
        if (after := await holdings(scene)) != before:
            changed = [name for name in before if before[name] != after[name]]
            failures.append(f"{method} {path} changed {changed}")
            before = after
    assert not failures, "\n".join(failures)
