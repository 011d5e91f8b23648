"""The PostgreSQL (Aurora) system of record: every table, with the constraints that keep money
right even against a buggy writer. Amounts are NUMERIC minor units, never floats."""

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from domain.assets import MAX_HOLDINGS

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

EXTERNAL_ACCOUNT = -1  # the world outside: its balance is the negative of all holdings
# An order in one of these is open: on the book, a waiting stop, or pending in an OTO list.
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED", "PENDING_NEW")


def amount(name: str, nullable: bool = False) -> Column[Decimal]:
    return Column(name, Numeric(38, 0), nullable=nullable)


users = Table(
    "users",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# The HMAC secret must be read back to check signatures, so it is stored encrypted, not hashed.
api_keys = Table(
    "api_keys",
    metadata,
    Column("api_key", String(128), primary_key=True),
    Column("secret_ciphertext", LargeBinary, nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.user_id"), nullable=False, index=True),
    Column("label", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("key_type", String(16), nullable=False, server_default="HMAC"),
    Column("public_key", Text, nullable=True),  # PEM, of an Ed25519 or RSA key
    Column("can_trade", Boolean, nullable=False, server_default=text("true")),
    Column("allowed_ips", ARRAY(String(64)), nullable=False, server_default=text("'{}'")),
)

# The TOTP secret must be read back to check codes, so it is stored encrypted, like API secrets.
two_factors = Table(
    "two_factors",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.user_id"), primary_key=True),
    Column("secret_ciphertext", LargeBinary, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("last_step", BigInteger, nullable=False),
    Column("recovery_codes", ARRAY(String(64)), nullable=False),
    Column("version", BigInteger, nullable=False),
)

balances = Table(
    "balances",
    metadata,
    Column("account_id", BigInteger, nullable=False),
    Column("asset", String(16), nullable=False),
    amount("available"),
    amount("locked"),
    PrimaryKeyConstraint("account_id", "asset"),
    CheckConstraint(
        f"account_id = {EXTERNAL_ACCOUNT} OR (available >= 0 AND locked >= 0)",
        name="never_negative",
    ),
    # The world's balance is the negative of all the exchange holds of the asset.
    CheckConstraint(
        f"account_id <> {EXTERNAL_ACCOUNT} OR available >= -{MAX_HOLDINGS}",
        name="holdings_limit",
    ),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("entry_id", BigInteger, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("reference", String(128), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

postings = Table(
    "postings",
    metadata,
    Column("entry_id", BigInteger, ForeignKey("journal_entries.entry_id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("account_id", BigInteger, nullable=False),
    Column("asset", String(16), nullable=False),
    Column("bucket", String(16), nullable=False),
    amount("amount"),
    PrimaryKeyConstraint("entry_id", "line"),
    CheckConstraint("bucket IN ('available', 'locked')", name="bucket"),
    Index(None, "account_id", "entry_id"),  # statements
)

# Deposits and withdrawals entered from outside: the primary key lets a reference move money
# once, however many times the request is sent, and by however many processes.
transfers = Table(
    "transfers",
    metadata,
    Column("reference", String(128), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("account_id", BigInteger, nullable=False),
    Column("asset", String(16), nullable=False),
    amount("amount"),
    CheckConstraint("amount > 0", name="positive"),
)

orders = Table(
    "orders",
    metadata,
    Column("symbol", String(32), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("account_id", BigInteger, nullable=False),
    Column("client_order_id", String(64), nullable=False),
    Column("side", String(8), nullable=False),
    Column("type", String(24), nullable=False),
    Column("time_in_force", String(8), nullable=False),
    amount("price"),
    amount("quantity"),
    amount("quote_quantity"),
    Column("stp", String(16), nullable=False),
    Column("status", String(24), nullable=False),
    amount("executed"),
    amount("cumulative_quote"),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("prevented_quantity", Numeric(38, 0), nullable=False, server_default="0"),
    Column("prevented_match_id", BigInteger, nullable=True),
    Column("stop_price", Numeric(38, 0), nullable=False, server_default="0"),
    Column("trailing_delta", Integer, nullable=False, server_default="0"),
    Column("trail_price", Numeric(38, 0), nullable=False, server_default="0"),
    Column("working_time", BigInteger, nullable=False, server_default="-1"),
    Column("iceberg_quantity", Numeric(38, 0), nullable=False, server_default="0"),
    Column("hidden", Numeric(38, 0), nullable=False, server_default="0"),
    Column("queued_at", BigInteger, nullable=False, server_default="0"),
    # The market sequence of the command that changed it last: what changed after a snapshot.
    Column("sequence", BigInteger, nullable=False, server_default="0"),
    Column("order_list_id", BigInteger, nullable=False, server_default="-1"),
    Column("list_client_order_id", String(64), nullable=False, server_default=""),
    Column("trailing_time", BigInteger, nullable=False, server_default="-1"),
    PrimaryKeyConstraint("symbol", "order_id"),
    CheckConstraint("executed >= 0 AND executed <= quantity", name="executed_within_quantity"),
    # Not unique: Binance lets a client order id be used again once its order is closed.
    Index(None, "account_id", "symbol", "client_order_id"),
    # The account's orders in a status: its open orders, whatever else it placed.
    Index("ix_orders_account_status", "account_id", "symbol", "status"),
    # The account's order lists, newest first.
    Index(
        "ix_orders_lists",
        "account_id",
        "order_list_id",
        postgresql_where=text("order_list_id >= 0"),
    ),
    # A market's book, loaded when its engine starts.
    Index(
        "ix_orders_open",
        "symbol",
        "order_id",
        postgresql_where=text(f"status IN {OPEN_STATUSES}"),
    ),
    Index("ix_orders_changed", "symbol", "sequence"),
)

# Each market's last snapshot of its open orders (`application.rebuild`).
open_orders_snapshots = Table(
    "open_orders_snapshots",
    metadata,
    Column("symbol", String(32), primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    Column("orders", LargeBinary, nullable=False),  # msgpack of `domain.orders.Order`s
    Column("taken_at", BigInteger, nullable=False),
)

trades = Table(
    "trades",
    metadata,
    Column("symbol", String(32), nullable=False),
    Column("trade_id", BigInteger, nullable=False),
    amount("price"),
    amount("quantity"),
    amount("quote_quantity"),
    Column("buyer_order_id", BigInteger, nullable=False),
    Column("seller_order_id", BigInteger, nullable=False),
    Column("buyer_account_id", BigInteger, nullable=False),
    Column("seller_account_id", BigInteger, nullable=False),
    Column("buyer_is_maker", Boolean, nullable=False),
    amount("buyer_fee"),
    amount("seller_fee"),
    Column("traded_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("symbol", "trade_id"),
    CheckConstraint("quantity > 0 AND price > 0", name="positive"),
    Index(None, "buyer_account_id", "symbol", "trade_id"),
    Index(None, "seller_account_id", "symbol", "trade_id"),
    Index(None, "symbol", "traded_at"),
)

prevented_matches = Table(
    "prevented_matches",
    metadata,
    Column("symbol", String(32), nullable=False),
    Column("prevented_match_id", BigInteger, nullable=False),
    Column("taker_order_id", BigInteger, nullable=False),
    Column("maker_order_id", BigInteger, nullable=False),
    Column("account_id", BigInteger, nullable=False),
    Column("mode", String(16), nullable=False),
    amount("price"),
    amount("quantity"),
    amount("taker_prevented_quantity"),
    amount("maker_prevented_quantity"),
    Column("prevented_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("symbol", "prevented_match_id"),
    Index(None, "account_id", "symbol", "prevented_match_id"),
)

market_status_changes = Table(
    "market_status_changes",
    metadata,
    Column("change_id", BigInteger, primary_key=True, autoincrement=True),
    Column("symbol", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changed_at", BigInteger, nullable=False),
    CheckConstraint("status IN ('TRADING', 'HALT', 'BREAK', 'CANCEL_ONLY')", name="status"),
    Index(None, "symbol", "change_id"),
)

candles = Table(
    "candles",
    metadata,
    Column("symbol", String(32), nullable=False),
    Column("interval", String(4), nullable=False),
    Column("open_time", BigInteger, nullable=False),
    Column("close_time", BigInteger, nullable=False),
    amount("open"),
    amount("high"),
    amount("low"),
    amount("close"),
    amount("volume"),
    amount("quote_volume"),
    Column("trades", BigInteger, nullable=False),
    amount("taker_buy_volume"),
    amount("taker_buy_quote_volume"),
    Column("first_trade_id", BigInteger, nullable=False),
    Column("last_trade_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("symbol", "interval", "open_time"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("outbox_id", BigInteger, primary_key=True, autoincrement=True),
    Column("symbol", String(32), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("events", LargeBinary, nullable=False),  # msgpack, see `application.relay`
    # A message waits on each channel in a row of its own (`application.records.OutboxChannel`).
    Column("channel", String(8), nullable=False, server_default="streams"),
    # The event log's rows: msgpack {account: its first sequence number in the message}.
    Column("account_sequences", LargeBinary, nullable=True),
    CheckConstraint("channel IN ('streams', 'log')", name="channel"),
    Index(None, "channel", "outbox_id"),
)

# Each account's last sequence number on the event log (`application.account_sequences`).
account_sequences = Table(
    "account_sequences",
    metadata,
    Column("account_id", BigInteger, primary_key=True),
    Column("sequence", BigInteger, nullable=False),
)

market_leases = Table(
    "market_leases",
    metadata,
    Column("symbol", String(32), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("epoch", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("sequence", BigInteger, nullable=False, server_default="0"),
    Column("held_since", BigInteger, nullable=False, server_default="0"),
)

command_answers = Table(
    "command_answers",
    metadata,
    Column("command_id", String(64), primary_key=True),
    Column("symbol", String(32), nullable=False),
    Column("answer", LargeBinary, nullable=False),  # msgpack, see `application.bus`
    Column("recorded_at", BigInteger, nullable=False),
    Index(None, "symbol", "recorded_at"),
)

admins = Table(
    "admins",
    metadata,
    Column("user_id", BigInteger, ForeignKey("users.user_id"), primary_key=True),
    Column("granted_at", BigInteger, nullable=False),
)

frozen_accounts = Table(
    "frozen_accounts",
    metadata,
    Column("account_id", BigInteger, ForeignKey("users.user_id"), primary_key=True),
    Column("frozen_at", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
)

# Appended to, never changed: triggers of migration 0012 refuse UPDATE, DELETE and TRUNCATE.
audit_log = Table(
    "audit_log",
    metadata,
    Column("entry_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False),
    Column("actor", String(254), nullable=False),
    Column("act", String(64), nullable=False),
    Column("params", JSONB, nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "actor", "entry_id"),
    Index(None, "act", "entry_id"),
    Index(None, "at"),
)

# What is listed: assets and markets, each market with its filters (minor units of its assets)
# and its fees (basis points). Tick and step sizes are set at listing (see `domain.listing`).
assets = Table(
    "assets",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("precision", Integer, nullable=False),
    CheckConstraint("precision BETWEEN 0 AND 18", name="precision"),
)

markets = Table(
    "markets",
    metadata,
    Column("symbol", String(32), primary_key=True),
    Column("listing_id", BigInteger, Identity(), nullable=False, unique=True),  # listing order
    Column("base_asset", String(16), ForeignKey("assets.code"), nullable=False),
    Column("quote_asset", String(16), ForeignKey("assets.code"), nullable=False),
    Column("tick_size", BigInteger, nullable=False),
    Column("step_size", BigInteger, nullable=False),
    Column("min_price", BigInteger, nullable=False),
    Column("max_price", BigInteger, nullable=False),  # 0: none
    Column("min_quantity", BigInteger, nullable=False),
    Column("max_quantity", BigInteger, nullable=False),
    Column("market_max_quantity", BigInteger, nullable=False),  # 0: max_quantity
    Column("min_notional", BigInteger, nullable=False),
    Column("max_notional", BigInteger, nullable=False),
    Column("maker_fee_bps", Integer, nullable=False),
    Column("taker_fee_bps", Integer, nullable=False),
    Column("max_num_orders", Integer, nullable=False),
    Column("max_num_algo_orders", Integer, nullable=False),
    Column("iceberg_parts", Integer, nullable=False),
    CheckConstraint("tick_size > 0 AND step_size > 0", name="grid"),
    CheckConstraint(
        "maker_fee_bps BETWEEN 0 AND 10000 AND taker_fee_bps BETWEEN 0 AND 10000", name="fees"
    ),
)
