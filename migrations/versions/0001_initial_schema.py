"""The initial schema, and a check at commit that every journal entry balances per asset.

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Deferred to commit, so that an entry's postings may be inserted one by one.
BALANCE_CHECK = """
CREATE FUNCTION postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM postings WHERE entry_id = NEW.entry_id
        GROUP BY asset HAVING sum(amount) <> 0
    ) THEN
        RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""
BALANCE_TRIGGER = """
CREATE CONSTRAINT TRIGGER postings_balance AFTER INSERT OR UPDATE ON postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION postings_balance();
"""


def upgrade() -> None:
    op.create_table(
        "balances",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("available", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("locked", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.CheckConstraint(
            "account_id = -1 OR (available >= 0 AND locked >= 0)",
            name=op.f("ck_balances_never_negative"),
        ),
        sa.PrimaryKeyConstraint("account_id", "asset", name=op.f("pk_balances")),
    )
    op.create_table(
        "candles",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("interval", sa.String(length=4), nullable=False),
        sa.Column("open_time", sa.BigInteger(), nullable=False),
        sa.Column("close_time", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("high", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("low", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("close", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("volume", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("quote_volume", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("trades", sa.BigInteger(), nullable=False),
        sa.Column("taker_buy_volume", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("taker_buy_quote_volume", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("first_trade_id", sa.BigInteger(), nullable=False),
        sa.Column("last_trade_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", "interval", "open_time", name=op.f("pk_candles")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("entry_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_journal_entries")),
    )
    op.create_table(
        "market_leases",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_market_leases")),
    )
    op.create_table(
        "orders",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("client_order_id", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("time_in_force", sa.String(length=8), nullable=False),
        sa.Column("price", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("quote_quantity", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("stp", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("executed", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("cumulative_quote", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "executed >= 0 AND executed <= quantity",
            name=op.f("ck_orders_executed_within_quantity"),
        ),
        sa.PrimaryKeyConstraint("symbol", "order_id", name=op.f("pk_orders")),
        sa.UniqueConstraint(
            "account_id", "symbol", "client_order_id", name=op.f("uq_orders_account_id")
        ),
    )
    op.create_table(
        "outbox",
        sa.Column("outbox_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("events", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("relayed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("outbox_id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_relayed"), "outbox", ["relayed"], unique=False)
    op.create_table(
        "trades",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("trade_id", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("quote_quantity", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("buyer_order_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_order_id", sa.BigInteger(), nullable=False),
        sa.Column("buyer_account_id", sa.BigInteger(), nullable=False),
        sa.Column("seller_account_id", sa.BigInteger(), nullable=False),
        sa.Column("buyer_is_maker", sa.Boolean(), nullable=False),
        sa.Column("buyer_fee", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("seller_fee", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.Column("traded_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0 AND price > 0", name=op.f("ck_trades_positive")),
        sa.PrimaryKeyConstraint("symbol", "trade_id", name=op.f("pk_trades")),
    )
    op.create_index(
        op.f("ix_trades_buyer_account_id"), "trades", ["buyer_account_id"], unique=False
    )
    op.create_index(
        op.f("ix_trades_seller_account_id"), "trades", ["seller_account_id"], unique=False
    )
    op.create_table(
        "users",
        sa.Column("user_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_keys",
        sa.Column("api_key", sa.String(length=128), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_api_keys_user_id")),
        sa.PrimaryKeyConstraint("api_key", name=op.f("pk_api_keys")),
    )
    op.create_index(op.f("ix_api_keys_user_id"), "api_keys", ["user_id"], unique=False)
    op.create_table(
        "postings",
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=38, scale=0), nullable=False),
        sa.CheckConstraint("bucket IN ('available', 'locked')", name=op.f("ck_postings_bucket")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entries.entry_id"], name=op.f("fk_postings_entry_id")
        ),
        sa.PrimaryKeyConstraint("entry_id", "line", name=op.f("pk_postings")),
    )
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.user_id"], name=op.f("fk_sessions_user_id")),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_sessions_refresh_token_hash")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.execute(BALANCE_CHECK)
    op.execute(BALANCE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER postings_balance ON postings")
    op.execute("DROP FUNCTION postings_balance()")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("postings")
    op.drop_index(op.f("ix_api_keys_user_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_index(op.f("ix_trades_seller_account_id"), table_name="trades")
    op.drop_index(op.f("ix_trades_buyer_account_id"), table_name="trades")
    op.drop_table("trades")
    op.drop_index(op.f("ix_outbox_relayed"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("orders")
    op.drop_table("market_leases")
    op.drop_table("journal_entries")
    op.drop_table("candles")
    op.drop_table("balances")
