"""Deposits and withdrawals entered from outside are recorded by reference, so that a retried
request moves money once; the exchange holds at most 2**63 - 1 minor units of each asset.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# domain.assets.MAX_HOLDINGS when this was written; the world's balance is minus the holdings.
HOLDINGS_LIMIT = "account_id <> -1 OR available >= -9223372036854775807"


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_transfers_positive")),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_transfers")),
    )
    op.create_check_constraint(op.f("ck_balances_holdings_limit"), "balances", HOLDINGS_LIMIT)


def downgrade() -> None:
    op.drop_constraint(op.f("ck_balances_holdings_limit"), "balances", type_="check")
    op.drop_table("transfers")
