"""The real servers the suites run against: PostgreSQL and Redis on loopback, and a moto server
standing in for AWS. A server that cannot be reached fails the test with how to start it; it
is never skipped."""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.postgres.database import create_engine
from adapters.postgres.schema import metadata
from entrypoints.migrate import migrate
from tests.moto_server import moto_url  # a fixture of every suite

__all__ = ["moto_url"]

POSTGRES = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BOURSE_TEST_REDIS", "redis://127.0.0.1:6379/15")


async def _drop(url: str) -> None:
    target = make_url(url)
    server = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as connection:
            await connection.execute(
                text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
            )
    finally:
        await server.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test run, migrated to the latest schema."""
    url = f"{POSTGRES}/bourse_contract_{os.getpid()}"
    try:
        asyncio.run(_drop(url))
    except OSError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES} ({error}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    migrate(url)
    yield url
    asyncio.run(_drop(url))


@pytest.fixture
async def redis_url() -> str:
    """An emptied Redis database (number 15, which nothing else uses)."""
    client = redis.from_url(REDIS)
    try:
        await client.flushdb()
    except (OSError, redis.ConnectionError) as error:
        pytest.fail(
            f"Redis is not reachable at {REDIS} ({error}); start it with `redis-server "
            '--daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`'
        )
    finally:
        await client.aclose()
    return REDIS


async def empty(url: str) -> None:
    """Empties every table of the database."""
    engine = create_engine(url, pool_size=1)
    tables = ", ".join(f'"{name}"' for name in metadata.tables)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the session's database, emptied before the test."""
    engine = create_engine(postgres_url, pool_size=2)
    tables = ", ".join(f'"{name}"' for name in metadata.tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()
