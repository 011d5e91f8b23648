"""Market states: every change of a market's status, kept for good; a market's status is its
last change's, and TRADING before its first.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "market_status_changes",
        sa.Column("change_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "status IN ('TRADING', 'HALT', 'BREAK', 'CANCEL_ONLY')",
            name=op.f("ck_market_status_changes_status"),
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_market_status_changes")),
    )
    op.create_index(
        op.f("ix_market_status_changes_symbol"),
        "market_status_changes",
        ["symbol", "change_id"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_market_status_changes_symbol"), table_name="market_status_changes")
    op.drop_table("market_status_changes")
