"""A database and a Redis database of the test's own, on loopback. A server that cannot be
reached fails the test with how to start it: these tests are never skipped."""

import asyncio
import os
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from entrypoints.migrate import migrate
from tests.conftest import REDIS_APART as REDIS

POSTGRES = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability: kills the server or restarts PostgreSQL; slow, run on purpose"
    )


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


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new database, migrated, dropped after the test."""
    url = f"{POSTGRES}/bourse_{request.node.name.removeprefix('test_')}_{os.getpid()}"
    try:
        asyncio.run(_drop(url))
    except (OSError, DBAPIError) as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES} ({error}); start it with `{START_POSTGRES}`"
        )
    migrate(url)
    yield url
    asyncio.run(_drop(url))


@pytest.fixture
def redis_url() -> str:
    """A Redis database of this worker's own, apart from the other suites', emptied."""
    client = redis.Redis.from_url(REDIS)
    try:
        client.flushdb()
    except (OSError, redis.ConnectionError) as error:
        pytest.fail(f"Redis is not reachable at {REDIS} ({error}); start it with `{START_REDIS}`")
    finally:
        client.close()
    return REDIS
