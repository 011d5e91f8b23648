"""The market data role's duty, held by one process at a time under a lease of its own (in the
markets' lease table), as a market is held by one engine: relaying every market's outbox, and
keeping the books and tickers in Redis. A second market data process stands by and takes the
duty over once the lease lapses, from views rebuilt from the store."""

import asyncio
import contextlib
import logging

from attrs import define, field

from adapters.redis.command_bus import process_name
from application.errors import Unavailable
from application.records import Lease
from application.ticker_ports import MarketTicker
from domain.markets import Market
from entrypoints.container import Container

LEASE = "~marketdata"  # no market's symbol starts so
# The api processes see a book change once the relay has applied it: the snapshot is written
# then, and every market's once a second besides, for its ticker's sake.
FULL_SNAPSHOT_EVERY_S = 1.0
# How often a changed book is kept whole (`aws`: in DynamoDB), at most: each market's snapshot
# costs a write per KB of its compressed levels.
BOOK_SNAPSHOT_EVERY_S = 5.0
TICKER_EVERY_S = 1.0  # how stale a ticker read from the tickers table (`aws`) is, at most

logger = logging.getLogger(__name__)


@define
class MarketDataDuty:
    container: Container
    owner: str = field(factory=process_name)
    lease: Lease | None = None

    @property
    def holding(self) -> bool:
        return self.lease is not None

    async def begin(self) -> None:
        """Takes the duty at once if it is free."""
        await self._renew(self.container.config.lease_ttl_ms())

    async def run(self) -> None:
        ttl_ms = self.container.config.lease_ttl_ms()
        try:
            while True:
                await asyncio.sleep(ttl_ms / 3000)
                await self._renew(ttl_ms)
        finally:
            if self.holding:
                await self.container.relay().stop()

    async def _renew(self, ttl_ms: int) -> None:
        clock = self.container.clock()
        try:
            async with self.container.unit_of_work()() as uow:
                lease = await uow.leases.acquire(LEASE, self.owner, clock.now(), ttl_ms)
                await uow.commit()
        except Unavailable as error:
            logger.warning("market data could not renew its lease: %s", error)
            held = self.lease
            lease = held if held is not None and held.expires_at > clock.now() else None
        if lease is not None and self.lease is None:
            await self._take_over()
        elif lease is None and self.lease is not None:
            logger.warning("market data lost its lease: standing by")
            await self.container.relay().stop()
        self.lease = lease

    async def _take_over(self) -> None:
        symbols = list(self.container.exchange().markets)
        await self._keep(symbols)
        self.container.relay().start()
        logger.info("market data relaying %s", ", ".join(symbols))

    async def follow(self, market: Market) -> None:
        """Keeps a market listed while this process runs, if it holds the duty (a process
        taking it over later keeps every market listed by then)."""
        if self.holding:
            await self._keep([market.symbol])
            self.container.relay().notify()

    async def _keep(self, symbols: list[str]) -> None:
        """Loads the markets' views, writes them and relays their outboxes from now on."""
        views = self.container.views()
        await views.load(
            self.container.unit_of_work(),
            symbols,
            self.container.clock().now(),
            self.container.warm_up(),
        )
        with contextlib.suppress(Unavailable):
            await self.container.snapshots().put(
                [views.views[symbol] for symbol in symbols], self.container.clock().now()
            )
        self.container.relay().symbols.update(symbols)

    async def keep_snapshots(self) -> None:
        """Writes the views that changed, and every view once a second for its ticker's sake."""
        views, snapshots = self.container.views(), self.container.snapshots()
        clock = self.container.clock()
        loop = asyncio.get_running_loop()
        last_full = 0.0
        while True:
            if not self.holding:
                await asyncio.sleep(FULL_SNAPSHOT_EVERY_S)
                continue
            await views.changes(FULL_SNAPSHOT_EVERY_S)
            changed = views.take_changed()
            if loop.time() - last_full >= FULL_SNAPSHOT_EVERY_S:
                last_full = loop.time()
                changed = list(views.views.values())
            if changed:
                # Redis out of reach: the next full write, a second after its return, catches up.
                with contextlib.suppress(Unavailable):
                    await snapshots.put(changed, clock.now())

    async def keep_book_snapshots(self) -> None:
        """Keeps each book whose sequence moved, whole, with that sequence (`aws` mode)."""
        store = self.container.book_snapshots()
        if store is None:
            return
        views, clock = self.container.views(), self.container.clock()
        kept: dict[str, int] = {}
        while True:
            await asyncio.sleep(BOOK_SNAPSHOT_EVERY_S)
            if not self.holding:
                continue
            for view in list(views.views.values()):
                if kept.get(view.symbol, -1) >= view.sequence:
                    continue
                try:
                    await store.put(view.snapshot(clock.now()))
                except Unavailable as error:
                    logger.warning("book snapshot of %s not kept: %s", view.symbol, error)
                    continue
                kept[view.symbol] = view.sequence

    async def keep_tickers(self) -> None:
        """Keeps every market's ticker, once a second (`aws` mode)."""
        store = self.container.tickers()
        if store is None:
            return
        views, clock = self.container.views(), self.container.clock()
        while True:
            now = clock.now()
            for view in list(views.views.values()) if self.holding else []:
                ticker = MarketTicker(
                    view.symbol,
                    view.sequence,
                    view.ticker.stats(now),
                    now,
                    view.ticker.average.window_at(now),
                )
                try:
                    await store.put(ticker)
                except Unavailable as error:
                    logger.warning("ticker of %s not kept: %s", view.symbol, error)
            await asyncio.sleep(TICKER_EVERY_S)
