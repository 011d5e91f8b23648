"""A unit of work over the memory store: writes are staged and land together on commit."""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.memory.accounts import MemoryApiKeys, MemorySessions, MemoryUsers
from adapters.memory.history import MemoryCandles, MemoryJournal, MemoryOrders, MemoryTrades
from adapters.memory.store import MemoryStore


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.staged: list[Callable[[], None]] = []
        self.users = MemoryUsers(self)
        self.api_keys = MemoryApiKeys(self)
        self.sessions = MemorySessions(self)
        self.orders = MemoryOrders(self)
        self.trades = MemoryTrades(self)
        self.candles = MemoryCandles(self)
        self.journal = MemoryJournal(self)

    async def __aenter__(self) -> Self:
        self.staged = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.staged = []

    async def commit(self) -> None:
        staged, self.staged = self.staged, []
        for write in staged:
            write()


class MemoryUnitOfWorkFactory:
    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store or MemoryStore()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store)
