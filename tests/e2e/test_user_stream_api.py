"""/api/v3/userDataStream over HTTP: API key only, no signature, Binance's answers; or the
access token of a login, as the web page holds."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from entrypoints.api.errors import EXCEPTION_HANDLERS
from entrypoints.api.user_stream import UserStreamController
from entrypoints.server import build_container
from tests.e2e.conftest import SETTINGS

PATH = "/api/v3/userDataStream"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Client:
    def __init__(
        self, http: AsyncTestClient[Any], api_keys: list[str], access_tokens: list[str]
    ) -> None:
        self.http = http
        self.api_keys = api_keys
        self.access_tokens = access_tokens

    async def call(
        self,
        method: str,
        query: str = "",
        body: str = "",
        api_key: str | None = None,
        access_token: str | None = None,
    ) -> tuple[int, Any]:
        headers = dict(FORM) if body else {}
        if api_key is not None:
            headers["X-MBX-APIKEY"] = api_key
        if access_token is not None:
            headers["Authorization"] = f"Bearer {access_token}"
        url = f"{PATH}?{query}" if query else PATH
        response = await self.http.request(method, url, content=body, headers=headers)
        return response.status_code, response.json()


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    container = build_container(SETTINGS)
    app = Litestar(
        route_handlers=[UserStreamController],
        dependencies={"services": Provide(lambda: container.services(), sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
    )
    accounts = container.accounts()
    api_keys, access_tokens = [], []
    for name in ("alice", "bob"):
        user = await accounts.sign_up(f"{name}@example.com", "correct horse battery")
        api_keys.append((await accounts.create_api_key(user.user_id, name)).api_key)
        tokens = await accounts.login(f"{name}@example.com", "correct horse battery")
        access_tokens.append(tokens.access_token)
    async with AsyncTestClient(app=app) as http:
        yield Client(http, api_keys, access_tokens)


async def test_a_key_is_opened_kept_alive_and_closed_with_the_api_key_alone(
    client: Client,
) -> None:
    alice = client.api_keys[0]
    status, opened = await client.call("POST", api_key=alice)
    assert status == 200
    listen_key = opened["listenKey"]
    assert len(listen_key) == 64
    assert await client.call("POST", api_key=alice) == (200, {"listenKey": listen_key})
    assert await client.call("PUT", f"listenKey={listen_key}", api_key=alice) == (200, {})
    assert await client.call("PUT", body=f"listenKey={listen_key}", api_key=alice) == (200, {})
    assert await client.call("DELETE", f"listenKey={listen_key}", api_key=alice) == (200, {})
    assert await client.call("PUT", f"listenKey={listen_key}", api_key=alice) == (
        400,
        {"code": -1125, "msg": "This listenKey does not exist."},
    )


async def test_another_accounts_key_does_not_exist_for_the_caller(client: Client) -> None:
    alice, bob = client.api_keys
    _, opened = await client.call("POST", api_key=alice)
    unknown = (400, {"code": -1125, "msg": "This listenKey does not exist."})
    for method in ("PUT", "DELETE"):
        assert await client.call(method, f"listenKey={opened['listenKey']}", api_key=bob) == (
            unknown
        )
    assert await client.call("PUT", f"listenKey={opened['listenKey']}", api_key=alice) == (
        200,
        {},
    )


async def test_a_signed_request_is_served_too(client: Client) -> None:
    query = "timestamp=1700000000000&signature=ignored"
    status, opened = await client.call("POST", query, api_key=client.api_keys[0])
    assert status == 200
    assert "listenKey" in opened


async def test_refusals(client: Client) -> None:
    alice = client.api_keys[0]
    assert await client.call("POST") == (401, {"code": -2014, "msg": "API-key format invalid."})
    assert await client.call("POST", api_key="nobody") == (
        401,
        {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."},
    )
    status, body = await client.call("PUT", api_key=alice)
    assert (status, body["code"]) == (400, -1102)
    assert "'listenKey'" in body["msg"]
    status, body = await client.call("POST", "symbol=BTCUSDT", api_key=alice)
    assert (status, body["code"]) == (400, -1104)


async def test_a_login_opens_its_accounts_stream_with_its_access_token(client: Client) -> None:
    alice, bob = client.access_tokens
    status, opened = await client.call("POST", access_token=alice)
    assert status == 200
    # An API key opens a listen key of its own, which ends with the key; the logins have theirs.
    status, by_key = await client.call("POST", api_key=client.api_keys[0])
    assert status == 200 and by_key != opened
    listen_key = opened["listenKey"]
    assert await client.call("PUT", f"listenKey={listen_key}", access_token=alice) == (200, {})
    unknown = (400, {"code": -1125, "msg": "This listenKey does not exist."})
    assert await client.call("PUT", f"listenKey={listen_key}", access_token=bob) == unknown
    assert await client.call("POST", access_token="not a token") == (
        401,
        {"code": -1002, "msg": "Invalid token."},
    )
    assert await client.call("DELETE", f"listenKey={listen_key}", access_token=alice) == (200, {})
