"""One writer per market: the `MarketEngine` applies its market's commands one at a time, in
arrival order, stamps each with the next sequence number, commits their effects with their
events in the outbox, and only then answers the callers.

It runs the market only while it holds the market's lease. On start, on taking the lease over
and after a failed commit it rebuilds the market from the store (the book from the stored open
orders, every balance, the ids and the sequence) before it takes commands again; meanwhile
commands are refused at once as unavailable, never half applied."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from attrs import define, field
from opentelemetry.trace import SpanContext

from application import metrics
from application.bus import (
    Applied,
    ExchangeCommand,
    MarketCommand,
    TakeListing,
    decode_answer,
    encode_answer,
)
from application.errors import BackendTimeout, LeaseLost, MarketUnavailable, Unavailable
from application.ledger_sync import LedgerSync
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.projection import record_events
from application.rebuild import rebuild_market, snapshot_of
from application.records import Depth, Lease, OpenOrdersSnapshot
from application.relay import Relay
from application.tracing import current_origin, links, tracer
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
class _Pending:
    command: MarketCommand
    reply: "asyncio.Future[Applied]"
    command_id: str | None = None  # given by a sender that may deliver the command again
    deadline: int | None = None
    origin: SpanContext | None = None  # the span of the request the command serves
    applied: Applied | None = None


@define
class EngineSettings:
    owner: str  # this process, as the leases name it
    lease_ttl_ms: int = 5000


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
    _queue: "asyncio.Queue[_Pending]" = field(factory=asyncio.Queue)
    _task: "asyncio.Task[None] | None" = None
    _snapshot: "asyncio.Task[None] | None" = None  # the snapshot being kept
    _snapshot_at: int = 0

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
            self._queue.put_nowait(_Pending(command, reply, command_id, deadline, origin))
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
        return self._queue.qsize()

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
                    pending = await self._queue.get()
            except TimeoutError:
                await self._renew()
                continue
            batch = [pending]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            metrics.engine_queue.labels(self.symbol).set(self._queue.qsize())
            try:
                with tracer.start_as_current_span(
                    "engine.batch",
                    links=links([pending.origin for pending in batch]),
                    attributes={"bourse.symbol": self.symbol, "bourse.commands": len(batch)},
                ):
                    await self._apply(batch)
            except Exception as error:
                if isinstance(error, LeaseLost):
                    metrics.engine_fenced.labels(self.symbol).inc()
                # Most likely the store is out of reach: nothing was committed, so nothing of
                # the batch happened; the market is rebuilt before it takes commands again.
                self._trouble("batch failed; rebuilding", error)
                for pending in batch:
                    _answer(pending.reply, error=MarketUnavailable(self.symbol))
                self._stand_down()
                continue
            self._keep_snapshot()
            lease = self._lease
            if lease is not None and lease.expires_at - self.clock.now() < 2000 * renew_every:
                await self._renew()

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
        metrics.engine_takeovers.labels(self.symbol).inc()
        metrics.engine_serving.labels(self.symbol).set(1)
        self.relay.symbols.add(self.symbol)
        self.relay.notify()  # what an earlier owner committed and never relayed
        self._store_down = False
        logger.info("engine %s serving from sequence %d", self.symbol, self.sequence)

    async def _restore(self, lease: Lease) -> None:
        self.ticker = await rebuild_market(
            self.exchange, self.symbol, self.unit_of_work, self.clock.now()
        )
        self.sequence = lease.sequence

    def _keep_snapshot(self) -> None:
        """Keeps the open orders as of the sequence just committed, now and then, while the
        market goes on."""
        now = self.clock.now()
        if now - self._snapshot_at < SNAPSHOT_EVERY_MS:
            return
        if self._snapshot is not None and not self._snapshot.done():
            return
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
            self._stand_down()
        else:
            self._lease = lease

    def _trouble(self, what: str, error: Exception) -> None:
        """An outage of the store is told once; anything else is a bug, told in full."""
        if not isinstance(error, Unavailable):
            logger.error("engine %s %s", self.symbol, what, exc_info=error)
        elif not self._store_down:
            self._store_down = True
            logger.warning("engine %s %s: %s", self.symbol, what, error)

    def _stand_down(self) -> None:
        self._serving = False
        metrics.engine_serving.labels(self.symbol).set(0)
        self.relay.symbols.discard(self.symbol)
        self._lease = None
        self._refuse_queued()

    def _refuse_queued(self) -> None:
        while not self._queue.empty():
            _answer(self._queue.get_nowait().reply, error=MarketUnavailable(self.symbol))

    async def _apply(self, batch: Sequence[_Pending]) -> None:
        """Applies and commits the batch. An overdraft that the store refuses comes from one
        account's balance spent meanwhile by another process: the market is rebuilt from the
        store, balances included, and the batch applied again, so that the overdrawn account's
        command is refused and every other command of the batch goes through."""
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                await self._apply_once(batch)
                return
            except InsufficientBalance as error:
                if attempt == COMMIT_ATTEMPTS:
                    raise
                logger.warning("engine %s: the store refused an overdraft (%s)", self.symbol, error)
            await self._rebuild()
            batch = [pending for pending in batch if not pending.reply.done()]
            for pending in batch:
                pending.applied = None

    async def _answer_known(self, uow: UnitOfWork, batch: Sequence[_Pending]) -> list[_Pending]:
        """Answers the commands committed before (from their record) and those whose sender
        no longer waits; the others, to apply. The record is read in the transaction that
        commits the batch."""
        ids = [pending.command_id for pending in batch if pending.command_id is not None]
        known = await uow.commands.answers(ids) if ids else {}
        now = self.clock.now()
        fresh = []
        for pending in batch:
            if pending.command_id in known:
                _, answer = decode_answer(known[pending.command_id])
                if isinstance(answer, Applied):
                    _answer(pending.reply, answer)
                else:
                    _answer(pending.reply, error=answer)
            elif pending.deadline is not None and now > pending.deadline:
                _answer(pending.reply, error=BackendTimeout())
            else:
                fresh.append(pending)
        return fresh

    async def _rebuild(self) -> None:
        """The market and every balance as the store has them, under a lease renewed for it."""
        lease = await self._acquire()
        if lease is None:
            raise MarketUnavailable(self.symbol)
        async with self.sync.recovery():
            await self.sync.reload(self.unit_of_work)
            await self._restore(lease)
        self._lease = lease

    async def _apply_once(self, batch: Sequence[_Pending]) -> None:
        async with self.unit_of_work() as uow, self.sync.batch():
            batch = await self._answer_known(uow, batch)
            touched: set[int] = set()  # accounts changed in memory, not yet committed
            try:
                started = time.perf_counter()
                with tracer.start_as_current_span("engine.apply", attributes=self._traced):
                    for pending in batch:
                        command = pending.command
                        if isinstance(command, TakeListing):
                            await self._take_listing()
                            _answer(pending.reply, Applied(self.sequence, []))
                            continue
                        try:
                            pending.applied = await self._attempt(command, touched)
                        except DomainError as error:
                            _answer(pending.reply, error=error)
                done = [p for p in batch if p.applied is not None]
                applied_at = time.perf_counter()
                metrics.engine_apply_seconds.labels(self.symbol).observe(applied_at - started)
                if done:
                    with tracer.start_as_current_span("engine.commit", attributes=self._traced):
                        await self._commit(uow, done)
                    committed = time.perf_counter() - applied_at
                    metrics.engine_commit_seconds.labels(self.symbol).observe(committed)
                    metrics.engine_batch.labels(self.symbol).observe(len(done))
            finally:
                self.sync.settled(touched)
        if not done:
            return
        self.relay.notify()
        for pending in done:
            applied = pending.applied
            assert applied is not None
            for event in applied.events:
                if isinstance(event, Trade):
                    self.ticker.add(event)
            _answer(pending.reply, applied)

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

    async def _commit(self, uow: UnitOfWork, done: Sequence[_Pending]) -> None:
        lease = self._lease
        assert lease is not None
        batch = []
        for pending in done:
            applied = pending.applied
            assert applied is not None
            batch.append((applied.events, _timestamp(pending.command), applied.sequence))
            await uow.outbox.add(self.symbol, applied.sequence, applied.events)
        orders = await record_events(uow, batch)
        now = self.clock.now()
        for pending, changed in zip(done, orders, strict=True):
            assert pending.applied is not None
            pending.applied.orders = changed
            if pending.command_id is not None:
                answer = encode_answer(pending.command_id, pending.applied, None)
                pending.applied.recorded = answer
                await uow.commands.add(pending.command_id, self.symbol, answer, now)
        await uow.leases.fence(lease, self.sequence)
        await uow.commit()

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


def _answer(
    reply: "asyncio.Future[Applied]",
    applied: Applied | None = None,
    error: BaseException | None = None,
) -> None:
    # A caller that went away (its request was cancelled) no longer waits for the answer;
    # what the command did stands all the same.
    if reply.done():
        return
    if error is not None:
        reply.set_exception(error)
    else:
        reply.set_result(applied)  # type: ignore[arg-type]


def _account(command: MarketCommand) -> int | None:
    if isinstance(command, SetMarketStatus | TakeListing):
        return None
    return command.place.account_id if isinstance(command, CancelReplace) else command.account_id


def _timestamp(command: MarketCommand) -> int:
    return command.place.timestamp if isinstance(command, CancelReplace) else command.timestamp
