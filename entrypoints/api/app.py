"""The Litestar application: routes, dependencies from the container, errors, lifespan."""

from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.types import ControllerRouterHandler, Message, Scope

from entrypoints.api.account import AccountController, TradeFeeController
from entrypoints.api.admin import AdminController
from entrypoints.api.admin_accounts import AdminAccountsController
from entrypoints.api.admin_audit import AdminAuditController
from entrypoints.api.admin_markets import AdminMarketsController, list_asset
from entrypoints.api.admin_system import AdminSystemController
from entrypoints.api.browser_session import BrowserSessionController
from entrypoints.api.channels import Channels
from entrypoints.api.delivery import Delivery
from entrypoints.api.docs_page import SwaggerPage, docs_router
from entrypoints.api.errors import EXCEPTION_HANDLERS, log_websocket_error
from entrypoints.api.freeze_notices import follow_freezes
from entrypoints.api.gate import ORDER_COUNTS, USED_WEIGHT
from entrypoints.api.health import health_routes
from entrypoints.api.json_body import ApiRequest
from entrypoints.api.key_revocations import follow_revocations
from entrypoints.api.limits import MAX_BODY_BYTES
from entrypoints.api.listing_notices import follow_listings
from entrypoints.api.market import MarketController
from entrypoints.api.metrics import metrics
from entrypoints.api.middleware import RequestMiddleware
from entrypoints.api.order_changes import OrderChangeController
from entrypoints.api.order_lists import OrderListController
from entrypoints.api.orders import OrderController
from entrypoints.api.page import PageOrigins, page_routes
from entrypoints.api.reference.endpoint import COMPONENTS
from entrypoints.api.request_ids import HEADER as REQUEST_ID
from entrypoints.api.request_ids import request_id
from entrypoints.api.stream_followers import StreamFollowers
from entrypoints.api.streams import combined_streams, raw_stream, raw_streams
from entrypoints.api.two_factor import TwoFactorController
from entrypoints.api.user_stream import UserStreamController
from entrypoints.api.users import UserController
from entrypoints.api.wallet import WalletController
from entrypoints.api.ws_api.route import websocket_api
from entrypoints.collector import settle_collector
from entrypoints.container import Container
from entrypoints.roles import Job, running

STREAM_ROUTES = [raw_streams, raw_stream, combined_streams]
REST_ROUTES: list[ControllerRouterHandler] = [
    UserStreamController,
    MarketController,
    OrderController,
    OrderChangeController,
    OrderListController,
    AccountController,
    TradeFeeController,
    UserController,
    BrowserSessionController,
    TwoFactorController,
    WalletController,
    AdminController,
    AdminMarketsController,
    AdminAccountsController,
    AdminAuditController,
    AdminSystemController,
    list_asset,
    websocket_api,
]
DESCRIPTION = """A spot exchange with a Binance-compatible API: the `/api/v3` routes take the
parameters of Binance's Spot API and answer as it does, so Binance clients work by changing their
base URL alone. Parameters go in the query string (or, for POST, PUT and DELETE, a form body);
amounts are decimal strings. A refusal is a 4xx with `{"code": -NNNN, "msg": "..."}`, each route
listing the codes it can give. Every request spends request weight (its `Weight`), reported in
`X-MBX-USED-WEIGHT-1M`; beyond the limit per minute, 429 (-1003) with `Retry-After`.

To trade: sign up (POST /api/v1/users), log in (POST /api/v1/auth/login), create an API key
(POST /api/v1/api-keys, with the access token), fund it (POST /api/v1/faucet where enabled), then
sign requests with the key's secret as POST /api/v3/order shows."""


async def _answer_headers(message: Message, scope: Scope) -> None:
    """The request id on every answer, and on HTTP's the request weight used and, for an
    order, the account's order counts, as Binance's X-MBX-* headers tell them. A hook of the
    whole app, not of the middleware: an answer without a route (404, 405) carries them too."""
    if message["type"] in ("http.response.start", "websocket.accept"):
        headers = list(message.get("headers", []))
        if message["type"] == "http.response.start":
            state = scope.get("state", {})
            used = state.get(USED_WEIGHT)
            if used is not None:
                headers.append((b"x-mbx-used-weight-1m", str(used).encode()))
            for name, count in state.get(ORDER_COUNTS, ()):
                headers.append((f"x-mbx-order-count-{name.lower()}".encode(), str(count).encode()))
        headers.append((REQUEST_ID, request_id(scope).encode()))
        message["headers"] = headers


def create_app(
    container: Container,
    serves: Collection[str] = ("api", "websocket"),
    background: Sequence[Job] = (),
) -> Litestar:
    """The app of the container's role, serving the REST API (`api`), the streams
    (`websocket`), both, or neither (`engine`, `marketdata`: then it is the ops app, with
    `/metrics`); `background` jobs (such as the demo bots) run while it serves."""
    config = container.config
    origins = PageOrigins(config.assets_origin(), config.streams_url())
    channels = Channels(
        backend=container.channels_backend(),
        arbitrary_channels_allowed=True,
        subscriber_class=Delivery,
    )
    followers = StreamFollowers(channels)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with running(container, channels, list(background)):
            settle_collector()
            yield

    return Litestar(
        plugins=[channels],
        route_handlers=[
            *health_routes(container),
            *([] if serves else [metrics]),
            *(STREAM_ROUTES if "websocket" in serves else []),
            *(REST_ROUTES if "api" in serves else []),
            *(page_routes(Path(config.web_dist()), origins) if "api" in serves else []),
        ],
        dependencies={
            "services": Provide(lambda: container.services(), use_cache=True, sync_to_thread=False),
            "followers": Provide(lambda: followers, use_cache=True, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        after_exception=[log_websocket_error],
        request_class=ApiRequest,
        middleware=[
            DefineMiddleware(
                RequestMiddleware,
                read_timeout_s=config.read_timeout_s(),
                measured=config.http_metrics(),
            )
        ],
        request_max_body_size=MAX_BODY_BYTES,
        lifespan=[lifespan],
        on_startup=[
            follow_listings(channels, container.listing_sync()),
            *(
                [
                    follow_revocations(channels, container.accounts()),
                    follow_freezes(channels, container.frozen_accounts()),
                ]
                if "api" in serves
                else []
            ),
        ],
        logging_config=None,  # the process's logging is entrypoints.logs's
        before_send=[_answer_headers],
        openapi_config=OpenAPIConfig(
            title="Bourse",
            version="0.1.0",
            description=DESCRIPTION,
            components=COMPONENTS,
            openapi_router=docs_router(),
            render_plugins=[SwaggerPage()],
        ),
    )


def create_ops_app(container: Container) -> Litestar:
    """The ops port of a serving role, beside its public one: health and `/metrics`, for the
    task's own checks and the metrics scraper; the public app runs the role's work."""
    return Litestar(route_handlers=[*health_routes(container), metrics], logging_config=None)
