"""What the operators see of the running exchange: every live process with its measures, and
each market's status and the engine holding its lease since when."""

from attrs import define, frozen

from application.market_data import MarketData
from application.messaging_ports import Processes
from application.ports import Clock, UnitOfWorkFactory
from application.records import Lease, ProcessBeat
from domain.market_status import MarketStatus


@frozen
class MarketRun:
    symbol: str
    status: MarketStatus
    lease: Lease | None  # None before any engine ran it


@frozen
class SystemState:
    time: int
    processes: list[ProcessBeat]
    markets: list[MarketRun]


@define
class SystemView:
    processes: Processes
    unit_of_work: UnitOfWorkFactory
    market_data: MarketData
    clock: Clock

    async def read(self) -> SystemState:
        now = self.clock.now()
        async with self.unit_of_work() as uow:
            leases = {lease.symbol: lease for lease in await uow.leases.held()}
        statuses = await self.market_data.statuses()
        markets = [
            MarketRun(market.symbol, statuses[market.symbol], leases.get(market.symbol))
            for market in self.market_data.markets()
        ]
        return SystemState(now, await self.processes.live(now), markets)
