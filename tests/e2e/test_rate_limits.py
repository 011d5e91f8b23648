"""Request weight as Binance counts it: a bucket per address, and per API key for signed
requests, holding a minute's weight and refilling continuously."""

import time
from collections.abc import AsyncIterator

import attrs
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue

REFUSAL = {
    "code": -1003,
    "msg": "Too much request weight used; current limit is 30 request weight per 1 MINUTE."
    " Please use WebSocket Streams for live updates to avoid polling the API.",
}


class Clock:
    def __init__(self) -> None:
        self.time = int(time.time() * 1000)

    def now(self) -> int:
        return self.time


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def strict_venue(clock: Clock) -> AsyncIterator[Venue]:
    app, container = build_app(attrs.evolve(SETTINGS, weight_per_minute=30))
    container.clock.override(providers.Object(clock))
    assert container.gate().clock is clock
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


async def test_weight_is_reported_and_its_limit_refused(strict_venue: Venue, clock: Clock) -> None:
    used = []
    for _ in range(6):
        response = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
        assert response.status_code == 200
        used.append(int(response.headers["x-mbx-used-weight-1m"]))
    assert used == [5, 10, 15, 20, 25, 30]
    clock.time += 1500
    refused = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
    assert refused.status_code == 429
    assert refused.json() == REFUSAL
    # 30 a minute is one every 2 s: 0.75 back, 4.25 to wait for, 8.5 s.
    assert refused.headers["retry-after"] == "9"
    clock.time += 8500
    response = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
    assert response.status_code == 200
    assert response.headers["x-mbx-used-weight-1m"] == "30"


async def test_a_signed_request_is_charged_to_its_key_as_well(
    strict_venue: Venue, clock: Clock
) -> None:
    trader = await strict_venue.trader("ada")
    clock.time = int(time.time() * 1000)  # signing up took time; signatures are checked by it
    for _ in range(2):
        response = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
        assert response.status_code == 200
    account = await trader.request("GET", "/api/v3/account")
    assert account.status_code == 200
    # The address has used 10 + 20, the key 20: the larger is reported.
    assert account.headers["x-mbx-used-weight-1m"] == "30"
    limiter = strict_venue.container.rate_limiter()
    assert await limiter.spend([f"key:{trader.key.api_key}"], 0, clock.time) == 20


async def test_a_key_out_of_weight_is_refused_whatever_its_address(
    strict_venue: Venue, clock: Clock
) -> None:
    trader = await strict_venue.trader("ada")
    clock.time = int(time.time() * 1000)  # signing up took time; signatures are checked by it
    limiter = strict_venue.container.rate_limiter()
    await limiter.spend([f"key:{trader.key.api_key}"], 25, clock.time)
    refused = await trader.request("GET", "/api/v3/account")
    assert refused.status_code == 429
    assert refused.json() == REFUSAL
