"""The operator's acts on markets: a status change goes to the market's engine over the bus,
like any order command, and is answered once committed."""

from attrs import define

from application.bus import CommandBus
from application.ports import Clock
from domain.commands import SetMarketStatus
from domain.errors import UnknownMarket
from domain.events import MarketStatusChanged
from domain.exchange import Exchange
from domain.market_status import MarketStatus


@define
class MarketAdmin:
    exchange: Exchange
    bus: CommandBus
    clock: Clock

    async def set_status(
        self, symbol: str, status: MarketStatus, reason: str
    ) -> MarketStatusChanged:
        if symbol not in self.exchange.markets:
            raise UnknownMarket("Invalid symbol.")
        applied = await self.bus.submit(SetMarketStatus(symbol, status, reason, self.clock.now()))
        (changed,) = (e for e in applied.events if isinstance(e, MarketStatusChanged))
        return changed
