"""The markets as their committed events show them: each book's levels with the update id
they reflect, and the rolling 24-hour ticker. The market data role keeps these apart from the
engines, so that public reads never need an engine's memory.

A view starts from the store: the book from the stored open orders as of the market's
committed sequence (read first, so the orders are at least that recent), the ticker from the
last day's trades; it then takes only the events after that sequence. Levels carry their
volume after each change, so taking an event twice changes nothing."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from itertools import islice
from typing import TYPE_CHECKING

from attrs import define, field
from sortedcontainers import SortedDict

from application.errors import MarketUnavailable, Unavailable
from application.messaging_ports import EventPublisher
from application.ports import UnitOfWorkFactory
from application.rebuild import TICKER_TRADES
from application.records import Depth, OutboxChannel
from application.snapshot_ports import BookSnapshot
from domain.average_price import AverageWindow
from domain.candles import DAY
from domain.events import BookChanged, Event, Trade
from domain.orders import Side
from domain.ticker import RollingTicker, TickerStats

if TYPE_CHECKING:
    from application.warm_up import SnapshotWarmUp

logger = logging.getLogger(__name__)


def _descending(price: int) -> int:
    return -price


@define
class MarketView:
    symbol: str
    sequence: int = 0
    bids: SortedDict = field(factory=lambda: SortedDict(_descending))
    asks: SortedDict = field(factory=SortedDict)
    ticker: RollingTicker = field(factory=RollingTicker)
    last_trade_id: int = 0

    def take(self, sequence: int, events: Sequence[Event]) -> bool:
        """Applies one command's events; whether they were new to the view."""
        if sequence <= self.sequence:
            return False
        self.sequence = sequence
        for event in events:
            if isinstance(event, BookChanged):
                for levels, changes in ((self.bids, event.bids), (self.asks, event.asks)):
                    for price, volume in changes:
                        if volume:
                            levels[price] = volume
                        else:
                            levels.pop(price, None)
            elif isinstance(event, Trade):
                self.ticker.add(event)
                self.last_trade_id = event.trade_id
        return True

    @classmethod
    def of_snapshot(cls, snapshot: BookSnapshot) -> "MarketView":
        """The book of the snapshot, with no ticker yet."""
        view = cls(snapshot.symbol, snapshot.sequence, last_trade_id=snapshot.last_trade_id)
        view.bids.update(snapshot.bids)
        view.asks.update(snapshot.asks)
        return view

    def snapshot(self, now: int) -> BookSnapshot:
        return BookSnapshot(
            self.symbol,
            self.sequence,
            list(self.bids.items()),
            list(self.asks.items()),
            self.last_trade_id,
            now,
        )

    def depth(self, limit: int) -> Depth:
        return Depth(
            self.sequence,
            list(islice(self.bids.items(), limit)),
            list(islice(self.asks.items(), limit)),
        )


@define
class MarketViews:
    """Every market's view. As the relay's publisher, it takes each command's events into
    its market's view before it hands them on, so that whoever reads the views (the stream
    hub, the snapshots) has seen them."""

    publisher: EventPublisher
    views: dict[str, MarketView] = field(factory=dict)
    _changed: set[str] = field(factory=set)
    _noticed: asyncio.Event = field(factory=asyncio.Event)

    async def publish(self, symbol: str, sequence: int, events: Sequence[Event]) -> None:
        view = self.views.get(symbol)
        if view is not None and view.take(sequence, events):
            self._changed.add(symbol)
            self._noticed.set()
        await self.publisher.publish(symbol, sequence, events)

    async def changes(self, timeout_s: float) -> None:
        """Returns once a view changed since the last `take_changed`, or after `timeout_s`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._noticed.wait()

    def take_changed(self) -> list[MarketView]:
        """The views changed since the last call."""
        changed = [self.views[symbol] for symbol in self._changed]
        self._changed.clear()
        self._noticed.clear()
        return changed

    async def load(
        self,
        unit_of_work: UnitOfWorkFactory,
        symbols: list[str],
        now: int,
        warm_up: "SnapshotWarmUp | None" = None,
    ) -> None:
        """Each market's view: from its latest book snapshot and the events after it where
        `warm_up` finds them, else from the stored open orders."""
        for symbol in symbols:
            view = None
            if warm_up is not None:
                try:
                    view = await _warmed_up(warm_up, unit_of_work, symbol, now)
                except Unavailable as error:
                    logger.warning("%s: no warm-up from its snapshot (%s)", symbol, error)
            if view is None:
                view = await _loaded(unit_of_work, symbol, now)
            else:
                await _add_day_of_trades(view, unit_of_work, now)
            self.views[symbol] = view

    async def depth(self, symbol: str, limit: int) -> Depth:
        return self._view(symbol).depth(limit)

    async def ticker(self, symbol: str, now: int) -> TickerStats:
        return self._view(symbol).ticker.stats(now)

    async def average(self, symbol: str, now: int) -> AverageWindow:
        return self._view(symbol).ticker.average.window_at(now)

    def _view(self, symbol: str) -> MarketView:
        view = self.views.get(symbol)
        if view is None:
            raise MarketUnavailable(symbol)
        return view


async def _warmed_up(
    warm_up: "SnapshotWarmUp", unit_of_work: UnitOfWorkFactory, symbol: str, now: int
) -> MarketView | None:
    """The view from its snapshot and the events after it: those the event log has, and the
    messages waiting for it, read first (the streams may have published them already, and
    the log's relay may lag, see `Relay`)."""
    async with unit_of_work() as uow:
        unlogged = await uow.outbox.waiting(OutboxChannel.EVENT_LOG, symbol)
    return await warm_up.view(symbol, now - DAY, unlogged)


async def _add_day_of_trades(view: MarketView, unit_of_work: UnitOfWorkFactory, now: int) -> None:
    """The ticker of a view warmed up to its last trade: the day's trades up to that one (the
    later ones come with their events)."""
    async with unit_of_work() as uow:
        day = await uow.trades.history(symbol=view.symbol, start=now - DAY, limit=TICKER_TRADES)
    for trade in day:
        if trade.trade_id <= view.last_trade_id:
            view.ticker.add(trade)


async def _loaded(unit_of_work: UnitOfWorkFactory, symbol: str, now: int) -> MarketView:
    async with unit_of_work() as uow:
        sequence = await uow.leases.sequence(symbol)
        orders = await uow.orders.open(symbol)
        day = await uow.trades.history(symbol, start=now - DAY, limit=TICKER_TRADES)
    view = MarketView(symbol, sequence)
    for order in orders:
        levels = view.bids if order.side is Side.BUY else view.asks
        remaining = order.quantity - order.executed - order.prevented_quantity
        levels[order.price] = levels.get(order.price, 0) + remaining
    for trade in day:
        view.ticker.add(trade)
        view.last_trade_id = trade.trade_id
    return view
