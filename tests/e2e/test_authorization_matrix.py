"""The authorization matrix: every private route, called by one account (the intruder) with
another's (the owner's) ids and keys, answers a refusal, shows none of the owner's data and
changes nothing of either account. A route the app serves that is in neither the matrix nor
the public list fails the test until someone decides which it is."""

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue
from tests.e2e.intrusion import (
    BUY_OTO,
    BUY_OTOCO,
    LIMIT_ORDER,
    OLD_SELL_OCO,
    ORDER,
    SELL_OCO,
    USER_STREAM,
    Attack,
    admin_act_route,
    admin_route,
    anonymous,
    bearer,
    bearer_route,
    by_list,
    by_order,
    coded_route,
    filled_order,
    holdings,
    leaks,
    listen_key_route,
    naming_order,
    no_id,
    signed,
    stage,
)  # fmt: skip
from tests.e2e.routes import PUBLIC, SIGNED, Route, routes

LISTING = {
    "baseAsset": "BTC", "quoteAsset": "ETH", "tickSize": "0.0001", "stepSize": "0.0001",
    "maxQty": "10", "minNotional": "0", "maxNotional": "10", "makerCommission": "0",
    "takerCommission": "0",
}  # fmt: skip
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
    ("POST", "/api/v3/orderList/oco"): no_id("POST", "/api/v3/orderList/oco", **SELL_OCO),
    ("POST", "/api/v3/order/oco"): no_id("POST", "/api/v3/order/oco", **OLD_SELL_OCO),
    ("POST", "/api/v3/orderList/oto"): no_id("POST", "/api/v3/orderList/oto", **BUY_OTO),
    ("POST", "/api/v3/orderList/otoco"): no_id("POST", "/api/v3/orderList/otoco", **BUY_OTOCO),
    ("GET", "/api/v3/orderList"): by_list(
        "GET", "/api/v3/orderList", -2013, "orderListId", "origClientOrderId"
    ),
    ("DELETE", "/api/v3/orderList"): by_list(
        "DELETE", "/api/v3/orderList", -2011, "orderListId", "listClientOrderId",
        symbol="BTCUSDT",
    ),
    ("GET", "/api/v3/allOrderList"): no_id("GET", "/api/v3/allOrderList"),
    ("GET", "/api/v3/openOrderList"): no_id("GET", "/api/v3/openOrderList"),
    ("GET", "/api/v3/account"): no_id("GET", "/api/v3/account"),
    # Binance lists an order's trades by its id, and nothing for an order not the signer's.
    ("GET", "/api/v3/myTrades"): signed(
        "GET", "/api/v3/myTrades", filled_order,
        naming_order("GET", "/api/v3/myTrades", filled_order, 200, None),
    ),
    ("GET", "/api/v3/myPreventedMatches"): signed(
        "GET", "/api/v3/myPreventedMatches", filled_order,
        naming_order("GET", "/api/v3/myPreventedMatches", filled_order, 200, None),
    ),
    ("GET", "/api/v3/account/commission"): no_id(
        "GET", "/api/v3/account/commission", symbol="BTCUSDT"
    ),
    ("GET", "/sapi/v1/asset/tradeFee"): no_id("GET", "/sapi/v1/asset/tradeFee"),
    ("GET", "/api/v3/rateLimit/order"): no_id("GET", "/api/v3/rateLimit/order"),
    ("GET", "/api/v1/portfolio"): no_id("GET", "/api/v1/portfolio"),
    ("GET", "/api/v1/statements"): no_id("GET", "/api/v1/statements"),
    ("POST", "/api/v1/faucet"): (
        *no_id("POST", "/api/v1/faucet", asset="BTC", amount="1"),
        Attack("the owner's account id in the intruder's JSON", lambda s: s.client.post(
            "/api/v1/faucet", json={"asset": "BTC", "amount": "1", "uid": str(s.owner.user_id)},
            headers=bearer(s.intruder_tokens["access_token"])), 400, -1104),
    ),
    # USER_STREAM routes take an API key alone, as on Binance, or a login's access token: its
    # holder is its account.
    ("POST", USER_STREAM): (
        anonymous("POST", USER_STREAM, -2014),
        Attack("the owner's refresh token as an access token", lambda s: s.client.post(
            USER_STREAM, headers=bearer(s.owner_tokens["refresh_token"])), 401, -1002),
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
    ("GET", "/api/v1/two-factor"): bearer_route("GET", "/api/v1/two-factor"),
    ("POST", "/api/v1/two-factor/enrolment"): bearer_route("POST", "/api/v1/two-factor/enrolment"),
    ("POST", "/api/v1/two-factor/enable"): coded_route("/api/v1/two-factor/enable"),
    ("POST", "/api/v1/two-factor/disable"): coded_route("/api/v1/two-factor/disable"),
    ("POST", "/api/v1/two-factor/recovery-codes"): coded_route("/api/v1/two-factor/recovery-codes"),
    ("PUT", "/api/v1/api-keys/{api_key:str}"): (
        anonymous("PUT", "/api/v1/api-keys/any", -1002),
        Attack("the owner's API key, with the intruder's token", lambda s: s.client.put(
            f"/api/v1/api-keys/{s.owner.key.api_key}", json={"enableTrading": False},
            headers=bearer(s.intruder_tokens["access_token"])), 404, -1100),
    ),
    ("POST", "/api/v1/admin/deposits"): admin_route("/api/v1/admin/deposits", "intruder"),
    ("POST", "/api/v1/admin/withdrawals"): admin_route("/api/v1/admin/withdrawals", "owner"),
    ("PUT", "/api/v1/admin/markets/{symbol:str}/status"): admin_act_route(
        "PUT", "/api/v1/admin/markets/BTCUSDT/status", {"status": "HALT", "reason": "matrix"}
    ),
    ("POST", "/api/v1/admin/assets"): admin_act_route(
        "POST", "/api/v1/admin/assets", {"asset": "SOL", "precision": 8, "reason": "matrix"}
    ),
    ("POST", "/api/v1/admin/markets"): admin_act_route(
        "POST", "/api/v1/admin/markets", LISTING | {"reason": "matrix"}
    ),
    ("PATCH", "/api/v1/admin/markets/{symbol:str}"): admin_act_route(
        "PATCH", "/api/v1/admin/markets/BTCUSDT", {"takerCommission": "0", "reason": "matrix"}
    ),
    ("POST", "/api/v1/admin/accounts/{user_id:str}/freeze"): admin_act_route(
        "POST", "/api/v1/admin/accounts/{owner}/freeze", {"reason": "matrix"}
    ),
    ("POST", "/api/v1/admin/accounts/{user_id:str}/unfreeze"): admin_act_route(
        "POST", "/api/v1/admin/accounts/{owner}/unfreeze", {"reason": "matrix"}
    ),
    ("GET", "/api/v1/admin/accounts"): admin_act_route(
        "GET", "/api/v1/admin/accounts?userId={owner}", None
    ),
    ("GET", "/api/v1/admin/accounts/search"): admin_act_route(
        "GET", "/api/v1/admin/accounts/search?email=example", None
    ),
    ("GET", "/api/v1/admin/audit"): admin_act_route("GET", "/api/v1/admin/audit", None),
    ("GET", "/api/v1/admin/operator"): admin_act_route("GET", "/api/v1/admin/operator", None),
    ("GET", "/api/v1/admin/system"): admin_act_route("GET", "/api/v1/admin/system", None),
}  # fmt: skip


def test_every_route_is_public_or_in_the_matrix() -> None:
    app, _ = build_app(SETTINGS)
    served = routes(app)
    assert served - PUBLIC - MATRIX.keys() == set(), "classify these routes: public or private"
    assert MATRIX.keys() - served == set(), "the matrix names routes the app does not serve"
    assert SIGNED - MATRIX.keys() == set()
    assert not PUBLIC & MATRIX.keys()


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
