"""A unit of work over the memory store: writes are staged and land together on commit, after
every check a database would make at commit has passed."""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from adapters.memory.accounts import MemoryApiKeys, MemoryTwoFactors, MemoryUsers
from adapters.memory.history import MemoryCandles, MemoryJournal, MemoryOrders, MemoryTrades
from adapters.memory.listings import MemoryListings
from adapters.memory.market_statuses import MemoryMarketStatuses
from adapters.memory.operators import MemoryAdmins, MemoryAuditLog, MemoryFreezes
from adapters.memory.outbox import MemoryCommandAnswers, MemoryMarketLeases, MemoryOutbox
from adapters.memory.prevented_matches import MemoryPreventedMatches
from adapters.memory.retention import Retention
from adapters.memory.store import MemoryStore
from adapters.memory.transfers import MemoryTransfers
from domain.assets import MAX_HOLDINGS
from domain.errors import HoldingsLimit, InsufficientBalance
from domain.ledger import EXTERNAL_ACCOUNT, Balance


class MemoryUnitOfWork:
    def __init__(
        self, store: MemoryStore, retention: Retention | None = None, event_log: bool = False
    ) -> None:
        self.store = store
        self.retention = retention
        self.event_log = event_log
        self.staged: list[Callable[[], None]] = []
        self.checks: list[Callable[[], None]] = []
        self.balance_changes: list[dict[tuple[int, str], list[int]]] = []
        self.users = MemoryUsers(self)
        self.api_keys = MemoryApiKeys(self)
        self.two_factors = MemoryTwoFactors(self)
        self.admins = MemoryAdmins(self)
        self.freezes = MemoryFreezes(self)
        self.audit_log = MemoryAuditLog(self)
        self.orders = MemoryOrders(self)
        self.trades = MemoryTrades(self)
        self.prevented_matches = MemoryPreventedMatches(self)
        self.market_statuses = MemoryMarketStatuses(self)
        self.listings = MemoryListings(self)
        self.candles = MemoryCandles(self)
        self.journal = MemoryJournal(self)
        self.transfers = MemoryTransfers(self)
        self.outbox = MemoryOutbox(self)
        self.leases = MemoryMarketLeases(self)
        self.commands = MemoryCommandAnswers(self)

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

    async def flush(self) -> None:
        """The memory store takes the staged writes at commit, all at once and checked then,
        as PostgreSQL takes the flushed ones: nothing is sent before."""

    async def commit(self) -> None:
        staged, checks, changes = self.staged, self.checks, self.balance_changes
        self._forget()
        for check in checks:
            check()
        self._check_balances(changes)
        for write in staged:
            write()
        if self.retention is not None:
            self.retention.after_commit(self.store)

    def _check_balances(self, changes: list[dict[tuple[int, str], list[int]]]) -> None:
        totals: dict[tuple[int, str], list[int]] = {}
        for entry_changes in changes:
            for key, (available, locked) in entry_changes.items():
                total = totals.setdefault(key, [0, 0])
                total[0] += available
                total[1] += locked
        for (account_id, asset), (available, locked) in totals.items():
            balance = self.store.balances.get((account_id, asset), Balance())
            if account_id == EXTERNAL_ACCOUNT:  # the negative of all the exchange holds
                if balance.available + available < -MAX_HOLDINGS:
                    raise HoldingsLimit()
            elif balance.available + available < 0 or balance.locked + locked < 0:
                raise InsufficientBalance("Account has insufficient balance for requested action.")

    def _forget(self) -> None:
        self.staged, self.checks, self.balance_changes = [], [], []


class MemoryUnitOfWorkFactory:
    """Without a `retention`, the store keeps everything; with `event_log`, the outbox keeps
    every message for the event log too (see `application.ports.Outbox`)."""

    def __init__(
        self,
        store: MemoryStore | None = None,
        retention: Retention | None = None,
        event_log: bool = False,
    ) -> None:
        self.store = store or MemoryStore()
        self.retention = retention
        self.event_log = event_log

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, self.retention, self.event_log)
