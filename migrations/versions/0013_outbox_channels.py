"""The outbox keeps a message apart for each channel it is relayed to (the streams, and the
event log in `aws` mode), so that an outage of one does not hold the other up; each account
gets a sequence number over its events on the event log, drawn from a counter at commit.

Revision ID: 0013
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0010"
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


def downgrade() -> None:
    op.drop_table("account_sequences")
    op.execute("DELETE FROM outbox WHERE channel = 'log'")
    op.drop_index(op.f("ix_outbox_channel"), table_name="outbox")
    op.drop_constraint(op.f("ck_outbox_channel"), "outbox", type_="check")
    op.drop_column("outbox", "account_sequences")
    op.drop_column("outbox", "channel")
