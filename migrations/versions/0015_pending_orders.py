"""Pending orders: an order of an OTO list waits, PENDING_NEW, until its working order fills.
It is open, so the index of the open orders a market's engine loads when it starts takes it.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = sa.text("status IN ('NEW', 'PARTIALLY_FILLED')")
AFTER = sa.text("status IN ('NEW', 'PARTIALLY_FILLED', 'PENDING_NEW')")


def upgrade() -> None:
    op.drop_index("ix_orders_open", table_name="orders", postgresql_where=BEFORE)
    op.create_index("ix_orders_open", "orders", ["symbol", "order_id"], postgresql_where=AFTER)


def downgrade() -> None:
    op.drop_index("ix_orders_open", table_name="orders", postgresql_where=AFTER)
    op.create_index("ix_orders_open", "orders", ["symbol", "order_id"], postgresql_where=BEFORE)
