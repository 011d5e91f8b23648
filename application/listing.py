"""Listings from the store: each process's exchange lists what the store lists, and the
operator lists an asset or a market, or changes a market's filters and fees, there.

Every process reads the listings at start, again on each notice that they changed (the
process that changed them announces it after the commit), and every `REREAD_S` anyway, so
that a notice missed while Redis was out of reach is caught up soon after. A market new to a
process is listed in its exchange and handed to the process's listeners (its engines, its
market data); a changed one takes its new filters and fees for what comes after. The market's
engine takes a change in its order of commands (`TakeListing`), before the operator is
answered; the trades it matches from then on pay the new fees, resting orders included."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal

from attrs import define, field

from application.bus import CommandBus, TakeListing
from application.errors import Unavailable
from application.messaging_ports import ListingNotices
from application.ports import Clock, UnitOfWorkFactory
from domain.assets import Asset
from domain.errors import UnknownAsset, UnknownMarket
from domain.exchange import Exchange
from domain.listing import MarketTerms, NewMarket, changed_market, listed_market
from domain.markets import Market

REREAD_S = 5.0
logger = logging.getLogger(__name__)
Listener = Callable[[Market], Awaitable[None]]


@define
class ListingSync:
    """Keeps this process's exchange listing what the store lists; each market new to it is
    handed to the `listeners` once."""

    exchange: Exchange
    unit_of_work: UnitOfWorkFactory
    listeners: list[Listener] = field(factory=list)
    _lock: asyncio.Lock = field(factory=asyncio.Lock)
    _noticed: asyncio.Event = field(factory=asyncio.Event)

    def notice(self) -> None:
        """The listings changed somewhere: read them again at once."""
        self._noticed.set()

    async def refresh(self) -> None:
        async with self._lock:
            async with self.unit_of_work() as uow:
                assets = await uow.listings.assets()
                markets = await uow.listings.markets()
            for asset in assets.values():
                if self.exchange.assets.get(asset.code) != asset:
                    self.exchange.list_asset(asset)
            for symbol, market in markets.items():
                state = self.exchange.markets.get(symbol)
                if state is None:
                    self.exchange.list_market(market)
                    logger.info("listed %s", symbol)
                    for listener in self.listeners:
                        await listener(market)
                elif state.market != market:
                    self.exchange.change_market(market)
                    logger.info("%s has new filters or fees", symbol)

    async def watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(REREAD_S):
                    await self._noticed.wait()
            self._noticed.clear()
            try:
                await self.refresh()
            except Unavailable as error:
                logger.warning("listings not read again: %s", error)
            except Exception:  # a bug: told in full, and the watch goes on
                logger.exception("listings not read again")


@define
class MarketListing:
    """The operator's acts on listings, each kept in the store, then taken by this process
    and announced to the others before it answers; a change of a market's filters and fees is
    also taken by the market's engine, in its order of commands, before the answer, so that
    every order sent after the answer meets the new terms."""

    sync: ListingSync
    notices: ListingNotices
    bus: CommandBus
    clock: Clock

    async def list_asset(self, code: str, precision: int) -> Asset:
        asset = Asset(code, precision)
        async with self.sync.unit_of_work() as uow:
            await uow.listings.add_asset(asset)
            await uow.commit()
        await self._spread()
        return asset

    async def list_market(
        self, base: str, quote: str, tick_size: Decimal, step_size: Decimal, terms: MarketTerms
    ) -> Market:
        async with self.sync.unit_of_work() as uow:
            assets = await uow.listings.assets()
            for code in (base, quote):
                if code not in assets:
                    raise UnknownAsset(f"Unknown asset {code!r}.")
            market = listed_market(
                NewMarket(assets[base], assets[quote], tick_size, step_size, terms)
            )
            await uow.listings.add_market(market)
            await uow.commit()
        await self._spread()
        return market

    async def change_market(self, symbol: str, terms: MarketTerms) -> Market:
        async with self.sync.unit_of_work() as uow:
            market = (await uow.listings.markets()).get(symbol)
            if market is None:
                raise UnknownMarket("Invalid symbol.")
            market = changed_market(market, terms)
            await uow.listings.change_market(market)
            await uow.commit()
        await self._spread()
        await self.bus.submit(TakeListing(symbol, self.clock.now()))
        return market

    async def _spread(self) -> None:
        await self.sync.refresh()
        await self.notices.announce()
