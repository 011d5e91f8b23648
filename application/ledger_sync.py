"""Keeps the engines' shared in-memory ledger in line with the committed balances.

The store is the truth and other processes write to it too; the ledger in memory is what the
engines check holds against. It may lag behind the store in two ways. Too high (another
process spent): the store's own check refuses the commit, and the market is rebuilt. Too low
(another process credited the account): an order refused for want of balance has its
account's balances read again and is tried once more. A recovery (start, take-over, failed
commit) stops every engine between batches and reloads every balance."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from application.ports import UnitOfWorkFactory
from domain.errors import InsufficientBalance
from domain.ledger import JournalEntry, Ledger


class LedgerSync:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._in_flight: Counter[int] = Counter()  # account -> batches applied, not committed
        self._changes: Counter[int] = Counter()  # account -> changes made here, ever
        self._active = 0
        self._exclusive = False
        self._condition = asyncio.Condition()

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Held by an engine from refresh to commit; engines share it, a recovery waits."""
        async with self._condition:
            await self._condition.wait_for(lambda: not self._exclusive)
            self._active += 1
        try:
            yield
        finally:
            async with self._condition:
                self._active -= 1
                self._condition.notify_all()

    @asynccontextmanager
    async def recovery(self) -> AsyncIterator[None]:
        """Alone: no engine is between a refresh and its commit while this is held."""
        async with self._condition:
            await self._condition.wait_for(lambda: not self._exclusive)
            self._exclusive = True
            await self._condition.wait_for(lambda: self._active == 0)
        try:
            yield
        finally:
            async with self._condition:
                self._exclusive = False
                self._condition.notify_all()

    async def reload(self, unit_of_work: UnitOfWorkFactory) -> None:
        """Every balance from the store; only inside `recovery`."""
        async with unit_of_work() as uow:
            holdings = await uow.journal.holdings()
        self.ledger.reset(holdings)

    async def refresh(self, unit_of_work: UnitOfWorkFactory, account_id: int) -> bool:
        """Reads the account's balances again from the store, unless this process has changes
        of its own not yet committed (those it knows better); whether it did."""
        if self._in_flight[account_id]:
            return False
        seen = self._changes[account_id]
        async with unit_of_work() as uow:
            holdings = await uow.journal.holdings([account_id])
        # Changed here while the store was read: this process knows better.
        if self._in_flight[account_id] or self._changes[account_id] != seen:
            return False
        self.ledger.replace(holdings)
        return True

    def applied(self, account_ids: Iterable[int]) -> None:
        """A batch changed these accounts in memory; its commit is under way."""
        for account in account_ids:
            self._in_flight[account] += 1
            self._changes[account] += 1

    def settled(self, account_ids: Iterable[int]) -> None:
        """The batch's commit ended, committed or not."""
        for account in account_ids:
            self._in_flight[account] -= 1
            if not self._in_flight[account]:
                del self._in_flight[account]

    def committed_elsewhere(self, entry: JournalEntry) -> None:
        """An entry committed outside the engines (a deposit, a withdrawal): the ledger takes
        it too. A ledger too stale to take it (another process credited the account) keeps its
        view until the next refresh: at worst it refuses too much, while the store's own
        check refuses any overdraft."""
        for posting in entry.postings:
            self._changes[posting.account_id] += 1
        with contextlib.suppress(InsufficientBalance):
            self.ledger.post(entry)
