"""The command bus within one process, whose engines run every market (memory mode)."""

from attrs import define

from application.bus import Applied, MarketCommand, symbol_of
from application.engine import MarketEngine
from domain.errors import UnknownMarket


@define
class InProcessBus:
    engines: dict[str, MarketEngine]

    async def submit(self, command: MarketCommand) -> Applied:
        engine = self.engines.get(symbol_of(command))
        if engine is None:
            raise UnknownMarket("Invalid symbol.")
        return await engine.submit(command)
