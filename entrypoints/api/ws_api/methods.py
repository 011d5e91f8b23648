"""The WebSocket API's methods that have a REST endpoint: each is answered by that endpoint,
with the same parameters, weight, checks, errors and answer, as Binance's WebSocket API
mirrors its REST API. Parameters come as JSON values and go to the endpoint as the strings a
REST client would send."""

from decimal import Decimal

import msgspec
from attrs import frozen

from entrypoints.api.errors import ApiError


@frozen
class Endpoint:
    http_method: str
    path: str
    signed: bool  # TRADE or USER_DATA: an API key's signature, or a logged-on session


def _public(path: str) -> Endpoint:
    return Endpoint("GET", f"/api/v3/{path}", False)


def _signed(http_method: str, path: str) -> Endpoint:
    return Endpoint(http_method, f"/api/v3/{path}", True)


ENDPOINTS: dict[str, Endpoint] = {
    "ping": _public("ping"),
    "time": _public("time"),
    "exchangeInfo": _public("exchangeInfo"),
    "depth": _public("depth"),
    "trades.recent": _public("trades"),
    "trades.aggregate": _public("aggTrades"),
    "klines": _public("klines"),
    "ticker.24hr": _public("ticker/24hr"),
    "ticker.price": _public("ticker/price"),
    "ticker.book": _public("ticker/bookTicker"),
    "avgPrice": _public("avgPrice"),
    "order.place": _signed("POST", "order"),
    "order.test": _signed("POST", "order/test"),
    "order.status": _signed("GET", "order"),
    "order.cancel": _signed("DELETE", "order"),
    "order.cancelReplace": _signed("POST", "order/cancelReplace"),
    "order.amend.keepPriority": _signed("PUT", "order/amend/keepPriority"),
    "openOrders.status": _signed("GET", "openOrders"),
    "openOrders.cancelAll": _signed("DELETE", "openOrders"),
    "account.status": _signed("GET", "account"),
    "account.commission": _signed("GET", "account/commission"),
    "account.rateLimits.orders": _signed("GET", "rateLimit/order"),
    "myTrades": _signed("GET", "myTrades"),
    "myPreventedMatches": _signed("GET", "myPreventedMatches"),
    "allOrders": _signed("GET", "allOrders"),
    "orderList.place": _signed("POST", "order/oco"),
    "orderList.place.oco": _signed("POST", "orderList/oco"),
    "orderList.place.oto": _signed("POST", "orderList/oto"),
    "orderList.place.otoco": _signed("POST", "orderList/otoco"),
    "orderList.status": _signed("GET", "orderList"),
    "orderList.cancel": _signed("DELETE", "orderList"),
    "openOrderLists.status": _signed("GET", "openOrderList"),
    "allOrderLists": _signed("GET", "allOrderList"),
}
VERSION_PREFIX = "v3/"  # a method may name its version, as "v3/order.place"


def method_name(method: str) -> str:
    return method.removeprefix(VERSION_PREFIX)


def as_text(name: str, value: object) -> str | None:
    """A parameter's JSON value as a REST client would send it, None for null: decimals as
    written, booleans in lower case, a list of names (`symbols`) as its JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return msgspec.json.encode(value).decode()
    raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.")


def texts(params: dict[str, object]) -> dict[str, str]:
    """The parameters sent, as text, less those sent as null."""
    found = {name: as_text(name, value) for name, value in params.items()}
    return {name: text for name, text in found.items() if text is not None}


def signature_payload(params: dict[str, str]) -> str:
    """What a client signs: every parameter but the signature, sorted by name, as
    `name=value` pairs joined by `&`, the values as sent."""
    return "&".join(f"{name}={params[name]}" for name in sorted(params) if name != "signature")
