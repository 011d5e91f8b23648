"""`bourse migrate`: creates the database if it is missing and brings its schema to the latest
migration (or any other revision)."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
# What PostgreSQL answers a CREATE DATABASE of a name taken meanwhile: duplicate_database, or a
# unique_violation of its catalog when the other CREATE commits while this one runs.
TAKEN_NAME = ("42P04", "23505")


async def ensure_database(url: str) -> None:
    target = make_url(url)
    server = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not found:
                try:
                    await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
                except DBAPIError as error:
                    # Another process migrating at the same moment has just created it.
                    if getattr(error.orig, "sqlstate", None) not in TAKEN_NAME:
                        raise
    finally:
        await server.dispose()


def alembic_config(url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The migration the database's schema is at; None for a database never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def latest_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def migrate(url: str, revision: str = "head") -> None:
    asyncio.run(ensure_database(url))
    command.upgrade(alembic_config(url), revision)
