"""Deposits and withdrawals entered from outside are recorded by reference, so that a retried
request moves money once.

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


def downgrade() -> None:
    op.drop_table("transfers")
