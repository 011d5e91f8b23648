"""The outbox keeps a message apart for each channel it is relayed to (the streams, and the
event log in `aws` mode), so that an outage of one does not hold the other up; each account
gets a sequence number over its events on the event log, drawn from a counter at commit;
each order keeps the market sequence of the command that changed it last, and each market a
snapshot of its open orders, so that an engine starts from the snapshot and the orders changed
after it.

Deploy it with no process of the version before running the relay or the engines (stop the
`marketdata` and `engine` services, migrate, start the new image): a relay of the version before
reads every outbox row whatever its channel, and so would publish the event log's copies to the
streams as well, and an engine of the version before writes no event log copy, whose commands
would then never reach Kinesis.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox",
        sa.Column("channel", sa.String(8), server_default="streams", nullable=False),
    )
    op.add_column("outbox", sa.Column("account_sequences", sa.LargeBinary(), nullable=True))
    op.create_check_constraint(op.f("ck_outbox_channel"), "outbox", "channel IN ('streams', 'log')")
    op.create_index(op.f("ix_outbox_channel"), "outbox", ["channel", "outbox_id"])
    op.create_table(
        "account_sequences",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_sequences")),
    )
    op.add_column(
        "orders", sa.Column("sequence", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.create_index("ix_orders_changed", "orders", ["symbol", "sequence"])
    op.create_table(
        "open_orders_snapshots",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.LargeBinary(), nullable=False),
        sa.Column("taken_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol", name=op.f("pk_open_orders_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("open_orders_snapshots")
    op.drop_index("ix_orders_changed", table_name="orders")
    op.drop_column("orders", "sequence")
    op.drop_table("account_sequences")
    op.execute("DELETE FROM outbox WHERE channel = 'log'")
    op.drop_index(op.f("ix_outbox_channel"), table_name="outbox")
    op.drop_constraint(op.f("ck_outbox_channel"), "outbox", type_="check")
    op.drop_column("outbox", "account_sequences")
    op.drop_column("outbox", "channel")
