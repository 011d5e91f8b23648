"""Sessions leave PostgreSQL (for Redis); the outbox holds msgpack and deletes what it relayed;
leases record the market's sequence; the indexes the history's queries need; a client order
id may be used again once its order is closed.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status IN ('NEW', 'PARTIALLY_FILLED')")


def upgrade() -> None:
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")

    op.drop_index("ix_outbox_relayed", table_name="outbox")
    op.execute("DELETE FROM outbox WHERE relayed")
    op.drop_column("outbox", "relayed")
    op.alter_column(
        "outbox",
        "events",
        type_=sa.LargeBinary(),
        postgresql_using=(
            "CASE WHEN jsonb_typeof(events) = 'string' THEN decode(events #>> '{}', 'base64') "
            "ELSE convert_to(events::text, 'UTF8') END"
        ),
    )
    op.add_column(
        "market_leases",
        sa.Column("sequence", sa.BigInteger(), server_default="0", nullable=False),
    )

    op.drop_constraint("uq_orders_account_id", "orders", type_="unique")
    op.create_index("ix_orders_account_id", "orders", ["account_id", "symbol", "client_order_id"])
    op.create_index("ix_orders_open", "orders", ["symbol", "order_id"], postgresql_where=OPEN)

    op.drop_index("ix_trades_buyer_account_id", table_name="trades")
    op.drop_index("ix_trades_seller_account_id", table_name="trades")
    op.create_index(
        "ix_trades_buyer_account_id", "trades", ["buyer_account_id", "symbol", "trade_id"]
    )
    op.create_index(
        "ix_trades_seller_account_id", "trades", ["seller_account_id", "symbol", "trade_id"]
    )
    op.create_index("ix_trades_symbol", "trades", ["symbol", "traded_at"])
    op.create_index("ix_postings_account_id", "postings", ["account_id", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_postings_account_id", table_name="postings")
    op.drop_index("ix_trades_symbol", table_name="trades")
    op.drop_index("ix_trades_seller_account_id", table_name="trades")
    op.drop_index("ix_trades_buyer_account_id", table_name="trades")
    op.create_index("ix_trades_seller_account_id", "trades", ["seller_account_id"])
    op.create_index("ix_trades_buyer_account_id", "trades", ["buyer_account_id"])

    op.drop_index("ix_orders_open", table_name="orders", postgresql_where=OPEN)
    op.drop_index("ix_orders_account_id", table_name="orders")
    op.create_unique_constraint(
        "uq_orders_account_id", "orders", ["account_id", "symbol", "client_order_id"]
    )

    op.drop_column("market_leases", "sequence")
    # msgpack is not JSON: pending messages go back as base64 strings, and up again intact.
    op.alter_column(
        "outbox",
        "events",
        type_=postgresql.JSONB(astext_type=sa.Text()),
        postgresql_using="to_jsonb(encode(events, 'base64'))",
    )
    op.add_column(
        "outbox", sa.Column("relayed", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.alter_column("outbox", "relayed", server_default=None)
    op.create_index("ix_outbox_relayed", "outbox", ["relayed"])

    op.create_table(
        "sessions",
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name="fk_sessions_user_id"),
        sa.PrimaryKeyConstraint("session_id", name="pk_sessions"),
        sa.UniqueConstraint("refresh_token_hash", name="uq_sessions_refresh_token_hash"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
