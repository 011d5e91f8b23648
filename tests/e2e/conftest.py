import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar.testing import AsyncTestClient

from adapters.security.signatures import sign
from application.records import ApiKey
from entrypoints.container import Container
from entrypoints.server import build_app
from entrypoints.settings import Settings

SETTINGS = Settings(
    adapters="memory",
    jwt_secret="a test secret of at least thirty-two bytes",
    admin_token="admin-token",
    faucet=True,
    weight_per_minute=1_000_000,
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

    async def trader(self, name: str, **funds: str) -> Trader:
        accounts = self.container.accounts()
        user = await accounts.sign_up(f"{name}@example.com", "correct horse battery")
        key = await accounts.create_api_key(user.user_id, name)
        for asset, amount in funds.items():
            await self.container.funds().deposit(user.user_id, asset, Decimal(amount), "test")
        return Trader(self.client, key)


@pytest.fixture
async def venue() -> AsyncIterator[Venue]:
    app, container = build_app(SETTINGS)
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)
