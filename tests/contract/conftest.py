"""Units of work over each adapter, for the contract suites: memory, and PostgreSQL on
loopback (see tests/conftest.py)."""

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from application.ports import ApiKeys, Candles, Journal, Orders, Trades, Users


class Repositories(Protocol):
    """What the contract suites of this package use of a unit of work."""

    @property
    def users(self) -> Users: ...

    @property
    def api_keys(self) -> ApiKeys: ...

    @property
    def orders(self) -> Orders: ...

    @property
    def trades(self) -> Trades: ...

    @property
    def candles(self) -> Candles: ...

    @property
    def journal(self) -> Journal: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkMaker = Callable[[], Repositories]
SECRET_KEY = SecretBox.new_key()


@pytest.fixture(params=["memory", "postgres"])
def unit_of_work(request: pytest.FixtureRequest) -> UnitOfWorkMaker:
    """A factory of units of work over an empty store, for each adapter."""
    # Not a coroutine: the session's database is made by a fixture that runs its own loop.
    if request.param == "memory":
        return MemoryUnitOfWorkFactory()
    engine: AsyncEngine = request.getfixturevalue("postgres_engine")
    return PostgresUnitOfWorkFactory(engine, SecretBox(SECRET_KEY))
