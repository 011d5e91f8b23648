"""API keys as Binance has them: a type (HMAC with a secret, or Ed25519 or RSA with the public
key its owner registered), a permission to trade, and an optional allow-list of addresses.
Existing keys stay HMAC keys that may trade from anywhere.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_keys",
        sa.Column("key_type", sa.String(16), nullable=False, server_default="HMAC"),
    )
    op.add_column("api_keys", sa.Column("public_key", sa.Text(), nullable=True))
    op.add_column(
        "api_keys",
        sa.Column("can_trade", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "api_keys",
        sa.Column(
            "allowed_ips",
            postgresql.ARRAY(sa.String(64)),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )


def downgrade() -> None:
    for column in ("allowed_ips", "can_trade", "public_key", "key_type"):
        op.drop_column("api_keys", column)
