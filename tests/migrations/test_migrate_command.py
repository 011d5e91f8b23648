"""`bourse migrate` as a deployment runs it: several at once on a database that does not exist
yet (each engine task migrates before it starts), and in aws mode, signing in with the user and
password that the database's secret holds."""

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from entrypoints.migrate import latest_revision, schema_revision
from tests.aws_mode import aws_environment
from tests.conftest import REDIS

SERVER = os.environ.get("BOURSE_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120


async def _drop(url: str) -> None:
    target = make_url(url)
    server = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with server.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    await server.dispose()


async def _revision(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        return await schema_revision(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def new_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database name nobody has made yet; dropped after the test."""
    url = f"{SERVER}/bourse_{request.node.name.removeprefix('test_')[:30]}_{os.getpid()}"
    asyncio.run(_drop(url))
    yield url
    asyncio.run(_drop(url))


def migrations(arguments: list[str], environment: dict[str, str], count: int) -> list[int]:
    """Runs `bourse migrate <arguments>` `count` times at once; their exit codes."""
    command = [sys.executable, "-m", "entrypoints.cli", "migrate", *arguments]
    started = [
        subprocess.Popen(command, cwd=ROOT, env=os.environ | environment, stderr=subprocess.PIPE)
        for _ in range(count)
    ]
    codes = []
    for process in started:
        _, errors = process.communicate(timeout=TIMEOUT_S)
        assert process.returncode == 0, errors.decode()[-3000:]
        codes.append(process.returncode)
    return codes


def test_migrations_started_together_make_the_schema_once(new_database: str) -> None:
    assert migrations(["--database-url", new_database], {}, 3) == [0, 0, 0]
    assert asyncio.run(_revision(new_database)) == latest_revision()


def test_aws_mode_migrates_with_the_credentials_of_the_database_secret(
    new_database: str, moto_url: str
) -> None:
    environment = aws_environment(moto_url, new_database, REDIS)
    # No database address but the secret's: the process gets no BOURSE_DATABASE_URL.
    environment["BOURSE_DATABASE_URL"] = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    assert migrations(["--adapters", "aws"], environment, 1) == [0]
    assert asyncio.run(_revision(new_database)) == latest_revision()
