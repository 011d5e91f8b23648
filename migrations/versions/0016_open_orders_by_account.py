"""An account's orders by symbol and status: its open orders (openOrders, a test order's
book, cancel-all) are found without reading every order it ever placed.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_account_status", "orders", ["account_id", "symbol", "status"])


def downgrade() -> None:
    op.drop_index("ix_orders_account_status", table_name="orders")
