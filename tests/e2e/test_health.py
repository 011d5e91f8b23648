"""Health routes, answered on the port of every serving role."""

from tests.e2e.conftest import Venue


async def test_a_serving_process_is_live_and_ready(venue: Venue) -> None:
    live = await venue.client.get("/health/live")
    ready = await venue.client.get("/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "live"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
