"""One writer per market: the `MarketEngine` applies its market's commands one at a time, in
arrival order, stamps each with the next sequence number, commits their effects with their
events in the outbox, and only then answers the callers.

Commits may be pipelined (`EngineSettings.pipeline` 2): while one batch commits, the next is
applied in memory and its writes are sent in a transaction of its own, which commits only after
the one before has. A batch is
answered after its own commit, so in order. When a commit fails, the batch after it is rolled
back too, and both are answered unavailable (an overdraft the store refuses is applied again
instead, see `_apply`).

It runs the market only while it holds the market's lease. On start, on taking the lease over
and after a failed commit it rebuilds the market from the store (the book from the stored open
orders, every balance, the ids and the sequence) before it takes commands again; meanwhile
commands are refused at once as unavailable, never half applied."""

import asyncio
import contextlib
import logging
import time
from collections import ChainMap, deque
from collections.abc import Iterable, Sequence
from contextlib import AsyncExitStack

from attrs import define, field
from opentelemetry.trace import SpanContext

from application import metrics
from application.batches import Batch, Pending, answer_known, stage
from application.bus import (
    Applied,
    ExchangeCommand,
    MarketCommand,
    TakeListing,
)
from application.errors import LeaseLost, MarketUnavailable, Unavailable
from application.ledger_sync import LedgerSync
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.projection import Orders
from application.rebuild import rebuild_market, snapshot_of
from application.records import Depth, Lease, OpenOrdersSnapshot
from application.relay import Relay
from application.tracing import current_origin, span
from domain.commands import CancelReplace, SetMarketStatus
from domain.errors import DomainError, InsufficientBalance
from domain.events import Trade
from domain.exchange import Exchange
from domain.ledger import JournalEntry
from domain.orders import Side
from domain.ticker import RollingTicker

logger = logging.getLogger(__name__)

MAX_BATCH = 256  # commands committed in one transaction at most (group commit)
RETRY_SECONDS = 0.5  # between attempts to take the lease or to rebuild
# A batch the store refused for an overdraft (a balance spent meanwhile by another process) is
# applied again on the market rebuilt from the store, at most this many times in all.
COMMIT_ATTEMPTS = 3
ANSWERS_KEPT_MS = 600_000  # how long answers stay recorded: far beyond any command's deadline
# How often an engine keeps its open orders whole, at most (`application.rebuild`): encoding
# them holds the market up for a moment, about 1 ms per 2,000 orders.
SNAPSHOT_EVERY_MS = 10_000


@define
class EngineSettings:
    owner: str  # this process, as the leases name it
    lease_ttl_ms: int = 5000
    pipeline: int = 1  # batches whose commits are under way at once, at most


@define
class MarketEngine:
    exchange: Exchange
    symbol: str
    unit_of_work: UnitOfWorkFactory
    sync: LedgerSync
    relay: Relay
    clock: Clock
    settings: EngineSettings
    sequence: int = 0
    ticker: RollingTicker = field(factory=RollingTicker)
    _lease: Lease | None = None
    _serving: bool = False
    _store_down: bool = False
    _queue: deque[Pending] = field(factory=deque)
    _committing: deque[Batch] = field(factory=deque)  # oldest first
    _wake: asyncio.Event = field(factory=asyncio.Event)  # a command came or a commit ended
    _task: "asyncio.Task[None] | None" = None
    _snapshot: "asyncio.Task[None] | None" = None  # the snapshot being kept
    _snapshot_at: int = 0
    # The market's open orders as last committed, as the history records them: what a batch
    # changes of them is taken from here rather than read from the store (the engine is the
    # one writer of its market's orders). Emptied on every rebuild; one missing is read.
    _records: Orders = field(factory=dict)

    async def submit(self, command: MarketCommand) -> Applied:
        """Queues a command and waits until its effects are committed; raises the domain's
        error if it was refused, and then nothing changed."""
        return await self.enqueue(command, origin=current_origin())

    def enqueue(
        self,
        command: MarketCommand,
        command_id: str | None = None,
        deadline: int | None = None,
        origin: SpanContext | None = None,
    ) -> "asyncio.Future[Applied]":
        """Queues a command at once, behind those queued before it; the future is its answer.
        A command with an id already committed is answered from the record; one still queued
        when its deadline passes is refused."""
        reply: asyncio.Future[Applied] = asyncio.get_running_loop().create_future()
        if not self._serving:
            reply.set_exception(MarketUnavailable(self.symbol))
        else:
            self._queue.append(Pending(command, reply, command_id, deadline, origin))
            self._wake.set()
        return reply

    @property
    def _traced(self) -> dict[str, str]:
        return {"bourse.symbol": self.symbol}

    @property
    def running(self) -> bool:
        """Serving its market or standing by to take it over."""
        return self._task is not None and not self._task.done()

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def serving(self) -> bool:
        return self._serving

    def depth(self, limit: int) -> Depth:
        """The live book; only the process running the market has it."""
        if not self._serving:
            raise MarketUnavailable(self.symbol)
        book = self.exchange.state(self.symbol).book
        return Depth(self.sequence, book.depth(Side.BUY, limit), book.depth(Side.SELL, limit))

    async def start(self) -> None:
        """Takes the market if it can (rebuilt and serving on return), then keeps at it in the
        background: renewing the lease, or waiting to take it over."""
        with contextlib.suppress(Exception):
            await self._take_over()
        self._task = asyncio.create_task(self._run(), name=f"engine-{self.symbol}")

    async def stop(self) -> None:
        self._serving = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._refuse(await self._settle())
        if self._snapshot is not None:
            await asyncio.gather(self._snapshot, return_exceptions=True)
        self._refuse_queued()

    async def _run(self) -> None:
        renew_every = self.settings.lease_ttl_ms / 3000
        while True:
            if not self._serving:
                try:
                    await self._take_over()
                except Exception as error:
                    self._trouble("could not rebuild; retrying", error)
                if not self._serving:
                    await asyncio.sleep(RETRY_SECONDS)
                    continue
            try:
                async with asyncio.timeout(renew_every):
                    await self._work()
            except TimeoutError:
                await self._renew()
                continue
            while self._committing and self._committing[0].ended:
                ended = self._committing.popleft()
                if ended.failure is not None:
                    await self._recover(ended)
                    break
            self._keep_snapshot()
            if not self._serving or not self._queue or not self._room():
                continue
            batch = [self._queue.popleft() for _ in range(min(MAX_BATCH, len(self._queue)))]
            metrics.child(metrics.engine_queue, self.symbol).set(len(self._queue))
            try:
                with span(
                    "engine.batch",
                    {"bourse.symbol": self.symbol, "bourse.commands": len(batch)},
                    (pending.origin for pending in batch),
                ):
                    await self._start(batch)
            except Exception as error:
                # Most likely the store is out of reach: nothing of the batch was committed,
                # and the batches still committing may fail too; the market is rebuilt
                # before it takes commands again.
                self._fail(error, [*await self._settle(), *batch])
                continue
            lease = self._lease
            if lease is not None and lease.expires_at - self.clock.now() < 2000 * renew_every:
                await self._renew()

    def _room(self) -> bool:
        """Whether another batch may start: while a snapshot is due, only once the commits
        under way have ended (it is kept of committed state)."""
        return len(self._committing) < (1 if self._snapshot_due() else self.settings.pipeline)

    async def _work(self) -> None:
        """Until a command waits with room in the pipeline, or the oldest commit has ended."""
        while not (
            (self._queue and self._room()) or (self._committing and self._committing[0].ended)
        ):
            self._wake.clear()
            await self._wake.wait()

    async def _settle(self) -> list[Pending]:
        """Waits until every commit under way has ended; the commands of those that failed,
        unanswered, in order."""
        unanswered = []
        while self._committing:
            batch = self._committing.popleft()
            await batch.ending()
            if batch.failure is not None:
                unanswered.extend(batch.done)
        return unanswered

    async def _recover(self, failed: Batch) -> None:
        """A commit failed, so did those after it: their commands are answered unavailable
        and the market is rebuilt, except after an overdraft the store refused, which is
        applied again on the market rebuilt (`_apply`)."""
        commands = [*failed.done, *await self._settle()]
        for pending in commands:
            pending.applied = None
        error = failed.failure
        assert error is not None
        if isinstance(error, InsufficientBalance):
            logger.warning("engine %s: the store refused an overdraft (%s)", self.symbol, error)
            try:
                await self._rebuild()
                await self._apply(commands, attempts=COMMIT_ATTEMPTS - 1)
                return
            except Exception as again:
                error = again
        self._fail(error, commands)

    def _fail(self, error: BaseException, batch: Sequence[Pending]) -> None:
        if isinstance(error, LeaseLost):
            metrics.child(metrics.engine_fenced, self.symbol).inc()
        self._trouble("batch failed; rebuilding", error)
        self._refuse(batch)
        self._stand_down()

    async def _take_over(self) -> None:
        """Takes the lease if it is free and rebuilds the market from the store."""
        lease = await self._acquire()
        if lease is None:
            return
        async with self.sync.recovery():
            await self.sync.reload(self.unit_of_work)
            await self._restore(lease)
        self._lease = lease
        self._serving = True
        metrics.child(metrics.engine_takeovers, self.symbol).inc()
        metrics.child(metrics.engine_serving, self.symbol).set(1)
        self.relay.symbols.add(self.symbol)
        self.relay.notify()  # what an earlier owner committed and never relayed
        self._store_down = False
        logger.info("engine %s serving from sequence %d", self.symbol, self.sequence)

    async def _restore(self, lease: Lease) -> None:
        self.ticker = await rebuild_market(
            self.exchange, self.symbol, self.unit_of_work, self.clock.now()
        )
        self.sequence = lease.sequence
        self._records = {}

    def _snapshot_due(self) -> bool:
        if self.clock.now() - self._snapshot_at < SNAPSHOT_EVERY_MS:
            return False
        return self._snapshot is None or self._snapshot.done()

    def _keep_snapshot(self) -> None:
        """Keeps the open orders as of the sequence last committed, now and then, while the
        market goes on: only when no commit is under way, so that memory is what the store
        has."""
        if self._committing or not self._snapshot_due():
            return
        now = self.clock.now()
        self._snapshot_at = now
        snapshot = snapshot_of(self.exchange, self.symbol, self.sequence, now)
        self._snapshot = asyncio.create_task(self._put_snapshot(snapshot))

    async def _put_snapshot(self, snapshot: OpenOrdersSnapshot) -> None:
        try:
            async with self.unit_of_work() as uow:
                await uow.orders.keep_snapshot(snapshot)
                await uow.commit()
        except Unavailable as error:  # the next one, a little later, will do
            logger.warning("engine %s kept no snapshot: %s", self.symbol, error)

    async def _acquire(self) -> Lease | None:
        now = self.clock.now()
        async with self.unit_of_work() as uow:
            lease = await uow.leases.acquire(
                self.symbol, self.settings.owner, now, self.settings.lease_ttl_ms
            )
            if lease is not None:
                await uow.commands.forget(self.symbol, now - ANSWERS_KEPT_MS)
            await uow.commit()
        return lease

    async def _renew(self) -> None:
        try:
            lease = await self._acquire()
        except Exception as error:
            self._trouble("could not renew its lease", error)
            lease = (
                self._lease if self._lease and self._lease.expires_at > self.clock.now() else None
            )
        if lease is None:
            logger.warning("engine %s lost its lease", self.symbol)
            self._refuse(await self._settle())
            self._stand_down()
        else:
            self._lease = lease

    def _trouble(self, what: str, error: BaseException) -> None:
        """An outage of the store is told once; anything else is a bug, told in full."""
        if not isinstance(error, Unavailable):
            logger.error("engine %s %s", self.symbol, what, exc_info=error)
        elif not self._store_down:
            self._store_down = True
            logger.warning("engine %s %s: %s", self.symbol, what, error)

    def _stand_down(self) -> None:
        self._serving = False
        metrics.child(metrics.engine_serving, self.symbol).set(0)
        self.relay.symbols.discard(self.symbol)
        self._lease = None
        self._refuse_queued()

    def _refuse_queued(self) -> None:
        self._refuse(self._queue)
        self._queue.clear()

    def _refuse(self, commands: Iterable[Pending]) -> None:
        for pending in commands:
            pending.answer(error=MarketUnavailable(self.symbol))

    async def _apply(self, batch: Sequence[Pending], attempts: int = COMMIT_ATTEMPTS) -> None:
        """Applies and commits the batch, with no other commit under way. An overdraft that
        the store refuses comes from one account's balance spent meanwhile by another
        process: the market is rebuilt from the store, balances included, and the batch
        applied again, so that the overdrawn account's command is refused and every other
        command of the batch goes through."""
        for attempt in range(1, attempts + 1):
            await self._start(batch)
            if not self._committing:
                return  # nothing of the batch to commit
            committed = self._committing.pop()
            await committed.ending()
            error = committed.failure
            if error is None:
                return
            if not isinstance(error, InsufficientBalance) or attempt == attempts:
                raise error
            logger.warning("engine %s: the store refused an overdraft (%s)", self.symbol, error)
            await self._rebuild()
            batch = [pending for pending in batch if not pending.reply.done()]
            for pending in batch:
                pending.applied = None

    async def _rebuild(self) -> None:
        """The market and every balance as the store has them, under a lease renewed for it."""
        lease = await self._acquire()
        if lease is None:
            raise MarketUnavailable(self.symbol)
        async with self.sync.recovery():
            await self.sync.reload(self.unit_of_work)
            await self._restore(lease)
        self._lease = lease

    async def _start(self, batch: Sequence[Pending]) -> None:
        """Applies the batch in memory and stages its writes, then leaves it committing after
        the batch before (`_commit`). The transaction stays open and the accounts in flight
        (`LedgerSync`) until the commit ends."""
        lease = self._lease
        assert lease is not None
        async with AsyncExitStack() as stack:
            uow = await stack.enter_async_context(self.unit_of_work())
            await stack.enter_async_context(self.sync.batch())
            touched: set[int] = set()  # accounts changed in memory, not yet committed
            stack.callback(self.sync.settled, touched)
            fresh = await answer_known(uow, batch, self._committing, self.clock.now())
            started = time.perf_counter()
            with span("engine.apply", self._traced):
                for pending in fresh:
                    command = pending.command
                    if isinstance(command, TakeListing):
                        await self._take_listing()
                        pending.answer(Applied(self.sequence, []))
                        continue
                    try:
                        pending.applied = await self._attempt(command, touched)
                    except DomainError as error:
                        pending.answer(error=error)
            done = [pending for pending in fresh if pending.applied is not None]
            applying = metrics.child(metrics.engine_apply_seconds, self.symbol)
            applying.observe(time.perf_counter() - started)
            if not done:
                return
            previous = self._committing[-1] if self._committing else None
            known = ChainMap(previous.orders, self._records) if previous else self._records
            orders = await stage(uow, self.symbol, done, known, self.clock.now())
            committing = Batch(done, touched, orders, self.sequence)
            commit = self._commit(committing, uow, lease, previous, stack.pop_all())
            committing.commit = asyncio.create_task(commit)
            committing.commit.add_done_callback(lambda _: self._wake.set())
            self._committing.append(committing)

    async def _commit(
        self,
        batch: Batch,
        uow: UnitOfWork,
        lease: Lease,
        previous: Batch | None,
        stack: AsyncExitStack,
    ) -> None:
        """Sends the batch's writes once the batch before has sent its own (so that neither
        waits for a lock the other holds), and commits once that one has committed; then
        answers. A batch whose predecessor failed is rolled back, unanswered; a failure is
        kept in the batch for the engine to see (`_recover`)."""
        started = time.perf_counter()
        try:
            async with stack:
                with span("engine.commit", self._traced):
                    if previous is not None:
                        await previous.written.wait()
                    await uow.flush()
                    await uow.leases.fence(lease, batch.sequence)
                    batch.written.set()
                    if previous is not None:
                        await previous.ending()
                        if previous.failure is not None:
                            raise MarketUnavailable(self.symbol)
                    await uow.commit()
        except BaseException as error:
            batch.failure = error
            return
        finally:
            batch.written.set()
        metrics.child(metrics.engine_commit_seconds, self.symbol).observe(
            time.perf_counter() - started
        )
        metrics.child(metrics.engine_batch, self.symbol).observe(len(batch.done))
        for key, record in batch.orders.items():
            if record.status.is_open:
                self._records[key] = record
            else:
                self._records.pop(key, None)
        self.relay.notify()
        for pending in batch.done:
            applied = pending.applied
            assert applied is not None
            for event in applied.events:
                if isinstance(event, Trade):
                    self.ticker.add(event)
            pending.answer(applied)

    async def _take_listing(self) -> None:
        async with self.unit_of_work() as uow:
            listed = (await uow.listings.markets()).get(self.symbol)
        if listed is not None:
            self.exchange.change_market(listed)

    async def _attempt(self, command: ExchangeCommand, touched: set[int]) -> Applied:
        """Applies the command. One refused for want of balance is tried once more after the
        account's balances are read again from the store, where another process may have
        credited it."""
        try:
            applied = self._execute(command)
        except InsufficientBalance:
            account = _account(command)
            if account is None or not await self.sync.refresh(self.unit_of_work, account):
                raise
            applied = self._execute(command)
        accounts = _accounts(applied) - touched
        self.sync.applied(accounts)
        touched |= accounts
        return applied

    def _execute(self, command: ExchangeCommand) -> Applied:
        if isinstance(command, CancelReplace):
            result = self.exchange.cancel_replace(command)
            self.sequence += 1
            return Applied(self.sequence, result.events, result.cancel_error, result.place_error)
        events = self.exchange.execute(command)
        self.sequence += 1
        return Applied(self.sequence, events)


def _accounts(applied: Applied) -> set[int]:
    return {
        posting.account_id
        for event in applied.events
        if isinstance(event, JournalEntry)
        for posting in event.postings
    }


def _account(command: MarketCommand) -> int | None:
    if isinstance(command, SetMarketStatus | TakeListing):
        return None
    return command.place.account_id if isinstance(command, CancelReplace) else command.account_id
