"""The PostgreSQL schema: migrations build it from nothing and take it down again, agree with
the models, and the database itself refuses a negative balance, holdings beyond the limit or
an unbalanced entry."""

import asyncio
import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, insert, make_url, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.schema import balances, journal_entries, metadata, postings
from domain.assets import MAX_HOLDINGS
from entrypoints.migrate import alembic_config, migrate

SERVER = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _drop(url: str) -> None:
    target = make_url(url)
    server = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    await server.dispose()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    url = f"{SERVER}/bourse_test_{os.getpid()}"
    try:
        asyncio.run(_drop(url))
    except OSError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {SERVER} ({error}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    migrate(url)
    yield url
    asyncio.run(_drop(url))


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def _run(url: str, statements: list[object]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(statement)  # type: ignore[call-overload]
    finally:
        await engine.dispose()


def test_the_models_and_the_migrations_agree(database_url: str) -> None:
    async def compare() -> list[object]:
        engine = create_async_engine(database_url)
        async with engine.connect() as connection:
            found = await connection.run_sync(_differences)
        await engine.dispose()
        return found

    assert asyncio.run(compare()) == []


def test_every_migration_downgrades_cleanly(database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "base")

    async def tables() -> set[str]:
        engine = create_async_engine(database_url)
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            names = {row[0] for row in rows}
        await engine.dispose()
        return names

    assert asyncio.run(tables()) == {"alembic_version"}
    migrate(database_url)
    assert asyncio.run(tables()) == set(metadata.tables) | {"alembic_version"}


def test_the_database_refuses_a_negative_balance(database_url: str) -> None:
    negative = insert(balances).values(account_id=7, asset="BTC", available=-1, locked=0)
    with pytest.raises(IntegrityError, match="never_negative"):
        asyncio.run(_run(database_url, [negative]))
    world = insert(balances).values(account_id=-1, asset="BTC", available=-5, locked=0)
    asyncio.run(_run(database_url, [world]))


def test_the_database_refuses_to_hold_more_than_the_limit(database_url: str) -> None:
    def world(available: int) -> object:
        return insert(balances).values(account_id=-1, asset="ETH", available=available, locked=0)

    with pytest.raises(IntegrityError, match="holdings_limit"):
        asyncio.run(_run(database_url, [world(-MAX_HOLDINGS - 1)]))
    asyncio.run(_run(database_url, [world(-MAX_HOLDINGS)]))


def test_the_database_refuses_an_unbalanced_journal_entry(database_url: str) -> None:
    entry = insert(journal_entries).values(entry_id=1, kind="DEPOSIT", reference="", created_at=0)

    def line(number: int, account: int, amount: int) -> object:
        return insert(postings).values(
            entry_id=1, line=number, account_id=account, asset="USDT", bucket="available",
            amount=amount,
        )  # fmt: skip

    with pytest.raises(DBAPIError, match="does not balance"):
        asyncio.run(_run(database_url, [entry, line(1, -1, -100), line(2, 7, 99)]))
    asyncio.run(_run(database_url, [entry, line(1, -1, -100), line(2, 7, 100)]))
