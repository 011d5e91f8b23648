import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from application.records import ApiKey
from entrypoints.api.app import create_app
from entrypoints.container import Container
from entrypoints.server import build_app, build_container, build_ops_app
from entrypoints.settings import Settings

T = TypeVar("T")

SETTINGS = Settings(
    adapters="memory",
    jwt_secret="a test secret of at least thirty-two bytes",
    admin_token="admin-token",
    faucet=True,
    weight_per_minute=1_000_000,
    orders_per_10s=1_000_000,
)


class Trader:
    """A client of the API holding one API key, signing its requests as Binance's do."""

    def __init__(self, client: AsyncTestClient[Any], key: ApiKey) -> None:
        self.client = client
        self.key = key
        self.user_id = key.user_id

    async def call(self, method: str, path: str, **params: Any) -> Any:
        response = await self.request(method, path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    async def request(self, method: str, path: str, **params: Any) -> Any:
        params["timestamp"] = params.get("timestamp", int(time.time() * 1000))
        query = urlencode({k: v for k, v in params.items() if v is not None})
        signed = f"{query}&signature={sign(self.key.secret, query)}"
        headers = {"X-MBX-APIKEY": self.key.api_key}
        if method in ("POST", "PUT"):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return await self.client.request(method, path, content=signed, headers=headers)
        return await self.client.request(method, f"{path}?{signed}", headers=headers)


class Venue:
    def __init__(self, client: AsyncTestClient[Any], container: Container) -> None:
        self.client = client
        self.container = container

    async def run(self, call: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Awaits a use case on the app's own event loop, where its connections live."""
        return await asyncio.to_thread(self.client.blocking_portal.call, call, *args)

    async def trader(self, name: str, **funds: str) -> Trader:
        accounts = self.container.accounts()
        user = await self.run(accounts.sign_up, f"{name}@example.com", "correct horse battery")
        key = await self.run(accounts.create_api_key, user.user_id, name)
        for asset, amount in funds.items():
            deposit = self.container.funds().deposit
            reference = f"funding {name} {asset}"
            await self.run(deposit, user.user_id, asset, Decimal(amount), reference)
        return Trader(self.client, key)


@pytest.fixture(params=["memory", "local", "split"])
def settings(request: pytest.FixtureRequest) -> Settings:
    """Each API test runs on the memory adapters and on PostgreSQL + Redis (emptied first):
    in one process of every role, and split as the design deploys it (`api` and `websocket`
    here, with no engine, and an engine and a market data process beside them)."""
    if request.param == "memory":
        return SETTINGS
    request.getfixturevalue("postgres_engine")
    return attrs.evolve(
        SETTINGS,
        adapters="local",
        database_url=request.getfixturevalue("postgres_url"),
        redis_url=request.getfixturevalue("redis_url"),
        secret_key=SecretBox.new_key(),
        role="all" if request.param == "local" else "api",
    )


@pytest.fixture
async def venue(settings: Settings) -> AsyncIterator[Venue]:
    if settings.role == "all":
        app, container = build_app(settings)
        async with AsyncTestClient(app=app) as client:
            yield Venue(client, container)
        return
    async with split_deployment(settings) as (app, container), AsyncTestClient(app) as client:
        yield Venue(client, container)


@asynccontextmanager
async def split_deployment(settings: Settings) -> AsyncIterator[tuple[Litestar, Container]]:
    """An engine and a market data role, each on an event loop of its own as if in a process
    of its own, and the app of an api process that also serves the streams."""
    engine, _ = build_ops_app(attrs.evolve(settings, role="engine"))
    market_data, _ = build_ops_app(attrs.evolve(settings, role="marketdata"))
    container = build_container(attrs.evolve(settings, role="api"))
    async with AsyncTestClient(engine), AsyncTestClient(market_data):
        yield create_app(container, ("api", "websocket")), container
