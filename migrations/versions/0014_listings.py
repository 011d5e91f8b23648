"""Listings from the store: the listed assets and markets (in the order listed), each market
with its filters and fees, holding the three demo markets that were fixed in code until now
(BTCUSDT, ETHUSDT, ETHBTC), exactly as they were: amounts in minor units, fees in basis points.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSETS = [("USDT", 8), ("BTC", 8), ("ETH", 8)]
# symbol, base, quote, tick, step, max quantity, min notional, max notional (minor units)
MARKETS = [
    ("BTCUSDT", "BTC", "USDT", 1_000_000, 1_000, 900_000_000_000, 500_000_000,
     900_000_000_000_000),
    ("ETHUSDT", "ETH", "USDT", 1_000_000, 10_000, 9_000_000_000_000, 500_000_000,
     900_000_000_000_000),
    ("ETHBTC", "ETH", "BTC", 1_000, 100_000, 9_000_000_000_000, 10_000, 100_000_000_000),
]  # fmt: skip


def upgrade() -> None:
    assets = op.create_table(
        "assets",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("precision", sa.Integer(), nullable=False),
        sa.CheckConstraint("precision BETWEEN 0 AND 18", name=op.f("ck_assets_precision")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_assets")),
    )
    counts = ("max_num_orders", "max_num_algo_orders", "iceberg_parts")
    amounts = (
        "tick_size", "step_size", "min_price", "max_price", "min_quantity", "max_quantity",
        "market_max_quantity", "min_notional", "max_notional",
    )  # fmt: skip
    markets = op.create_table(
        "markets",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("listing_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("base_asset", sa.String(16), nullable=False),
        sa.Column("quote_asset", sa.String(16), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in amounts),
        sa.Column("maker_fee_bps", sa.Integer(), nullable=False),
        sa.Column("taker_fee_bps", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
        sa.CheckConstraint("tick_size > 0 AND step_size > 0", name=op.f("ck_markets_grid")),
        sa.CheckConstraint(
            "maker_fee_bps BETWEEN 0 AND 10000 AND taker_fee_bps BETWEEN 0 AND 10000",
            name=op.f("ck_markets_fees"),
        ),
        sa.ForeignKeyConstraint(
            ["base_asset"], ["assets.code"], name=op.f("fk_markets_base_asset")
        ),
        sa.ForeignKeyConstraint(
            ["quote_asset"], ["assets.code"], name=op.f("fk_markets_quote_asset")
        ),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_markets")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_markets_listing_id")),
    )
    op.bulk_insert(assets, [{"code": code, "precision": p} for code, p in ASSETS])
    op.bulk_insert(markets, [_market(*listed) for listed in MARKETS])


def _market(
    symbol: str,
    base: str,
    quote: str,
    tick: int,
    step: int,
    max_quantity: int,
    min_notional: int,
    max_notional: int,
) -> dict[str, object]:
    return {
        "symbol": symbol, "base_asset": base, "quote_asset": quote,
        "tick_size": tick, "step_size": step, "min_price": tick, "max_price": 0,
        "min_quantity": step, "max_quantity": max_quantity, "market_max_quantity": 0,
        "min_notional": min_notional, "max_notional": max_notional,
        "maker_fee_bps": 10, "taker_fee_bps": 10,
        "max_num_orders": 200, "max_num_algo_orders": 5, "iceberg_parts": 10,
    }  # fmt: skip


def downgrade() -> None:
    op.drop_table("markets")
    op.drop_table("assets")
