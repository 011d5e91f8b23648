"""An API key deleted through one api process stops signing requests in every other at once:
each process keeps the keys it read for a few seconds, and forgets one when the revocation
notice of its deletion comes over Redis."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import urlencode

import attrs
import pytest
from litestar.testing import AsyncTestClient

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from entrypoints.api.app import create_app
from entrypoints.server import build_container
from tests.e2e.conftest import SETTINGS

PASSWORD = "correct horse battery"
NOTICE_WITHIN_S = 1.0  # well under the keys' cache of 5 s


@pytest.fixture
async def two_api_processes(
    postgres_engine: Any, postgres_url: str, redis_url: str
) -> AsyncIterator[list[AsyncTestClient[Any]]]:
    settings = attrs.evolve(
        SETTINGS, adapters="local", database_url=postgres_url, redis_url=redis_url,
        secret_key=SecretBox.new_key(), role="api",
    )  # fmt: skip
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            app = create_app(build_container(settings), ("api",))
            clients.append(await stack.enter_async_context(AsyncTestClient(app)))
        yield clients


async def account(client: AsyncTestClient[Any], signed: dict[str, str]) -> int:
    query = urlencode({"timestamp": int(time.time() * 1000)})
    headers = {"X-MBX-APIKEY": signed["apiKey"]}
    answer = await client.get(
        f"/api/v3/account?{query}&signature={sign(signed['secretKey'], query)}", headers=headers
    )
    return answer.status_code


async def test_a_key_deleted_in_one_process_is_refused_by_the_other_at_once(
    two_api_processes: list[AsyncTestClient[Any]],
) -> None:
    deleting, other = two_api_processes
    credentials = {"email": "revoked@example.com", "password": PASSWORD}
    assert (await deleting.post("/api/v1/users", json=credentials)).status_code == 201
    login = await deleting.post("/api/v1/auth/login", json=credentials)
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    key = (await deleting.post("/api/v1/api-keys", json={"label": "k"}, headers=bearer)).json()
    assert await account(other, key) == 200  # the other process now keeps the key

    deleted = await deleting.delete(f"/api/v1/api-keys/{key['apiKey']}", headers=bearer)
    assert deleted.status_code == 200
    started = time.monotonic()
    while await account(other, key) == 200:
        assert time.monotonic() - started < NOTICE_WITHIN_S, "the other process still signs"
        await asyncio.sleep(0.05)
    assert await account(other, key) == 401
