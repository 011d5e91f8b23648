"""The real servers the suites run against: PostgreSQL and Redis on loopback, and a moto server
standing in for AWS. A server that cannot be reached fails the test with how to start it; it
is never skipped."""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as redis
from sqlalchemy import insert, make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.memory.demo_listing import demo_markets
from adapters.postgres.database import create_engine
from adapters.postgres.listings import asset_row, market_row
from adapters.postgres.schema import assets, markets, metadata
from domain import exchange
from entrypoints.migrate import migrate
from tests.moto_server import moto_url  # a fixture of every suite

__all__ = ["moto_url"]

POSTGRES = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
# `make test` runs the suite on pytest-xdist workers ("gw0", "gw1", ...), each with two Redis
# databases of its own: 9 and 8 for the first, 7 and 6 for the second, and so on down; a run in
# one process takes 15 and 14. The second is for tests that need one apart (tests/reliability).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
FIRST_DB = 15 if WORKER is None else 9 - 2 * int(WORKER.removeprefix("gw"))
REDIS = os.environ.get("BOURSE_TEST_REDIS", f"redis://127.0.0.1:6379/{FIRST_DB}")
REDIS_APART = os.environ.get("BOURSE_TEST_REDIS_APART", f"redis://127.0.0.1:6379/{FIRST_DB - 1}")
# Between tests alone, the audit log is emptied like every table: its triggers refuse TRUNCATE
# but (as all triggers) do not fire for a superuser's session replicating data.
APPEND_ONLY_OFF = "SET LOCAL session_replication_role = replica"
# Tests that share a session's fixtures too costly to make twice run on one worker together.
ONE_WORKER = ("tests/infrastructure/",)  # the synthesized Terraform (cdktf, ~2 minutes)


def pytest_report_header() -> str:
    return f"domain: {'compiled' if exchange.__file__.endswith('.so') else 'pure Python'}"


def pytest_configure(config: pytest.Config) -> None:
    # Python imports a compiled module of the domain (`make` builds them) instead of its source:
    # one older than its source would test what the source no longer says.
    domain = Path(exchange.__file__).parent
    stale = [
        source.name
        for source in sorted(domain.glob("*.py"))
        for built in domain.glob(f"{source.stem}.*.so")
        if built.stat().st_mtime < source.stat().st_mtime
    ]
    if stale:
        raise pytest.UsageError(
            f"domain/{', '.join(stale)} changed since compiled: `make` compiles them anew"
        )
    config.addinivalue_line(
        "markers",
        "alone: restarts a server the others share; `make test` runs it after them, by itself",
    )


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Hands the workers a test module at a time (its live servers start once), and each
    directory of `ONE_WORKER` whole."""
    from xdist.scheduler import LoadScopeScheduling

    class BySharedFixtures(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
        def _split_scope(self, nodeid: str) -> str:
            shared = next((scope for scope in ONE_WORKER if nodeid.startswith(scope)), None)
            return shared or super()._split_scope(nodeid)

    return BySharedFixtures(config, log)


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
    """An emptied Redis database of this worker's own."""
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
    """Empties the database as a new one is: every table, but the demo markets listed."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await _as_migrated(connection)
    finally:
        await engine.dispose()


async def _as_migrated(connection: AsyncConnection) -> None:
    tables = ", ".join(f'"{name}"' for name in metadata.tables)
    await connection.execute(text(APPEND_ONLY_OFF))
    await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    listed = demo_markets()
    codes = {asset.code: asset for market in listed for asset in (market.base, market.quote)}
    await connection.execute(insert(assets), [asset_row(asset) for asset in codes.values()])
    await connection.execute(insert(markets), [market_row(market) for market in listed])


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the session's database, emptied before the test as `empty` does."""
    engine = create_engine(postgres_url, pool_size=2)
    async with engine.begin() as connection:
        await _as_migrated(connection)
    yield engine
    await engine.dispose()
