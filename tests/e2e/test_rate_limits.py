"""Request weight per address, counted per minute as Binance counts it."""

from collections.abc import AsyncIterator

import attrs
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue


@pytest.fixture
async def strict_venue() -> AsyncIterator[Venue]:
    app, container = build_app(attrs.evolve(SETTINGS, weight_per_minute=30))
    async with AsyncTestClient(app=app) as client:
        yield Venue(client, container)


async def test_weight_is_reported_and_its_limit_refused(strict_venue: Venue) -> None:
    used = []
    for _ in range(6):
        response = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
        assert response.status_code == 200
        used.append(int(response.headers["x-mbx-used-weight-1m"]))
    assert used == [5, 10, 15, 20, 25, 30]
    refused = await strict_venue.client.get("/api/v3/depth?symbol=BTCUSDT")
    assert refused.status_code == 429
    assert refused.json() == {
        "code": -1003,
        "msg": "Too much request weight used; current limit is 30 request weight per 1 MINUTE."
        " Please use WebSocket Streams for live updates to avoid polling the API.",
    }
    assert 1 <= int(refused.headers["retry-after"]) <= 60
