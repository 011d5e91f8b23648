"""Order lists: each order of a list (an OCO) names its list and the list's client order id;
an order outside any list has -1 and an empty one. A trailing stop keeps since when it tracks
the price (`trailingTime`, -1 until then).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column("order_list_id", sa.BigInteger(), nullable=False, server_default="-1"),
    )
    op.add_column(
        "orders",
        sa.Column("list_client_order_id", sa.String(64), nullable=False, server_default=""),
    )
    op.add_column(
        "orders",
        sa.Column("trailing_time", sa.BigInteger(), nullable=False, server_default="-1"),
    )
    op.create_index(
        "ix_orders_lists",
        "orders",
        ["account_id", "order_list_id"],
        postgresql_where=sa.text("order_list_id >= 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_lists", table_name="orders")
    op.drop_column("orders", "trailing_time")
    op.drop_column("orders", "list_client_order_id")
    op.drop_column("orders", "order_list_id")
