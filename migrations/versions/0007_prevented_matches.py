"""Self-trade prevention's record: each order's prevented quantity and last prevented match,
and the prevented matches of every market.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("prevented_quantity", sa.Numeric(38, 0), nullable=False, server_default="0"),
    )
    op.add_column("orders", sa.Column("prevented_match_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "prevented_matches",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("prevented_match_id", sa.BigInteger(), nullable=False),
        sa.Column("taker_order_id", sa.BigInteger(), nullable=False),
        sa.Column("maker_order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("price", sa.Numeric(38, 0), nullable=False),
        sa.Column("quantity", sa.Numeric(38, 0), nullable=False),
        sa.Column("taker_prevented_quantity", sa.Numeric(38, 0), nullable=False),
        sa.Column("maker_prevented_quantity", sa.Numeric(38, 0), nullable=False),
        sa.Column("prevented_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "prevented_match_id", name="pk_prevented_matches"),
    )
    op.create_index(
        "ix_prevented_matches_account_id",
        "prevented_matches",
        ["account_id", "symbol", "prevented_match_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_prevented_matches_account_id", table_name="prevented_matches")
    op.drop_table("prevented_matches")
    op.drop_column("orders", "prevented_match_id")
    op.drop_column("orders", "prevented_quantity")
