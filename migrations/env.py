"""Runs migrations on the database named by `sqlalchemy.url`, or BOURSE_DATABASE_URL."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.schema import metadata
from entrypoints.settings import database_url

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url()


# The key of the advisory lock under which migrations run: the engine tasks of a deployment each
# migrate before they start, and one waits for the other instead of running the same upgrade.
MIGRATION_LOCK = 0x626F75727365  # "bourse"


def migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        # Taken before alembic reads the revision the schema is at; held to the commit.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def run() -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run())
