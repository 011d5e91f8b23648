"""The markets' status changes in the memory store."""

from typing import TYPE_CHECKING

from domain.events import MarketStatusChanged

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryMarketStatuses:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, change: MarketStatusChanged) -> None:
        store = self._uow.store
        self._uow.staged.append(lambda: store.market_status_changes.append(change))

    async def current(self) -> dict[str, MarketStatusChanged]:
        return {change.symbol: change for change in self._uow.store.market_status_changes}
