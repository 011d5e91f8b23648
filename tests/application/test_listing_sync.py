"""A process's exchange follows the store's listings: a market listed elsewhere is listed in
it (with its assets) and handed to its listeners once; a market whose terms changed takes them,
its book kept; a notice makes the watch read them again at once."""

import asyncio
import dataclasses

from adapters.memory.demo_listing import USDT, demo_markets
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from application.listing import ListingSync
from domain.assets import Asset
from domain.exchange import Exchange
from domain.markets import Market

SOL = Asset("SOL", 8)
SOL_USDT = Market(
    symbol="SOLUSDT", base=SOL, quote=USDT, tick_size=10**6, lot_size=10**5,
    min_quantity=10**5, max_quantity=10**12, min_notional=10**8, max_notional=10**15,
    min_price=10**6,
)  # fmt: skip


async def list_sol(store: MemoryUnitOfWorkFactory) -> None:
    async with store() as uow:
        await uow.listings.add_asset(SOL)
        await uow.commit()
    async with store() as uow:
        await uow.listings.add_market(SOL_USDT)
        await uow.commit()


async def test_new_and_changed_markets_are_taken_once() -> None:
    store = MemoryUnitOfWorkFactory()
    sync = ListingSync(Exchange(()), store)
    heard: list[str] = []

    async def listener(market: Market) -> None:
        heard.append(market.symbol)

    sync.listeners.append(listener)
    await sync.refresh()
    assert list(sync.exchange.markets) == ["BTCUSDT", "ETHUSDT", "ETHBTC"]
    await list_sol(store)
    changed = dataclasses.replace(demo_markets()[0], taker_fee_bps=30)
    async with store() as uow:
        await uow.listings.change_market(changed)
        await uow.commit()
    book = sync.exchange.state("BTCUSDT").book
    await sync.refresh()
    await sync.refresh()
    assert heard == ["BTCUSDT", "ETHUSDT", "ETHBTC", "SOLUSDT"]
    assert sync.exchange.state("SOLUSDT").market == SOL_USDT
    assert sync.exchange.assets["SOL"] == SOL
    assert sync.exchange.state("BTCUSDT").market == changed
    assert sync.exchange.state("BTCUSDT").book is book


async def test_a_notice_makes_the_watch_read_again_at_once() -> None:
    store = MemoryUnitOfWorkFactory()
    sync = ListingSync(Exchange(()), store)
    await sync.refresh()
    watch = asyncio.create_task(sync.watch())
    try:
        await list_sol(store)
        sync.notice()
        for _ in range(100):
            if "SOLUSDT" in sync.exchange.markets:
                break
            await asyncio.sleep(0.01)
        assert "SOLUSDT" in sync.exchange.markets  # long before the next re-reading
    finally:
        watch.cancel()
