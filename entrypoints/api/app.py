"""The Litestar application: routes, dependencies from the container, errors, lifespan."""

import gc
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.types import Message, Scope

from entrypoints.api.account import AccountController, TradeFeeController
from entrypoints.api.admin import AdminController
from entrypoints.api.errors import EXCEPTION_HANDLERS, log_websocket_error
from entrypoints.api.gate import ORDER_COUNTS, USED_WEIGHT
from entrypoints.api.health import health_routes
from entrypoints.api.json_body import ApiRequest
from entrypoints.api.limits import MAX_BODY_BYTES, BodyDeadline
from entrypoints.api.market import MarketController
from entrypoints.api.order_changes import OrderChangeController
from entrypoints.api.orders import OrderController
from entrypoints.api.request_ids import request_id_header
from entrypoints.api.streams import Delivery, combined_streams, raw_stream, raw_streams
from entrypoints.api.user_stream import UserStreamController
from entrypoints.api.users import UserController
from entrypoints.api.wallet import WalletController
from entrypoints.container import Container
from entrypoints.roles import Job, running

STREAM_ROUTES = [raw_streams, raw_stream, combined_streams]
REST_ROUTES = [
    UserStreamController,
    MarketController,
    OrderController,
    OrderChangeController,
    AccountController,
    TradeFeeController,
    UserController,
    WalletController,
    AdminController,
]


async def _used_weight_header(message: Message, scope: Scope) -> None:
    """The request weight used, and for an order the account's order counts, as Binance's
    X-MBX-* headers tell them."""
    if message["type"] == "http.response.start":
        state = scope.get("state", {})
        used = state.get(USED_WEIGHT)
        headers = list(message.get("headers", []))
        if used is not None:
            headers.append((b"x-mbx-used-weight-1m", str(used).encode()))
        for name, count in state.get(ORDER_COUNTS, ()):
            headers.append((f"x-mbx-order-count-{name.lower()}".encode(), str(count).encode()))
        message["headers"] = headers


def create_app(
    container: Container,
    serves: Collection[str] = ("api", "websocket"),
    background: Sequence[Job] = (),
) -> Litestar:
    """The app of the container's role, serving the REST API (`api`), the streams
    (`websocket`) or both; `background` jobs (such as the demo bots) run while it serves."""
    channels = ChannelsPlugin(
        backend=container.channels_backend(),
        arbitrary_channels_allowed=True,
        subscriber_class=Delivery,
    )

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with running(container, channels.publish, list(background)):
            # What start-up built (modules, routes, the container) lives as long as the
            # process: freezing it spares every later full collection the scan of it.
            gc.collect()
            gc.freeze()
            yield

    return Litestar(
        plugins=[channels],
        route_handlers=[
            *health_routes(container),
            *(STREAM_ROUTES if "websocket" in serves else []),
            *(REST_ROUTES if "api" in serves else []),
        ],
        dependencies={
            "services": Provide(lambda: container.services(), use_cache=True, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        after_exception=[log_websocket_error],
        request_class=ApiRequest,
        middleware=[DefineMiddleware(BodyDeadline, seconds=container.config.read_timeout_s())],
        request_max_body_size=MAX_BODY_BYTES,
        lifespan=[lifespan],
        before_send=[_used_weight_header, request_id_header],
        openapi_config=OpenAPIConfig(
            title="Bourse",
            version="0.1.0",
            description="A spot exchange with a Binance-compatible API.",
            path="/docs",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
    )
