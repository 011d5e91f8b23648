"""The answers of the commands the engines committed, by the id their sender gave them: a
command delivered again by the command bus is answered from here, not applied twice.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_answers",
        sa.Column("command_id", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("answer", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("command_id", name="pk_command_answers"),
    )
    op.create_index("ix_command_answers_symbol", "command_answers", ["symbol", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_command_answers_symbol", table_name="command_answers")
    op.drop_table("command_answers")
