"""The listed assets and markets in PostgreSQL."""

from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from adapters.postgres.schema import assets, markets
from domain.assets import Asset
from domain.markets import Market

if TYPE_CHECKING:
    from adapters.postgres.unit_of_work import PostgresUnitOfWork

# The filters and fees that may change after listing: column and `Market` field alike.
TERMS = (
    "min_price", "max_price", "min_quantity", "max_quantity", "market_max_quantity",
    "min_notional", "max_notional", "maker_fee_bps", "taker_fee_bps", "max_num_orders",
    "max_num_algo_orders", "iceberg_parts",
)  # fmt: skip


def market_row(market: Market) -> dict[str, Any]:
    return {
        "symbol": market.symbol,
        "base_asset": market.base.code,
        "quote_asset": market.quote.code,
        "tick_size": market.tick_size,
        "step_size": market.lot_size,
        **{term: getattr(market, term) for term in TERMS},
    }


def asset_row(asset: Asset) -> dict[str, Any]:
    return {"code": asset.code, "precision": asset.precision}


class PostgresListings:
    def __init__(self, uow: "PostgresUnitOfWork") -> None:
        self._uow = uow

    async def assets(self) -> dict[str, Asset]:
        rows = await self._uow.execute(select(assets.c.code, assets.c.precision))
        return {row.code: Asset(row.code, row.precision) for row in rows}

    async def markets(self) -> dict[str, Market]:
        """In the order they were listed, as exchangeInfo lists them."""
        listed = await self.assets()
        rows = await self._uow.execute(select(markets).order_by(markets.c.listing_id))
        return {
            row.symbol: Market(
                symbol=row.symbol,
                base=listed[row.base_asset],
                quote=listed[row.quote_asset],
                tick_size=row.tick_size,
                lot_size=row.step_size,
                **{term: getattr(row, term) for term in TERMS},
            )
            for row in rows
        }

    async def add_asset(self, asset: Asset) -> None:
        self._uow.stage(assets, asset_row(asset))

    async def add_market(self, market: Market) -> None:
        self._uow.stage(markets, market_row(market))

    async def change_market(self, market: Market) -> None:
        changed = {term: getattr(market, term) for term in TERMS}
        await self._uow.execute(
            update(markets).where(markets.c.symbol == market.symbol).values(**changed)
        )
