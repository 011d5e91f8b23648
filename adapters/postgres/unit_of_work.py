"""A unit of work over PostgreSQL: one transaction, with the writes staged in Python and sent
in bulk at commit, so that a batch of engine commands costs a handful of round trips."""

import functools
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Protocol, Self, TypeVar

from sqlalchemy import Executable, Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.postgres.accounts import PostgresApiKeys, PostgresTwoFactors, PostgresUsers
from adapters.postgres.candles import PostgresCandles
from adapters.postgres.database import Rows, translate
from adapters.postgres.journal import PostgresJournal
from adapters.postgres.leases import PostgresMarketLeases
from adapters.postgres.listings import PostgresListings
from adapters.postgres.market_statuses import PostgresMarketStatuses
from adapters.postgres.operators import PostgresAdmins, PostgresAuditLog, PostgresFreezes
from adapters.postgres.orders import PostgresOrders
from adapters.postgres.outbox import PostgresCommandAnswers, PostgresOutbox
from adapters.postgres.prevented_matches import PostgresPreventedMatches
from adapters.postgres.trades import PostgresTrades
from adapters.postgres.transfers import PostgresTransfers
from adapters.security.secret_box import SecretBox

Row = Mapping[str, object]


class Writer(Protocol):
    """A repository that keeps its writes until commit and then sends them in bulk."""

    async def flush(self) -> None: ...

    def forget(self) -> None: ...


W = TypeVar("W", bound=Writer)


class PostgresUnitOfWork:
    """One transaction over every repository: nothing is kept unless `commit` ran.

    A repository gets the unit of work and uses two things of it:

    - `execute(statement, rows)` runs a statement inside the transaction (begun on first use),
      with `rows` as executemany parameters; reads see what is committed, as in the memory
      adapter, not what is staged. Failures come out as application errors, never as
      SQLAlchemy's.
    - `stage(table, row)` keeps a row to be inserted at commit, all of a table's rows in one
      executemany; a repository whose writes must be merged first (orders, candles, the
      journal) keeps them itself and registers as a `Writer` to be flushed at commit.

    `flush` sends the writers' writes in registration order (users before their API keys),
    then the staged rows table by table, into the open transaction; `commit` flushes what is
    left, then commits. The database checks what the memory
    adapter checks: a balance going negative raises `InsufficientBalance`, a duplicate email
    `EmailTaken`, a transfer's reference used already `ReferenceTaken`, and the transaction is
    rolled back, keeping nothing.
    """

    def __init__(self, engine: AsyncEngine, secret_box: SecretBox, event_log: bool) -> None:
        self._engine = engine
        self.event_log = event_log
        self._connection: AsyncConnection | None = None
        self._writers: list[Writer] = []
        self._staged: dict[Table, list[Row]] = {}
        self.users = self.writer(PostgresUsers(self))
        self.api_keys = self.writer(PostgresApiKeys(self, secret_box))
        self.two_factors = self.writer(PostgresTwoFactors(self, secret_box))
        self.admins = PostgresAdmins(self)
        self.freezes = PostgresFreezes(self)
        self.audit_log = PostgresAuditLog(self)
        self.orders = self.writer(PostgresOrders(self))
        self.trades = PostgresTrades(self)
        self.prevented_matches = PostgresPreventedMatches(self)
        self.market_statuses = PostgresMarketStatuses(self)
        self.listings = PostgresListings(self)
        self.candles = self.writer(PostgresCandles(self))
        self.journal = self.writer(PostgresJournal(self))
        self.transfers = PostgresTransfers(self)
        self.outbox = self.writer(PostgresOutbox(self, event_log))
        self.leases = PostgresMarketLeases(self)
        self.commands = PostgresCommandAnswers(self)

    def writer(self, repository: W) -> W:
        self._writers.append(repository)
        return repository

    def stage(self, table: Table, row: Row) -> None:
        self._staged.setdefault(table, []).append(row)

    async def execute(self, statement: Executable, rows: Row | Sequence[Row] | None = None) -> Rows:
        async with translated():
            if self._connection is None:
                self._connection = await self._engine.connect()
            return await self._connection.execute(statement, rows)

    async def __aenter__(self) -> Self:
        self._forget()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._forget()
        await self._close(quietly=exc is not None)

    async def flush(self) -> None:
        try:
            for writer in self._writers:
                await writer.flush()
                writer.forget()
            for table, rows in self._staged.items():
                await self.execute(_insert(table), rows)
            self._staged = {}
        except BaseException:
            self._forget()
            await self._close(quietly=True)
            raise

    async def commit(self) -> None:
        await self.flush()
        try:
            if self._connection is not None:
                async with translated():
                    await self._connection.commit()
        except BaseException:
            self._forget()
            await self._close(quietly=True)
            raise
        self._forget()
        await self._close()

    def _forget(self) -> None:
        self._staged = {}
        for writer in self._writers:
            writer.forget()

    async def _close(self, quietly: bool = False) -> None:
        """Returns the connection to the pool, rolling back what was not committed; when
        another failure is on its way out, a broken connection must not hide it."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            async with translated():
                await connection.close()
        except Exception:
            if not quietly:
                raise


@functools.cache
def _insert(table: Table) -> Insert:
    """One statement a table for the life of the process: SQLAlchemy keys its cache of
    compiled statements by the statement, and works that key out once for each object."""
    return insert(table)


@asynccontextmanager
async def translated() -> AsyncIterator[None]:
    """Turns a failure of the database into the application's error for it."""
    try:
        yield
    except Exception as error:
        meant = translate(error)
        if meant is not None:
            raise meant from error
        raise RuntimeError(f"PostgreSQL refused a statement: {error}") from error


class PostgresUnitOfWorkFactory:
    """With `event_log`, the outbox keeps every message for the event log too (`aws` mode)."""

    def __init__(self, engine: AsyncEngine, secret_box: SecretBox, event_log: bool = False) -> None:
        self.engine = engine
        self.secret_box = secret_box
        self.event_log = event_log

    def __call__(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self.engine, self.secret_box, self.event_log)
