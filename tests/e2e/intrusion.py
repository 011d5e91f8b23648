"""The two accounts of the authorization matrix, the owner and the intruder, and the attacks
the intruder makes on the owner's data; what each account holds, and what of the owner's an
answer shows."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
from attrs import frozen

from tests.e2e.conftest import Trader, Venue

PASSWORD = "correct horse battery"
ORDER = "/api/v3/order"
USER_STREAM = "/api/v3/userDataStream"
OPEN_ORDER = "owner-open-order"
FILLED_ORDER = "owner-filled-order"
OWNER_LIST = "owner-order-list"
SELL_OCO = {
    "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "listClientOrderId": OWNER_LIST,
    "aboveType": "LIMIT_MAKER", "abovePrice": "70000",
    "belowType": "STOP_LOSS", "belowStopPrice": "55000",
}  # fmt: skip
OLD_SELL_OCO = {
    "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "price": "70000",
    "stopPrice": "55000",
}  # fmt: skip
BUY_OTO = {
    "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "40000",
    "workingQuantity": "0.01", "workingTimeInForce": "GTC", "pendingType": "LIMIT_MAKER",
    "pendingSide": "SELL", "pendingPrice": "70000", "pendingQuantity": "0.01",
}  # fmt: skip
BUY_OTOCO = {
    "symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "40000",
    "workingQuantity": "0.01", "workingTimeInForce": "GTC", "pendingSide": "SELL",
    "pendingQuantity": "0.01", "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "70000",
    "pendingBelowType": "STOP_LOSS", "pendingBelowStopPrice": "30000",
}  # fmt: skip
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
    order_list_id: int

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


def open_order(name: str, **params: Any) -> Params:
    def request(scene: Scene) -> dict[str, Any]:
        reference = OPEN_ORDER if name.endswith("ClientOrderId") else scene.open_order_id
        return {"symbol": "BTCUSDT", name: reference, **params}

    return request


def owner_list(name: str, **params: Any) -> Params:
    def request(scene: Scene) -> dict[str, Any]:
        reference = OWNER_LIST if name.endswith("ClientOrderId") else scene.order_list_id
        return {name: reference, **params}

    return request


def by_list(method: str, path: str, code: int, *names: str, **params: Any) -> tuple[Attack, ...]:
    """A signed route on one order list, named each way in `names`."""
    first, *others = (owner_list(name, **params) for name in names)
    return signed(
        method, path, first,
        *(naming_order(method, path, request, 400, code) for request in (first, *others)),
    )  # fmt: skip


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


def coded_route(path: str) -> tuple[Attack, ...]:
    """A bearer route whose body is a two-factor code."""
    code = {"code": "123456"}
    return (
        Attack("no credentials", lambda s: s.client.post(path, json=code), 401, -1002),
        Attack("the owner's API key instead of a token", lambda s: s.client.post(
            path, json=code, headers={"X-MBX-APIKEY": s.owner.key.api_key}), 401, -1002),
        Attack("the owner's refresh token as an access token", lambda s: s.client.post(
            path, json=code, headers=bearer(s.owner_tokens["refresh_token"])), 401, -1002),
        Attack("the owner's user id in the intruder's request", lambda s: s.client.post(
            path, json={**code, "userId": s.owner.user_id},
            headers=bearer(s.intruder_tokens["access_token"])), 400, -1100),
    )  # fmt: skip


def admin_route(path: str, whose: str) -> tuple[Attack, ...]:
    """A trader's credentials, or a wrong admin token, moving money of `whose` account."""

    def body(scene: Scene) -> dict[str, Any]:
        user_id = (scene.intruder if whose == "intruder" else scene.owner).user_id
        return {
            "userId": user_id, "asset": "BTC", "amount": "1", "reference": "matrix", "reason": "r",
        }  # fmt: skip

    def post(headers: Callable[[Scene], dict[str, str]]) -> Callable[[Scene], Any]:
        return lambda s: s.client.post(path, json=body(s), headers=headers(s))

    return (
        Attack("no credentials", post(lambda _: {}), 401, -1002),
        Attack("the intruder's access token",
               post(lambda s: bearer(s.intruder_tokens["access_token"])), 403, -1002),
        Attack("the intruder's API key",
               post(lambda s: {"X-MBX-APIKEY": s.intruder.key.api_key}), 401, -1002),
        Attack("a wrong admin token",
               post(lambda _: {"X-Admin-Token": "admin-token?"}), 401, -1002),
    )  # fmt: skip


def admin_act_route(method: str, path: str, body: dict[str, Any] | None) -> tuple[Attack, ...]:
    """A trader's credentials, or the admin token (right or wrong), doing an admin's act:
    halting a market, freezing the owner, reading the audit log."""

    def send(headers: Callable[[Scene], dict[str, str]]) -> Callable[[Scene], Any]:
        return lambda s: s.client.request(
            method, path.format(owner=s.owner.user_id), json=body, headers=headers(s)
        )

    return (
        Attack("no credentials", send(lambda _: {}), 401, -1002),
        Attack("a trader's access token",
               send(lambda s: bearer(s.intruder_tokens["access_token"])), 403, -1002),
        Attack("a trader's API key",
               send(lambda s: {"X-MBX-APIKEY": s.intruder.key.api_key}), 401, -1002),
        Attack("a wrong admin token",
               send(lambda _: {"X-Admin-Token": "admin-token?"}), 403, -1002),
        Attack("the admin token", send(lambda _: {"X-Admin-Token": "admin-token"}), 403, -1002),
    )  # fmt: skip


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
    placed_list = await owner.call("POST", "/api/v3/orderList/oco", **SELL_OCO)
    opened = await venue.client.post(USER_STREAM, headers={"X-MBX-APIKEY": owner.key.api_key})
    return Scene(
        venue, owner, intruder, await login(venue, "owner@example.com"),
        await login(venue, "intruder@example.com"), resting["orderId"], filled["orderId"],
        opened.json()["listenKey"], placed_list["orderListId"],
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
    info = (await scene.client.get("/api/v3/exchangeInfo")).json()
    found["market statuses"] = [(m["symbol"], m["status"]) for m in info["symbols"]]
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
