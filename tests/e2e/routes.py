"""The app's routes as a client reaches them, and which of them serve one account only."""

from litestar import Litestar
from litestar.routes import HTTPRoute

Route = tuple[str, str]
WEBSOCKET = "WEBSOCKET"
DOCUMENTATION = "/docs"

SIGNED: frozenset[Route] = frozenset({
    ("POST", "/api/v3/order"),
    ("POST", "/api/v3/order/test"),
    ("GET", "/api/v3/order"),
    ("DELETE", "/api/v3/order"),
    ("GET", "/api/v3/openOrders"),
    ("DELETE", "/api/v3/openOrders"),
    ("GET", "/api/v3/allOrders"),
    ("PUT", "/api/v3/order/amend/keepPriority"),
    ("POST", "/api/v3/order/cancelReplace"),
    ("POST", "/api/v3/orderList/oco"),
    ("POST", "/api/v3/order/oco"),
    ("GET", "/api/v3/orderList"),
    ("DELETE", "/api/v3/orderList"),
    ("GET", "/api/v3/allOrderList"),
    ("GET", "/api/v3/openOrderList"),
    ("GET", "/api/v3/account"),
    ("GET", "/api/v3/myTrades"),
    ("GET", "/api/v3/myPreventedMatches"),
    ("GET", "/api/v3/account/commission"),
    ("GET", "/sapi/v1/asset/tradeFee"),
    ("GET", "/api/v3/rateLimit/order"),
    ("GET", "/api/v1/portfolio"),
    ("GET", "/api/v1/statements"),
    ("POST", "/api/v1/faucet"),
})  # fmt: skip
"""Routes that take a signed request (or a bearer token) and serve the signer's account."""

PUBLIC: frozenset[Route] = frozenset({
    *(("GET", f"/api/v3/{name}") for name in (
        "ping", "time", "exchangeInfo", "depth", "trades", "historicalTrades", "aggTrades",
        "klines", "ticker/24hr", "ticker/price", "ticker/bookTicker", "avgPrice",
    )),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    # A browser's session: its refresh cookie, with the CSRF token, is its only credential.
    ("POST", "/api/v1/auth/session"),
    ("POST", "/api/v1/auth/session/refresh"),
    ("DELETE", "/api/v1/auth/session"),
    # The web page and its assets: files, the same for everyone.
    ("GET", "/"),
    ("GET", "/trade/{symbol:str}"),
    ("GET", "/admin"),  # the console's page: what it shows comes from the admin routes
    ("GET", "/static/assets/{file_path:path}"),
    ("HEAD", "/static/assets/{file_path:path}"),
    (WEBSOCKET, "/ws"),
    (WEBSOCKET, "/stream"),
    # Market streams, or a user data stream whose listen key is its only credential, as on
    # Binance: the key is given to its account alone (userDataStream, a private route).
    (WEBSOCKET, "/ws/{name:str}"),
    # The WebSocket API: a connection is anybody's; each request that serves an account is
    # signed (or made in a logged-on session) and answered by its signed REST route above.
    (WEBSOCKET, "/ws-api/v3"),
})  # fmt: skip
"""Routes anybody may call; the OpenAPI documentation under /docs is public too."""


def routes(app: Litestar) -> set[Route]:
    """Every method and path the app serves, less the documentation and the OPTIONS answers
    Litestar adds to every path."""
    found: set[Route] = set()
    for route in app.routes:
        if route.path == DOCUMENTATION or route.path.startswith(f"{DOCUMENTATION}/"):
            continue
        if isinstance(route, HTTPRoute):
            found.update((method, route.path) for method in route.methods if method != "OPTIONS")
        else:
            found.add((WEBSOCKET, route.path))
    return found
