"""Migration 0014 moves the three demo markets, fixed in code until then, into the store
exactly as they were (every filter and fee), and its downgrade takes the listings away again,
leaving the rest of the schema as 0010 had it."""

import asyncio
import os
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.memory.demo_listing import demo_markets
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from domain.assets import Asset
from domain.markets import Market
from entrypoints.migrate import alembic_config, migrate
from tests.migrations.test_schema import SERVER, _drop


@pytest.fixture
def database_url() -> Iterator[str]:
    url = f"{SERVER}/bourse_listings_{os.getpid()}"
    asyncio.run(_drop(url))
    yield url
    asyncio.run(_drop(url))


async def listed(url: str) -> tuple[dict[str, Asset], dict[str, Market]]:
    engine = create_async_engine(url)
    try:
        async with PostgresUnitOfWorkFactory(engine, SecretBox(SecretBox.new_key()))() as uow:
            return await uow.listings.assets(), await uow.listings.markets()
    finally:
        await engine.dispose()


async def tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


def test_the_demo_markets_are_moved_exactly_and_the_downgrade_removes_them(
    database_url: str,
) -> None:
    migrate(database_url, "0013")
    before = asyncio.run(tables(database_url))
    assert not {"assets", "markets"} & before

    migrate(database_url, "0014")
    assets, markets = asyncio.run(listed(database_url))
    # The markets as the code fixed them until this migration (now the memory store's seed).
    assert markets == {market.symbol: market for market in demo_markets()}
    assert assets == {"BTC": Asset("BTC", 8), "ETH": Asset("ETH", 8), "USDT": Asset("USDT", 8)}
    eth_btc = markets["ETHBTC"]
    terms = (eth_btc.tick_size, eth_btc.lot_size, eth_btc.min_notional, eth_btc.max_notional)
    assert terms == (1_000, 100_000, 10_000, 100_000_000_000)  # 0.00001, 0.001, 0.0001, 1000
    assert (eth_btc.maker_fee_bps, eth_btc.taker_fee_bps) == (10, 10)

    command.downgrade(alembic_config(database_url), "0013")
    assert asyncio.run(tables(database_url)) == before
    migrate(database_url, "0014")
    assert asyncio.run(listed(database_url))[1] == markets
