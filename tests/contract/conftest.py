"""Units of work over each adapter, for the contract suites: memory, and PostgreSQL on
loopback (see tests/conftest.py); and the AWS clients on the session's moto server."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.aws.clients import AwsClients
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.ports import UnitOfWorkFactory
from tests.moto_server import REGION

SECRET_KEY = SecretBox.new_key()


@pytest.fixture(params=["memory", "postgres"])
def unit_of_work(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A factory of units of work over an empty store, for each adapter."""
    # Not a coroutine: the session's database is made by a fixture that runs its own loop.
    if request.param == "memory":
        return MemoryUnitOfWorkFactory()
    engine: AsyncEngine = request.getfixturevalue("postgres_engine")
    return PostgresUnitOfWorkFactory(engine, SecretBox(SECRET_KEY))


@pytest.fixture(params=["memory", "postgres"])
def logged_unit_of_work(request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """A factory over an empty store that hands its events on to an event log (`aws`)."""
    if request.param == "memory":
        return MemoryUnitOfWorkFactory(event_log=True)
    engine: AsyncEngine = request.getfixturevalue("postgres_engine")
    return PostgresUnitOfWorkFactory(engine, SecretBox(SECRET_KEY), event_log=True)


@pytest.fixture
async def aws_clients(moto_url: str) -> AsyncIterator[AwsClients]:
    clients = AwsClients(REGION, moto_url)
    yield clients
    await clients.close()
