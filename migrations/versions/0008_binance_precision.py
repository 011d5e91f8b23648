"""BTC at Binance's 8 decimals instead of 10, and ETHBTC's lot at 0.001 (docs/precision.md):
every stored BTC amount becomes a hundredth of what it was.

Run with the deployment stopped: it refuses while the outbox holds unrelayed messages, whose
events carry the old units. Amounts finer than 8 decimals are rounded down, and each account's
dust goes to the fee account in a PRECISION journal entry, so that the journal still explains
every balance. A downgrade multiplies the amounts back, leaving the dust with the fee account.

Revision ID: 0008
Revises: 0007
"""

from collections import defaultdict
from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection, text

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as they were when this was written: the markets listed then, BTC's old scale
# over its new one, ETHBTC's new lot in ETH minor units, and the ledger's special accounts.
BTC_BASE_MARKETS = ("BTCUSDT",)
BTC_QUOTE_MARKETS = ("ETHBTC",)
SHIFT = 100
ETH_SCALE = 10**8
ETHBTC_LOT = 100_000
FEE_ACCOUNT = 0
REFERENCE = "migration:0008"
NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
OPEN = "status IN ('NEW', 'PARTIALLY_FILLED')"

# Columns holding BTC: quantities of the markets where BTC is the base, prices and quote
# amounts of those where it is the quote.
BASE_COLUMNS = {
    "orders": ("quantity", "executed", "prevented_quantity"),
    "trades": ("quantity", "buyer_fee"),
    "candles": ("volume", "taker_buy_volume"),
    "prevented_matches": ("quantity", "taker_prevented_quantity", "maker_prevented_quantity"),
}
QUOTE_COLUMNS = {
    "orders": ("price", "quote_quantity", "cumulative_quote"),
    "trades": ("price", "quote_quantity", "seller_fee"),
    "candles": ("open", "high", "low", "close", "quote_volume", "taker_buy_quote_volume"),
    "prevented_matches": ("price",),
}
LEDGER_COLUMNS = {
    "transfers": ("amount",),
    "postings": ("amount",),
    "balances": ("available", "locked"),
}

# Rounds each BTC posting down, then adds a unit back to the postings of each entry that lost
# the most, as many as the entry lacks: every entry still balances.
ROUND_POSTINGS = f"""
WITH rounded AS (
    SELECT entry_id, line, floor(amount / {SHIFT}) AS low,
        amount - floor(amount / {SHIFT}) * {SHIFT} AS lost
    FROM postings WHERE asset = 'BTC'
), ranked AS (
    SELECT entry_id, line, low,
        row_number() OVER (PARTITION BY entry_id ORDER BY lost DESC, line) AS rank,
        -sum(low) OVER (PARTITION BY entry_id) AS short
    FROM rounded
)
UPDATE postings SET amount = low + CASE WHEN rank <= short THEN 1 ELSE 0 END
FROM ranked
WHERE postings.entry_id = ranked.entry_id AND postings.line = ranked.line
"""


def upgrade() -> None:
    connection = op.get_bind()
    if connection.scalar(text("SELECT count(*) FROM outbox")):
        raise RuntimeError(
            "the outbox holds unrelayed messages in the old units: stop the deployment's "
            "engines, let the relay empty the outbox, then migrate"
        )
    op.execute("DELETE FROM command_answers")
    _cancel_off_grid_orders(connection)
    op.execute(ROUND_POSTINGS)
    # A repeat of a transfer finer than 8 decimals is now refused before its record is read.
    op.execute(f"DELETE FROM transfers WHERE asset = 'BTC' AND amount < {SHIFT}")
    _rescale(f"floor({{}} / {SHIFT})", ("transfers",))
    _round_balances(connection)


def downgrade() -> None:
    _rescale(f"{{}} * {SHIFT}", ("transfers", "postings", "balances"))


def _rescale(expression: str, ledger_tables: Sequence[str]) -> None:
    """Sets every BTC amount of the markets' records, and of `ledger_tables`, to `expression`
    of itself."""
    for markets, columns in ((BTC_BASE_MARKETS, BASE_COLUMNS), (BTC_QUOTE_MARKETS, QUOTE_COLUMNS)):
        symbols = ", ".join(f"'{symbol}'" for symbol in markets)
        for table, names in columns.items():
            changes = ", ".join(f"{name} = {expression.format(name)}" for name in names)
            op.execute(f"UPDATE {table} SET {changes} WHERE symbol IN ({symbols})")
    for table in ledger_tables:
        names = LEDGER_COLUMNS[table]
        changes = ", ".join(f"{name} = {expression.format(name)}" for name in names)
        op.execute(f"UPDATE {table} SET {changes} WHERE asset = 'BTC'")


def _cancel_off_grid_orders(connection: Connection) -> None:
    """Cancels the open ETHBTC orders whose remaining quantity is off the new lot grid,
    releasing what each holds as a cancel does."""
    found = connection.execute(
        text(
            "SELECT order_id, account_id, side, price, "
            "quantity - executed - prevented_quantity AS remaining FROM orders "
            f"WHERE symbol = 'ETHBTC' AND {OPEN} "
            f"AND mod(quantity - executed - prevented_quantity, {ETHBTC_LOT}) <> 0 "
            "ORDER BY order_id"
        )
    ).all()
    for order in found:
        remaining = int(order.remaining)
        asset, held = (
            ("BTC", int(order.price) * remaining // ETH_SCALE)
            if order.side == "BUY"
            else ("ETH", remaining)
        )
        account = order.account_id
        _post(
            connection,
            "RELEASE",
            f"ETHBTC:{order.order_id}",
            [(account, asset, "available", held), (account, asset, "locked", -held)],
        )
        connection.execute(
            text(
                "UPDATE balances SET available = available + :held, locked = locked - :held "
                "WHERE account_id = :account AND asset = :asset"
            ),
            {"held": held, "account": account, "asset": asset},
        )
        connection.execute(
            text(
                f"UPDATE orders SET status = 'CANCELED', updated_at = {NOW} "
                "WHERE symbol = 'ETHBTC' AND order_id = :order_id"
            ),
            {"order_id": order.order_id},
        )


def _round_balances(connection: Connection) -> None:
    """Rounds every BTC balance down (the world's, negative, too), gives the fee account what
    that took, and posts each account's difference between its balance and its rounded
    journal in a PRECISION entry with the fee account."""
    op.execute(
        f"UPDATE balances SET available = floor(available / {SHIFT}), "
        f"locked = floor(locked / {SHIFT}) WHERE asset = 'BTC'"
    )
    op.execute(
        "INSERT INTO balances (account_id, asset, available, locked) "
        f"SELECT {FEE_ACCOUNT}, 'BTC', -sum(CASE account_id WHEN {FEE_ACCOUNT} THEN locked "
        "ELSE available + locked END), 0 FROM balances WHERE asset = 'BTC' HAVING count(*) > 0 "
        "ON CONFLICT (account_id, asset) DO UPDATE SET available = excluded.available"
    )
    differences: dict[int, list[tuple[int, str, str, int]]] = defaultdict(list)
    rows = connection.execute(
        text(
            "SELECT b.account_id, k.name, "
            "CASE k.name WHEN 'available' THEN b.available ELSE b.locked END "
            "- coalesce(sum(p.amount), 0) AS missing "
            "FROM balances b CROSS JOIN (VALUES ('available'), ('locked')) AS k(name) "
            "LEFT JOIN postings p ON p.account_id = b.account_id AND p.asset = 'BTC' "
            "AND p.bucket = k.name "
            f"WHERE b.asset = 'BTC' AND b.account_id <> {FEE_ACCOUNT} "
            "GROUP BY b.account_id, k.name, b.available, b.locked ORDER BY b.account_id, k.name"
        )
    )
    for account_id, bucket, missing in rows:
        if missing:
            differences[account_id].append((account_id, "BTC", bucket, int(missing)))
    for postings in differences.values():
        dust = -sum(amount for *_, amount in postings)
        fee = (FEE_ACCOUNT, "BTC", "available", dust)
        _post(connection, "PRECISION", REFERENCE, [*postings, fee])


def _post(
    connection: Connection, kind: str, reference: str, postings: list[tuple[int, str, str, int]]
) -> None:
    """Writes a journal entry's record alone: the caller keeps the balances."""
    entry_id = connection.scalar(
        text(
            "INSERT INTO journal_entries (kind, reference, created_at) "
            f"VALUES (:kind, :reference, {NOW}) RETURNING entry_id"
        ),
        {"kind": kind, "reference": reference},
    )
    lines = [posting for posting in postings if posting[3]]
    connection.execute(
        text(
            "INSERT INTO postings (entry_id, line, account_id, asset, bucket, amount) "
            "VALUES (:entry_id, :line, :account_id, :asset, :bucket, :amount)"
        ),
        [
            {"entry_id": entry_id, "line": line, "account_id": account, "asset": asset,
             "bucket": bucket, "amount": amount}
            for line, (account, asset, bucket, amount) in enumerate(lines, start=1)
        ],
    )  # fmt: skip
