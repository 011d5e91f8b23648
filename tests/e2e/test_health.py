"""Health routes, answered on the port of every serving role."""

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.api import health
from entrypoints.server import build_app
from tests.application.test_relay_lag import HeldPublisher
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


async def test_a_process_whose_relay_falls_behind_is_not_ready_until_it_catches_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(health, "LAGGING_RELAY_S", 0.2)
    app, container = build_app(SETTINGS)
    async with AsyncTestClient(app=app) as client:
        venue = Venue(client, container)
        publisher = HeldPublisher()
        container.relay().publisher = publisher  # streams that take nothing: the relay waits
        await venue.trader("held", USDT="100")  # a deposit for the relay to publish
        await asyncio.sleep(0.3)
        behind = await client.get("/health/ready")
        await venue.run(_release, publisher)
        await asyncio.sleep(0.1)
        caught_up = await client.get("/health/ready")
    assert behind.status_code == 503
    assert behind.json()["reason"].startswith("outbox relay behind by ")
    assert (caught_up.status_code, caught_up.json()) == (200, {"status": "ready"})


async def _release(publisher: HeldPublisher) -> None:
    publisher.released.set()
