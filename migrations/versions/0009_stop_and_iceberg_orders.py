"""Stop and take-profit orders: each order's stop price, trailing delta and trail price, and
its working time (-1 while a stop waits for its trigger; the time it was placed for every other
order, those placed before included); order types up to TAKE_PROFIT_LIMIT's length. Iceberg
orders: each order's iceberg quantity and what it hides; and where an order stands in its
price level's queue (0 for those placed before, which keep their order id order).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("orders", "type", type_=sa.String(24), existing_nullable=False)
    op.add_column(
        "orders", sa.Column("stop_price", sa.Numeric(38, 0), nullable=False, server_default="0")
    )
    op.add_column(
        "orders", sa.Column("trailing_delta", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "orders", sa.Column("trail_price", sa.Numeric(38, 0), nullable=False, server_default="0")
    )
    op.add_column(
        "orders", sa.Column("working_time", sa.BigInteger(), nullable=False, server_default="-1")
    )
    op.execute("UPDATE orders SET working_time = created_at")
    op.add_column(
        "orders",
        sa.Column("iceberg_quantity", sa.Numeric(38, 0), nullable=False, server_default="0"),
    )
    op.add_column(
        "orders", sa.Column("hidden", sa.Numeric(38, 0), nullable=False, server_default="0")
    )
    op.add_column(
        "orders", sa.Column("queued_at", sa.BigInteger(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("orders", "queued_at")
    op.drop_column("orders", "hidden")
    op.drop_column("orders", "iceberg_quantity")
    op.drop_column("orders", "working_time")
    op.drop_column("orders", "trail_price")
    op.drop_column("orders", "trailing_delta")
    op.drop_column("orders", "stop_price")
    op.alter_column("orders", "type", type_=sa.String(16), existing_nullable=False)
