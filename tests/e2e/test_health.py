"""Health routes, answered on the port of every serving role."""

from litestar.testing import AsyncTestClient

from entrypoints.server import build_app
from tests.e2e.conftest import SETTINGS, Venue


async def test_a_serving_process_is_live_and_ready(venue: Venue) -> None:
    live = await venue.client.get("/health/live")
    ready = await venue.client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "live"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_a_process_whose_engine_stopped_is_not_ready() -> None:
    app, container = build_app(SETTINGS)
    async with AsyncTestClient(app=app) as client:
        venue = Venue(client, container)
        assert (await client.get("/health/ready")).status_code == 200
        await venue.run(container.engines()["ETHBTC"].stop)
        ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "reason": "engines stopped or behind: ETHBTC"}
