"""One market data process relays and keeps the snapshots at a time; another stands by and
takes the duty over once the first stops renewing its lease."""

import asyncio

import attrs

from adapters.security.secret_box import SecretBox
from entrypoints.container import release
from entrypoints.market_data_duty import MarketDataDuty
from entrypoints.server import build_container
from entrypoints.settings import Settings
from tests.e2e.conftest import SETTINGS

TTL_MS = 300


async def started(settings: Settings) -> MarketDataDuty:
    """The duty of a market data process, which has read the markets as it starts."""
    container = build_container(settings)
    await container.listing_sync().refresh()
    return MarketDataDuty(container)


async def test_a_standby_market_data_takes_the_duty_over(
    postgres_engine: object, postgres_url: str, redis_url: str
) -> None:
    settings: Settings = attrs.evolve(
        SETTINGS, adapters="local", role="marketdata", database_url=postgres_url,
        redis_url=redis_url, secret_key=SecretBox.new_key(), lease_ttl_ms=TTL_MS,
    )  # fmt: skip
    first, second = await started(settings), await started(settings)
    await first.begin()
    await second.begin()
    assert (first.holding, second.holding) == (True, False)
    standing_by = asyncio.create_task(second.run())
    # The first stops renewing, as a process that died would.
    await first.container.relay().stop()
    for _ in range(100):
        if second.holding or standing_by.done():
            break
        await asyncio.sleep(TTL_MS / 1000)
    assert not standing_by.done(), standing_by.exception()
    assert second.holding
    depth = await second.container.snapshots().depth("BTCUSDT", 5)
    assert depth.last_update_id == 0
    standing_by.cancel()
    await asyncio.gather(standing_by, return_exceptions=True)
    for duty in (first, second):
        await release(duty.container)
