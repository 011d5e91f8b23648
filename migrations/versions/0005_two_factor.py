"""Users' authenticators (TOTP): the secret encrypted, whether it is enabled, the latest time
step accepted, and the digests of the unused recovery codes.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "two_factors",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("recovery_codes", sa.ARRAY(sa.String(64)), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_two_factors_user_id")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_two_factors")),
    )


def downgrade() -> None:
    op.drop_table("two_factors")
