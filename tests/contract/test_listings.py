"""The listings: a new store lists the three demo markets; markets come in the order listed; an
asset or a market is listed once, a market only over listed assets, and a change of its filters
and fees is kept whole; nothing is kept without a commit."""

import dataclasses

import pytest

from adapters.memory.demo_listing import demo_markets
from application.errors import AlreadyListed
from application.ports import UnitOfWorkFactory
from domain.assets import Asset
from domain.errors import UnknownAsset
from domain.markets import Market

SOL = Asset("SOL", 6)


def sol_usdt(usdt: Asset) -> Market:
    return Market(
        symbol="SOLUSDT", base=SOL, quote=usdt, tick_size=10_000, lot_size=1_000,
        min_quantity=1_000, max_quantity=10**12, min_notional=10**8, max_notional=10**15,
        min_price=10_000, maker_fee_bps=5, taker_fee_bps=7,
    )  # fmt: skip


async def test_a_new_store_lists_the_demo_markets(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        assert await uow.listings.markets() == {m.symbol: m for m in demo_markets()}
        assert await uow.listings.assets() == {
            "BTC": Asset("BTC", 8), "ETH": Asset("ETH", 8), "USDT": Asset("USDT", 8),
        }  # fmt: skip


async def test_an_asset_and_a_market_over_it_are_listed(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.listings.add_asset(SOL)
        await uow.commit()
    async with unit_of_work() as uow:
        usdt = (await uow.listings.assets())["USDT"]
        await uow.listings.add_market(sol_usdt(usdt))
        await uow.commit()
    async with unit_of_work() as uow:
        assert (await uow.listings.assets())["SOL"] == SOL
        markets = await uow.listings.markets()
        assert markets["SOLUSDT"] == sol_usdt(usdt)
        assert list(markets) == ["BTCUSDT", "ETHUSDT", "ETHBTC", "SOLUSDT"]  # as listed


async def test_a_code_or_symbol_is_listed_once(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.listings.add_asset(Asset("BTC", 6))
        with pytest.raises(AlreadyListed, match="BTC is already listed"):
            await uow.commit()
    btc_usdt = demo_markets()[0]
    async with unit_of_work() as uow:
        await uow.listings.add_market(dataclasses.replace(btc_usdt, maker_fee_bps=1))
        with pytest.raises(AlreadyListed, match="BTCUSDT is already listed"):
            await uow.commit()
    async with unit_of_work() as uow:
        assert (await uow.listings.assets())["BTC"] == Asset("BTC", 8)
        assert (await uow.listings.markets())["BTCUSDT"] == btc_usdt


async def test_a_market_over_an_asset_not_listed_is_refused(
    unit_of_work: UnitOfWorkFactory,
) -> None:
    async with unit_of_work() as uow:
        await uow.listings.add_market(sol_usdt(Asset("USDT", 8)))
        with pytest.raises(UnknownAsset, match="'SOL'"):
            await uow.commit()
    async with unit_of_work() as uow:
        assert "SOLUSDT" not in await uow.listings.markets()


async def test_a_change_keeps_every_filter_and_fee(unit_of_work: UnitOfWorkFactory) -> None:
    changed = dataclasses.replace(
        demo_markets()[1],
        min_price=2_000_000, max_price=10**13, min_quantity=20_000, max_quantity=10**10,
        market_max_quantity=10**9, min_notional=10**9, max_notional=10**14,
        maker_fee_bps=0, taker_fee_bps=25, max_num_orders=50, max_num_algo_orders=2,
        iceberg_parts=4,
    )  # fmt: skip
    async with unit_of_work() as uow:
        await uow.listings.change_market(changed)
        await uow.commit()
    async with unit_of_work() as uow:
        assert (await uow.listings.markets())["ETHUSDT"] == changed


async def test_nothing_is_kept_without_a_commit(unit_of_work: UnitOfWorkFactory) -> None:
    async with unit_of_work() as uow:
        await uow.listings.add_asset(SOL)
        await uow.listings.change_market(dataclasses.replace(demo_markets()[0], taker_fee_bps=99))
    async with unit_of_work() as uow:
        assert "SOL" not in await uow.listings.assets()
        assert (await uow.listings.markets())["BTCUSDT"] == demo_markets()[0]
